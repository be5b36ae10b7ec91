// Names that programs give their tasks (memscope::set_task_name), kept
// beside the task table rather than in it: the 192-byte TaskRecord stays as
// it is and the hooks never see a name. A map from task id to name under a
// mutex: naming is an API call, not a hook, and happens once per task.
// Entries go when the task's record is recycled (task_reclaim.cpp), so the
// map is bounded by the tasks the table holds.
#ifndef MEMSCOPE_RT_TASK_NAMES_HPP
#define MEMSCOPE_RT_TASK_NAMES_HPP

#include "memscope/snapshot.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace memscope::detail {

// Longer names are cut here (a name is a label, not a log line).
inline constexpr std::size_t kMaxTaskName = 256;

// id 0 (no task) is ignored; an empty name removes the name.
void name_task(std::uint64_t id, std::string_view name) noexcept;
// Called for each recycled record; cheap when no task was ever named.
void forget_task_name(std::uint64_t id) noexcept;
// Fills TaskProfile::label of every task that has a name (one lock).
void fill_task_names(std::vector<TaskProfile> &tasks);
// fork() (lifecycle.cpp's handler): the map's mutex is held across the
// fork. Release: in the parent and the child.
void names_fork_prepare() noexcept;
void names_fork_release() noexcept;

// How many names are kept (tests: the map is bounded by the table).
std::size_t task_name_count() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TASK_NAMES_HPP
