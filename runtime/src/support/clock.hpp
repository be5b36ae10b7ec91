// Time for the hot path: a raw cycle counter read (rdtsc, no system call),
// converted to nanoseconds only when figures are read, using a calibration
// against the steady clock taken at that time.
#ifndef MEMSCOPE_RT_CLOCK_HPP
#define MEMSCOPE_RT_CLOCK_HPP

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#else
#include <chrono>
#endif

namespace memscope::detail {

inline std::uint64_t ticks() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  // Elsewhere the steady clock is a vDSO read: still no system call.
  return static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// Records the origin (runtime start). Called from the earliest constructor;
// calling it again does nothing.
void clock_init() noexcept;

// Converts ticks to nanoseconds with one calibration, taken when it is made
// (make one per snapshot, not one per figure).
struct TickConverter {
  std::uint64_t origin_ticks = 0;
  std::uint64_t now_ticks = 0;
  double ns_per_tick = 1.0;

  // A duration in ticks as nanoseconds.
  std::uint64_t duration_ns(std::uint64_t duration) const noexcept {
    return static_cast<std::uint64_t>(static_cast<double>(duration) *
                                      ns_per_tick);
  }
  // A tick timestamp as nanoseconds since the runtime started (0 if earlier).
  std::uint64_t timestamp_ns(std::uint64_t at) const noexcept {
    return at <= origin_ticks ? 0 : duration_ns(at - origin_ticks);
  }
  // Nanoseconds from the runtime start to when the converter was made.
  std::uint64_t uptime_ns() const noexcept { return timestamp_ns(now_ticks); }
};

TickConverter make_tick_converter() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_CLOCK_HPP
