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

// Numbered by position in task_types.def, as memscope_task_type.
enum class TaskType : unsigned {
#define MEMSCOPE_TASK_TYPE(Name, Abi, Short) Name,
#include "memscope/task_types.def"
};

inline constexpr std::size_t kTaskTypeCount = 0
#define MEMSCOPE_TASK_TYPE(Name, Abi, Short) +1
#include "memscope/task_types.def"
    ;

// The JSON name, e.g. "NetworkIntensive". Out-of-range values give "Unknown".
MEMSCOPE_API std::string_view to_string(TaskType type) noexcept;

// Accepts the JSON names ("NetworkIntensive") and the short attribute
// spellings of task_types.def ("network", "cpu", ...), case-insensitively.
// nullopt when it is neither.
MEMSCOPE_API std::optional<TaskType>
parse_task_type(std::string_view name) noexcept;

} // namespace memscope

#endif // MEMSCOPE_TASK_TYPE_HPP
