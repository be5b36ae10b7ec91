#include "tasks/task_table.hpp"

#include "snapshot/sampler.hpp"
#include "support/clock.hpp"
#include "tasks/task_cold.hpp"
#include "tasks/task_peak.hpp"
#include "tasks/task_reclaim.hpp"

#include <sys/mman.h>

namespace memscope::detail {
namespace {

// Constant-initialised storage (constinit: no dynamic initialiser), so that
// the table works before any constructor has run and is not wiped by a late
// initialiser after earlier constructors (of libraries, or of the program at
// a higher priority) allocated.
constinit TaskRecord g_chunk0[kChunkSize];
constinit TaskCold g_cold0[kChunkSize];

std::atomic<std::uint32_t> g_next_slot{1};
std::atomic<std::uint64_t> g_next_id{1};

// Reclaimed slots waiting for reuse: one producer (the sampler thread's
// sweep, task_reclaim.cpp), any number of consumers (task creation). A
// consumer reads the entry at `head` and claims it with a CAS on `head`; the
// producer never writes an entry a consumer may still read, because it
// writes at `tail` only while tail - head < kFreeRing.
// As large as the completion ring (task_reclaim.cpp): 256 KiB, all of it
// resident once 65,536 tasks have been recycled, and not a byte more after.
constexpr std::uint32_t kFreeRing = 1u << 16;
std::atomic<std::uint32_t> g_free[kFreeRing];
std::atomic<std::uint64_t> g_free_head{0};
std::atomic<std::uint64_t> g_free_tail{0};

std::uint32_t take_free_slot() noexcept {
  std::uint64_t head = g_free_head.load(std::memory_order_relaxed);
  for (;;) {
    if (head == g_free_tail.load(std::memory_order_acquire))
      return 0;
    const std::uint32_t slot =
        g_free[head % kFreeRing].load(std::memory_order_relaxed);
    if (g_free_head.compare_exchange_weak(head, head + 1,
                                          std::memory_order_acq_rel))
      return slot;
  }
}
std::atomic<std::int64_t> g_active{0};
std::atomic<std::int64_t> g_peak_concurrent{0};

// Off the common path: runs once per chunk (and on a lost race, twice).
[[gnu::noinline, gnu::cold]] TaskRecord *map_chunk(std::uint32_t chunk) {
  if (chunk >= kMaxChunks)
    return nullptr;
  TaskRecord *have = g_chunks[chunk].load(std::memory_order_acquire);
  if (have)
    return have;
  // The records and their operation counts in one mapping.
  constexpr std::size_t kBytes =
      (sizeof(TaskRecord) + sizeof(TaskCold)) * kChunkSize;
  void *mem = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    return nullptr;
  auto *fresh = static_cast<TaskRecord *>(mem); // mmap memory is zeroed
  // Published before the records: whoever finds a record finds its counts.
  TaskCold *none = nullptr;
  if (!g_cold_chunks[chunk].compare_exchange_strong(
          none, reinterpret_cast<TaskCold *>(fresh + kChunkSize),
          std::memory_order_acq_rel)) {
    munmap(mem, kBytes);
    // Another thread is mapping this chunk: it is two stores from done.
    for (int spin = 0; spin < (1 << 20); ++spin)
      if ((have = g_chunks[chunk].load(std::memory_order_acquire)))
        break;
    return have;
  }
  g_chunks[chunk].store(fresh, std::memory_order_release);
  return fresh;
}

} // namespace

std::atomic<TaskRecord *> g_chunks[kMaxChunks] = {g_chunk0};
std::atomic<TaskCold *> g_cold_chunks[kMaxChunks] = {
    g_cold0};
constinit TaskRecord g_untracked;

TaskRecord *task_if_mapped(std::uint32_t slot) noexcept {
  if (slot == kUntrackedSlot)
    return &g_untracked;
  TaskRecord *chunk =
      g_chunks[slot >> kChunkShift].load(std::memory_order_acquire);
  return chunk ? &chunk[slot & (kChunkSize - 1)] : nullptr;
}

std::uint32_t task_slot_end() noexcept {
  return g_next_slot.load(std::memory_order_acquire);
}

std::uint64_t free_ring_room() noexcept {
  return kFreeRing - (g_free_tail.load(std::memory_order_relaxed) -
                      g_free_head.load(std::memory_order_acquire));
}

bool release_slot(std::uint32_t slot) noexcept {
  const std::uint64_t tail = g_free_tail.load(std::memory_order_relaxed);
  if (tail - g_free_head.load(std::memory_order_acquire) >= kFreeRing)
    return false;
  g_free[tail % kFreeRing].store(slot, std::memory_order_relaxed);
  // Release: a consumer that sees the new tail sees the entry and the
  // zeroed record.
  g_free_tail.store(tail + 1, std::memory_order_release);
  return true;
}

namespace {
// A recycled slot, else a fresh one (0 when the table is exhausted).
std::uint32_t new_slot() noexcept {
  if (const std::uint32_t reused = take_free_slot())
    return reused;
  const std::uint32_t slot =
      g_next_slot.fetch_add(1, std::memory_order_relaxed);
  const std::uint32_t chunk = slot >> kChunkShift;
  if (chunk >= kMaxChunks) [[unlikely]] {
    g_next_slot.store(kMaxChunks << kChunkShift, std::memory_order_relaxed);
    return 0;
  }
  // Map the next chunk while this one is half full, so that task creation
  // rarely waits for a mapping.
  if ((slot & (kChunkSize - 1)) == kChunkSize / 2 && chunk + 1 < kMaxChunks)
    map_chunk(chunk + 1);
  TaskRecord *base = g_chunks[chunk].load(std::memory_order_acquire);
  if (!base) [[unlikely]]
    base = map_chunk(chunk);
  if (!base) [[unlikely]]
    return 0; // the slot stays unpublished; readers skip it
  // Once per process: the slot sweep's thread, deferred until it has work
  // (sampler.hpp).
  if (slot == g_sweeper_deferred_at.load(std::memory_order_relaxed))
      [[unlikely]]
    sampler_start_deferred();
  return slot;
}
} // namespace

std::uint32_t create_task(std::uint32_t parent, std::uint32_t spawn_site,
                          std::uint32_t root_site, std::uint32_t type,
                          std::uint32_t extra_flags, std::uint64_t created,
                          std::uint32_t owner,
                          std::uint64_t thread_bit) noexcept {
  const std::uint32_t slot = new_slot();
  if (slot == 0) [[unlikely]]
    return 0;
  TaskRecord &r = task(slot);
  r.id.store(g_next_id.fetch_add(1, std::memory_order_relaxed),
             std::memory_order_relaxed);
  r.parent = parent;
  if (TaskCold *cold = task_cold(slot)) {
    cold->parent_id = task_id(parent);
    cold->created_ticks = created;
  }
  r.owner.store(owner, std::memory_order_relaxed);
  r.threads.store(thread_bit, std::memory_order_relaxed);
  r.spawn_site = spawn_site;
  r.root_site.store(root_site, std::memory_order_relaxed);
  r.type.store(type, std::memory_order_relaxed);
  // Release: a reader that sees kPublished sees the fields above.
  r.flags.store(kPublished | extra_flags, std::memory_order_release);
  const std::int64_t active =
      g_active.fetch_add(1, std::memory_order_relaxed) + 1;
  raise_peak(g_peak_concurrent, active);
  return slot;
}

void complete_task(std::uint32_t slot) noexcept {
  if (slot == 0 || slot == kUntrackedSlot)
    return;
  TaskRecord &r = task(slot);
  const std::uint32_t before =
      r.flags.fetch_or(kCompleted, std::memory_order_acq_rel);
  if (before & kCompleted)
    return;
  const std::int64_t retained =
      live_total(r) - r.retained_bytes.load(std::memory_order_relaxed);
  r.retained_bytes.store(retained < 0 ? 0 : retained,
                         std::memory_order_relaxed);
  const std::uint64_t now = ticks();
  if (t_state.peak_owed == &r) [[unlikely]]
    record_owed_peak(now); // completed while current here
  if (TaskCold *cold = task_cold(slot))
    cold->completed_ticks.store(now, std::memory_order_release);
  g_active.fetch_sub(1, std::memory_order_relaxed);
  note_completed(slot); // for the slot sweep (task_reclaim.hpp)
}

std::uint64_t active_tasks() noexcept {
  const std::int64_t n = g_active.load(std::memory_order_relaxed);
  return n < 0 ? 0 : static_cast<std::uint64_t>(n);
}

std::uint64_t peak_concurrent_tasks() noexcept {
  return static_cast<std::uint64_t>(
      g_peak_concurrent.load(std::memory_order_relaxed));
}

} // namespace memscope::detail
