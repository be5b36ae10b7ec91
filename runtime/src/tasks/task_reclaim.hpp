// Recycling task slots, so that runtime memory follows the tasks that are
// alive (plus the newest MAX_TASKS completed ones), not every task ever made.
//
// The sampler thread sweeps the table: a completed task that holds nothing
// any more (no live block, no live frame, current on no thread) and is older
// than the newest `keep` completed tasks is folded into an aggregate per
// (root coroutine, type), its record is zeroed and its slot goes back to the
// free ring (task_table.cpp). Every figure stays in the snapshot and the
// report: listed tasks plus the folded aggregates add up to what happened.
//
// Why this is safe without a generation in every slot reference: a slot is
// named by block headers (none live), frame bindings (no live frame), and
// contexts (current nowhere; a saved context is restored only into the
// activation that saved it, which runs inside a live frame of its task).
// The last write of a free is its free count (release), so a sweep that
// sees the counts balance (acquire) sees every byte of every free.
#ifndef MEMSCOPE_RT_TASK_RECLAIM_HPP
#define MEMSCOPE_RT_TASK_RECLAIM_HPP

#include "memscope/snapshot.hpp"

#include <cstdint>
#include <vector>

namespace memscope::detail {

// complete_task() queues the slot for the sweep (a hook: no lock, no
// allocation).
void note_completed(std::uint32_t slot) noexcept;

// One sweep (sampler thread). Keeps the newest `keep` completed tasks in
// their slots and reclaims at most a batch of older ones. Returns how many
// slots it reclaimed; *backlog (if given) says whether more are waiting.
std::uint64_t reclaim_sweep(std::uint64_t keep,
                            bool *backlog = nullptr) noexcept;

// Readers that walk the table and read the aggregates (snapshots) hold this
// lock, so that a task is never seen both in its slot and in an aggregate,
// or in neither. Only the sweep and snapshots take it: the program's threads
// never wait for it in a hook or an allocation.
class FoldLock {
public:
  FoldLock() noexcept;
  ~FoldLock();
  FoldLock(const FoldLock &) = delete;
  FoldLock &operator=(const FoldLock &) = delete;
};

// fork() (the runtime's one handler, lifecycle.cpp): the lock is held across
// the fork, so that the child does not inherit it locked by a sweep on a
// thread that does not exist there. Release: in the parent and the child.
void folds_fork_prepare() noexcept;
void folds_fork_release() noexcept;

// The aggregates so far (call with a FoldLock held).
void copy_folded(std::vector<FoldedTasks> &out);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TASK_RECLAIM_HPP
