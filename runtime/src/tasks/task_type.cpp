#include "memscope/task_type.hpp"

#include "memscope/abi.h"

#include <array>

namespace memscope {
namespace {

// Both enums expand task_types.def; this says so where it would break.
#define MEMSCOPE_TASK_TYPE(Name, Abi, Short)                                   \
  static_assert(static_cast<unsigned>(TaskType::Name) == MEMSCOPE_TYPE_##Abi);
#include "memscope/task_types.def"
static_assert(static_cast<unsigned>(TaskType::Unknown) + 1 == kTaskTypeCount);

struct Spelling {
  std::string_view json;
  std::string_view short_name; // the [[memscope::task_type("...")]] form
};

constexpr std::array<Spelling, kTaskTypeCount> kNames = {{
#define MEMSCOPE_TASK_TYPE(Name, Abi, Short) {#Name, Short},
#include "memscope/task_types.def"
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
