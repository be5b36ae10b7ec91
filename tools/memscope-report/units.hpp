// Human units for byte counts and durations.
#pragma once
#include <cstdint>
#include <string>

namespace memscope::report {
std::string human_bytes(std::uint64_t bytes);
std::string human_duration_ns(std::uint64_t ns);
} // namespace memscope::report
