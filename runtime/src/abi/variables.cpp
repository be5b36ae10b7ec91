// MEMSCOPE_TRACK_VAR records: a fixed array of slots claimed with one atomic
// increment and published with a release store, so recording never waits,
// allocates or calls the system, on any executor thread. Readers copy the
// published slots (and allocate, untracked).
#include "support/clock.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/async_runtime.hpp"

#include <algorithm>
#include <atomic>

namespace memscope {
namespace {

using namespace detail;

inline constexpr std::uint32_t kMaxVariables = 1u << 16;

struct Slot {
  std::atomic<bool> ready;
  std::uint64_t task;
  std::uint64_t ticks;
  VariableEvent event;
};

Slot g_slots[kMaxVariables];
std::atomic<std::uint64_t> g_claimed{0};
std::atomic<std::uint64_t> g_count{0};
std::atomic<std::uint64_t> g_bytes{0};

} // namespace

void record_variable(const VariableEvent &e) noexcept {
  const DetailMode mode = async_settings().mode;
  if (mode == DetailMode::Off)
    return;
  g_count.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(e.heap_bytes, std::memory_order_relaxed);
  if (mode != DetailMode::Full)
    return;
  const std::uint64_t i = g_claimed.fetch_add(1, std::memory_order_relaxed);
  if (i >= kMaxVariables)
    return; // counted as dropped: claimed - kMaxVariables
  Slot &s = g_slots[i];
  s.task = task_id(context_slot(t_state.context));
  s.ticks = ticks();
  s.event = e;
  s.ready.store(true, std::memory_order_release);
}

std::vector<TrackedVariable> tracked_variables() {
  InternalScope internal;
  const std::uint64_t n = std::min<std::uint64_t>(
      g_claimed.load(std::memory_order_acquire), kMaxVariables);
  const TickConverter clock = make_tick_converter();
  std::vector<TrackedVariable> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const Slot &s = g_slots[i];
    if (!s.ready.load(std::memory_order_acquire))
      continue; // being written right now
    TrackedVariable v;
    v.task_id = s.task;
    v.name = s.event.name ? s.event.name : "";
    if (s.event.type)
      v.type.assign(s.event.type, s.event.type_len);
    v.heap_bytes = s.event.heap_bytes;
    v.file = s.event.file ? s.event.file : "";
    v.line = s.event.line;
    v.tracked_ns = clock.timestamp_ns(s.ticks);
    out.push_back(std::move(v));
  }
  return out;
}

VariableTotals tracked_variable_totals() noexcept {
  VariableTotals t;
  t.count = g_count.load(std::memory_order_relaxed);
  t.heap_bytes = g_bytes.load(std::memory_order_relaxed);
  const std::uint64_t claimed = g_claimed.load(std::memory_order_relaxed);
  t.dropped = claimed > kMaxVariables ? claimed - kMaxVariables : 0;
  return t;
}

} // namespace memscope
