// memscope::TaskType: what kind of work a task does, inferred by the plugin
// at compile time (or given explicitly by the user). Numbered exactly as
// memscope_task_type in abi.h so the runtime can cast the site's field.
#ifndef MEMSCOPE_TASK_TYPE_HPP
#define MEMSCOPE_TASK_TYPE_HPP

#include <cstddef>
#include <optional>
#include <string_view>

// The runtime is built with hidden visibility (its fmt copy and internals stay
// private to it); the public API is exported explicitly.
#if defined(__GNUC__)
#define MEMSCOPE_API __attribute__((visibility("default")))
#else
#define MEMSCOPE_API
#endif

namespace memscope {

enum class TaskType : unsigned {
  CpuIntensive = 0,
  IoIntensive = 1,
  NetworkIntensive = 2,
  MemoryIntensive = 3,
  GpuCompute = 4,
  Mixed = 5,
  Streaming = 6,
  Background = 7,
  Unknown = 8
};

inline constexpr std::size_t kTaskTypeCount = 9;

// The JSON name, e.g. "NetworkIntensive". Out-of-range values give "Unknown".
MEMSCOPE_API std::string_view to_string(TaskType type) noexcept;

// Accepts the JSON names ("NetworkIntensive") and the short attribute
// spellings ("network", "cpu", "io", "memory", "gpu", "mixed", "streaming",
// "background", "unknown"), case-insensitively. nullopt when it is neither.
MEMSCOPE_API std::optional<TaskType>
parse_task_type(std::string_view name) noexcept;

} // namespace memscope

#endif // MEMSCOPE_TASK_TYPE_HPP
