// The time of a task's peak of live bytes. The peak itself is exact (every
// allocation compares the task's live bytes with it). Its time is a moment
// at which the task held that peak:
// - raised by the thread that owns the task, while it is current there (the
//   common case: a task growing in its own run slice), the time is owed
//   rather than read, so that a task whose every allocation raises its peak
//   (a new task, a growing buffer) pays no clock read per allocation. It is
//   recorded at the first of: the next free on that thread (the general
//   code: ThreadState::free_page0 is null while a time is owed; a free of
//   the runtime's own memory does not count), the switch
//   away from the task (which reads the clock for its run slice anyway), a
//   free of one of the task's blocks on another thread, the task's
//   completion. Until then the live bytes stay at the peak, so the time is
//   on the peak's plateau, at most one run slice after it was reached; a
//   reader meanwhile sees kPeakOwed, "still at its peak now".
// - raised by any other thread, the clock is read there and then.
// While a time is owed the frame batch is off (it would end a frame without
// a free: frame_batch.hpp), so every decrease of the task's live bytes on
// this thread goes through a free.
//
// The time lives in TaskRecord::peak_at, 32 bits, as ticks since the task
// was created in a small floating-point encoding: 27 bits of mantissa and a
// 5-bit shift. Offsets below 2^27 ticks (about 40 ms at 3 GHz) are exact to
// the tick; longer ones keep 26 significant bits (an error below one part in
// 67 million of the task's age: 54 us for a task an hour old), up to 2^58
// ticks (years). Relative to the creation, not to the runtime start, so a
// short task of a long-running service is timed as finely as one of a
// short run.
#ifndef MEMSCOPE_RT_TASK_PEAK_HPP
#define MEMSCOPE_RT_TASK_PEAK_HPP

#include "support/rare_call.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include <bit>
#include <cstdint>

namespace memscope::detail {

inline constexpr unsigned kPeakMantissaBits = 27;
inline constexpr std::uint32_t kPeakMantissaMask =
    (std::uint32_t{1} << kPeakMantissaBits) - 1;

// TaskRecord::peak_at while the time is owed: a code no offset encodes to.
inline constexpr std::uint32_t kPeakOwed = ~std::uint32_t{0} - 1;

constexpr std::uint32_t encode_peak_offset(std::uint64_t ticks) noexcept {
  const unsigned width = 64 - static_cast<unsigned>(std::countl_zero(ticks));
  if (width <= kPeakMantissaBits)
    return static_cast<std::uint32_t>(ticks);
  const unsigned shift = width - kPeakMantissaBits;
  if (shift > 31) // past 2^58 ticks: the largest offset there is
    return ~std::uint32_t{0};
  const std::uint32_t code =
      (shift << kPeakMantissaBits) | static_cast<std::uint32_t>(ticks >> shift);
  return code == kPeakOwed ? ~std::uint32_t{0} : code;
}

constexpr std::uint64_t decode_peak_offset(std::uint32_t code) noexcept {
  return std::uint64_t{code & kPeakMantissaMask} << (code >> kPeakMantissaBits);
}

// Raises the peak of the task in `slot` (not the "no task" bucket) to `live`
// if that is higher, and then records when, or owes it (above). Out of
// line: only allocations that raise a peak call it.
[[gnu::noinline]] MEMSCOPE_RARE_CALL void
raise_task_peak(TaskRecord &r, std::uint32_t slot, std::int64_t live) noexcept;

// Records the peak time this thread owes (ThreadState::peak_owed), at
// `now` (0: read the clock). For the switch away from the task, the first
// free, the task's completion.
MEMSCOPE_RARE_CALL void record_owed_peak(std::uint64_t now) noexcept;
[[gnu::always_inline]] inline void
settle_owed_peak(const ThreadState &ts, std::uint64_t now = 0) noexcept {
  if (ts.peak_owed) [[unlikely]]
    record_owed_peak(now);
}

// A block of the task in `slot` is freed on a thread that does not own it
// while the owner owes the task's peak time: the peak's plateau ends now
// (the owner's own frees record its debt first: credit_slow).
void end_peak_plateau(std::uint32_t slot) noexcept;

// The tick at which the task in `slot` held its peak (0 when it has none
// or its creation time is not readable; now while the time is owed).
std::uint64_t task_peak_ticks(const TaskRecord &r,
                              std::uint32_t slot) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TASK_PEAK_HPP
