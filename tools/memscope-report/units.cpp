#include "units.hpp"

#include <fmt/format.h>

namespace memscope::report {

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char *kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024)
    return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024.0 && unit < 4) {
    v /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string human_duration_ns(std::uint64_t ns) {
  if (ns < 1000)
    return fmt::format("{} ns", ns);
  if (ns < 1000000)
    return fmt::format("{:.1f} us", ns / 1e3);
  if (ns < 1000000000)
    return fmt::format("{:.1f} ms", ns / 1e6);
  return fmt::format("{:.2f} s", ns / 1e9);
}

} // namespace memscope::report
