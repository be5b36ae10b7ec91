#include "tasks/task_peak.hpp"

#include "support/clock.hpp"
#include "tasks/task_cold.hpp"

namespace memscope::detail {
namespace {

std::uint32_t peak_code(std::uint64_t now, std::uint64_t created) noexcept {
  return encode_peak_offset(now > created ? now - created : 0);
}

} // namespace

MEMSCOPE_RARE_CALL void raise_task_peak(TaskRecord &r, std::uint32_t slot,
                                        std::int64_t live) noexcept {
  std::int64_t seen = r.peak_live_bytes.load(std::memory_order_relaxed);
  do {
    if (live <= seen)
      return; // another thread's allocation raised it further meanwhile
  } while (!r.peak_live_bytes.compare_exchange_weak(
      seen, live, std::memory_order_relaxed));
  ThreadState &ts = t_state;
  if (slot == ts.owned_slot) {
    // The owner, with the task current here: the time is owed.
    r.peak_at.store(kPeakOwed, std::memory_order_relaxed);
    if (ts.peak_owed != &r) {
      settle_owed_peak(ts); // never another task's: a switch records it
      const TaskCold *cold = task_cold(slot);
      ts.peak_owed = &r;
      ts.peak_owed_created = cold ? cold->created_ticks : 0;
      ts.free_page0 = nullptr;
      settle_frame_batch(ts); // and no batch until the time is recorded
    }
    return;
  }
  const TaskCold *cold = task_cold(slot);
  if (!cold)
    return;
  // Two threads raising the same task's peak at once (a task current on
  // two threads) may store their times in either order: the time is then
  // that of one of the two raises, nanoseconds apart.
  r.peak_at.store(peak_code(ticks(), cold->created_ticks),
                  std::memory_order_relaxed);
}

MEMSCOPE_RARE_CALL void record_owed_peak(std::uint64_t now) noexcept {
  ThreadState &ts = t_state;
  TaskRecord &r = *ts.peak_owed;
  ts.peak_owed = nullptr;
  ts.free_page0 = ts.site_page0;
  // Not owed any more when another thread's free of one of its blocks
  // recorded the time (end_peak_plateau). A plain store: the two may cross
  // only within the nanoseconds of that free.
  if (r.peak_at.load(std::memory_order_relaxed) != kPeakOwed)
    return;
  r.peak_at.store(peak_code(now ? now : ticks(), ts.peak_owed_created),
                  std::memory_order_relaxed);
}

void end_peak_plateau(std::uint32_t slot) noexcept {
  const TaskCold *cold = task_cold(slot);
  std::uint32_t owed = kPeakOwed;
  task(slot).peak_at.compare_exchange_strong(
      owed, peak_code(ticks(), cold ? cold->created_ticks : 0),
      std::memory_order_relaxed);
}

std::uint64_t task_peak_ticks(const TaskRecord &r,
                              std::uint32_t slot) noexcept {
  const TaskCold *cold = task_cold(slot);
  if (!cold || r.peak_live_bytes.load(std::memory_order_relaxed) <= 0)
    return 0;
  const std::uint32_t code = r.peak_at.load(std::memory_order_relaxed);
  if (code == kPeakOwed)
    return ticks(); // still at its peak now
  return cold->created_ticks + decode_peak_offset(code);
}

} // namespace memscope::detail
