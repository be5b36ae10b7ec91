// The time of a task's peak of live bytes. The peak itself is exact (every
// allocation compares the task's live bytes with it); its time is read from
// the tick clock only by an allocation that raises the peak, so a task in a
// steady state (its live bytes below the peak) pays nothing for it.
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

#include <bit>
#include <cstdint>

namespace memscope::detail {

inline constexpr unsigned kPeakMantissaBits = 27;
inline constexpr std::uint32_t kPeakMantissaMask =
    (std::uint32_t{1} << kPeakMantissaBits) - 1;

constexpr std::uint32_t encode_peak_offset(std::uint64_t ticks) noexcept {
  const unsigned width = 64 - static_cast<unsigned>(std::countl_zero(ticks));
  if (width <= kPeakMantissaBits)
    return static_cast<std::uint32_t>(ticks);
  const unsigned shift = width - kPeakMantissaBits;
  if (shift > 31) // past 2^58 ticks: the largest offset there is
    return ~std::uint32_t{0};
  return (shift << kPeakMantissaBits) |
         static_cast<std::uint32_t>(ticks >> shift);
}

constexpr std::uint64_t decode_peak_offset(std::uint32_t code) noexcept {
  return std::uint64_t{code & kPeakMantissaMask} << (code >> kPeakMantissaBits);
}

// Raises the peak of the task in `slot` (not the "no task" bucket) to `live`
// if that is higher, and then records when. Out of line: only allocations
// that raise a peak call it.
[[gnu::noinline]] MEMSCOPE_RARE_CALL void
raise_task_peak(TaskRecord &r, std::uint32_t slot, std::int64_t live) noexcept;

// The tick at which the task in `slot` reached its peak (0 when it has none
// or its creation time is not readable).
std::uint64_t task_peak_ticks(const TaskRecord &r,
                              std::uint32_t slot) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TASK_PEAK_HPP
