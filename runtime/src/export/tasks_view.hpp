// GET /tasks on the MEMSCOPE_METRICS server: the live per-task view that
// memscope-top reads (docs/design.md §6). Built on the server's thread from a
// snapshot, like /metrics.
#ifndef MEMSCOPE_RT_TASKS_VIEW_HPP
#define MEMSCOPE_RT_TASKS_VIEW_HPP

#include "memscope/snapshot.hpp"

#include <cstddef>
#include <string>

namespace memscope::detail {

inline constexpr std::size_t kDefaultTasksTop = 100;
inline constexpr std::size_t kMaxTasksTop = 10000;

// {"summary":{...},"tasks":[...],"outlived":[...],"sites":[...]}:
// - tasks: the report's task objects, largest live bytes first, at most
//   `top`;
// - outlived: completed tasks that still hold memory, the same way;
// - sites: the `top` sites holding the most live bytes.
std::string render_tasks_view(const MemorySnapshot &s, std::size_t top);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TASKS_VIEW_HPP
