#include "tasks/task_peak.hpp"

#include "support/clock.hpp"
#include "tasks/task_cold.hpp"

namespace memscope::detail {

MEMSCOPE_RARE_CALL void raise_task_peak(TaskRecord &r, std::uint32_t slot,
                                        std::int64_t live) noexcept {
  std::int64_t seen = r.peak_live_bytes.load(std::memory_order_relaxed);
  do {
    if (live <= seen)
      return; // another thread's allocation raised it further meanwhile
  } while (!r.peak_live_bytes.compare_exchange_weak(
      seen, live, std::memory_order_relaxed));
  const TaskCold *cold = task_cold(slot);
  if (!cold)
    return;
  const std::uint64_t now = ticks(), created = cold->created_ticks;
  // Two threads raising the same task's peak at once (a task current on
  // two threads) may store their times in either order: the time is then
  // that of one of the two raises, nanoseconds apart.
  r.peak_at.store(encode_peak_offset(now > created ? now - created : 0),
                  std::memory_order_relaxed);
}

std::uint64_t task_peak_ticks(const TaskRecord &r,
                              std::uint32_t slot) noexcept {
  const TaskCold *cold = task_cold(slot);
  if (!cold || r.peak_live_bytes.load(std::memory_order_relaxed) <= 0)
    return 0;
  return cold->created_ticks +
         decode_peak_offset(r.peak_at.load(std::memory_order_relaxed));
}

} // namespace memscope::detail
