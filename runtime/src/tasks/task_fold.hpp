// Folding: how a completed task joins the aggregate of its root coroutine
// and type (FoldedTasks, snapshot.hpp). The one definition of what a fold
// adds up, used by both places that fold: the sweep, which folds recycled
// records that hold nothing (task_reclaim.cpp), and the snapshot, which folds
// the completed tasks a report does not list (MemorySnapshot::fold_completed).
#ifndef MEMSCOPE_TASKS_TASK_FOLD_HPP
#define MEMSCOPE_TASKS_TASK_FOLD_HPP

#include "memscope/snapshot.hpp"

#include <cstdint>

namespace memscope::detail {

// One task's figures as a fold sees them: read from a task record by the
// sweep, from a TaskProfile by the snapshot.
struct FoldInput {
  MemoryFigures figures;
  std::uint64_t frame_bytes = 0;
  std::uint64_t retained_bytes = 0;
  std::uint64_t resume_count = 0;
  std::uint64_t busy_ns = 0;
  std::uint64_t wait_ns = 0;
  std::uint64_t operations = 0;
  std::uint64_t peak_live_at_ns = 0; // 0: it never held memory
};

inline void add_to_group(FoldedTasks &g, const FoldInput &t) noexcept {
  ++g.count;
  // The group's peak time is its largest peak's.
  if (t.figures.peak_live_bytes > g.peak_live_bytes || g.count == 1) {
    g.peak_live_bytes = t.figures.peak_live_bytes;
    if (t.peak_live_at_ns != 0)
      g.peak_live_at_ns = t.peak_live_at_ns;
  }
  g.allocated_bytes += t.figures.allocated_bytes;
  g.freed_bytes += t.figures.freed_bytes;
  g.live_bytes += t.figures.live_bytes;
  g.alloc_count += t.figures.alloc_count;
  g.free_count += t.figures.free_count;
  g.peak_live_bytes_sum += t.figures.peak_live_bytes;
  g.frame_bytes += t.frame_bytes;
  g.retained_bytes += t.retained_bytes;
  g.resume_count += t.resume_count;
  g.busy_ns += t.busy_ns;
  g.wait_ns += t.wait_ns;
  g.operations += t.operations;
}

} // namespace memscope::detail

#endif // MEMSCOPE_TASKS_TASK_FOLD_HPP
