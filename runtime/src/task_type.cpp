#include "memscope/task_type.hpp"

#include <array>

namespace memscope {
namespace {

struct Spelling {
  std::string_view json;
  std::string_view short_name; // the [[memscope::task_type("...")]] form
};

constexpr std::array<Spelling, kTaskTypeCount> kNames = {{
    {"CpuIntensive", "cpu"},
    {"IoIntensive", "io"},
    {"NetworkIntensive", "network"},
    {"MemoryIntensive", "memory"},
    {"GpuCompute", "gpu"},
    {"Mixed", "mixed"},
    {"Streaming", "streaming"},
    {"Background", "background"},
    {"Unknown", "unknown"},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i]))
      return false;
  }
  return true;
}

} // namespace

std::string_view to_string(TaskType type) noexcept {
  const auto i = static_cast<std::size_t>(type);
  return i < kTaskTypeCount ? kNames[i].json : kNames.back().json;
}

std::optional<TaskType> parse_task_type(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kTaskTypeCount; ++i)
    if (equal_ignoring_case(name, kNames[i].json) ||
        equal_ignoring_case(name, kNames[i].short_name))
      return static_cast<TaskType>(i);
  return std::nullopt;
}

} // namespace memscope
