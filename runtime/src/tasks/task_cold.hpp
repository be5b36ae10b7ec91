// The cold part of a task's record: what is written once (at creation) or
// once per asynchronous operation, never on a task switch, a frame or an
// allocation (except the few a task makes before its root is known). Kept
// beside the task table rather than in TaskRecord, whose hot part must stay
// small (docs/design.md §7), in the same chunks.
#ifndef MEMSCOPE_RT_TASK_COLD_HPP
#define MEMSCOPE_RT_TASK_COLD_HPP

#include "memscope/operation_kind.hpp"
#include "accounting/root_sites.hpp"
#include "tasks/task_table.hpp"

#include <array>
#include <atomic>
#include <cstdint>

namespace memscope::detail {

struct TaskCold {
  // Set by create_task before the record is published (kPublished).
  std::uint64_t created_ticks = 0;
  std::uint64_t parent_id = 0; // 0: created while no task was current
  // Asynchronous operations it started, by kind (observed at run time).
  std::atomic<std::uint32_t> started[kOperationKindCount];
  // Sites it allocated at while its root was not known yet (a spawn's
  // arguments): moved to the root when it is (root_sites.hpp).
  PendingSite pending[kPendingSites];
};
static_assert(sizeof(TaskCold) == 128);

// Mapped together with the task table's chunks (task_table.cpp) and zeroed
// with the record when a slot is recycled.
extern std::atomic<TaskCold *> g_cold_chunks[kMaxChunks];

// Null when the slot's chunk has none yet (a lost race while mapping).
inline TaskCold *task_cold(std::uint32_t slot) noexcept {
  if (slot == kUntrackedSlot)
    return nullptr;
  TaskCold *chunk =
      g_cold_chunks[slot >> kChunkShift].load(std::memory_order_acquire);
  return chunk ? &chunk[slot & (kChunkSize - 1)] : nullptr;
}

// Asio's names for the I/O object and the operation, as its handler
// tracking passes them, to a kind.
OperationKind classify_operation(const char *object, const char *name) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TASK_COLD_HPP
