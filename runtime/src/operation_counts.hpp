// Per task: how many asynchronous operations of each kind it started
// (socket, acceptor, resolver, timer, ...), as observed at run time. Kept
// beside the task table rather than in TaskRecord, whose hot part must stay
// small (DESIGN.md §7): these are written once per operation, never on a
// task switch or an allocation.
#ifndef MEMSCOPE_RT_OPERATION_COUNTS_HPP
#define MEMSCOPE_RT_OPERATION_COUNTS_HPP

#include "memscope/operation_kind.hpp"
#include "task_table.hpp"

#include <array>
#include <atomic>
#include <cstdint>

namespace memscope::detail {

struct OperationCounts {
  std::atomic<std::uint32_t> started[kOperationKindCount];
};
static_assert(sizeof(OperationCounts) == 32);

// Mapped together with the task table's chunks (task_table.cpp) and zeroed
// with the record when a slot is recycled.
extern std::atomic<OperationCounts *> g_operation_chunks[kMaxChunks];

// Null when the slot's chunk has none yet (a lost race while mapping).
inline OperationCounts *operation_counts(std::uint32_t slot) noexcept {
  if (slot == kUntrackedSlot)
    return nullptr;
  OperationCounts *chunk =
      g_operation_chunks[slot >> kChunkShift].load(std::memory_order_acquire);
  return chunk ? &chunk[slot & (kChunkSize - 1)] : nullptr;
}

// Asio's names for the I/O object and the operation, as its handler
// tracking passes them, to a kind.
OperationKind classify_operation(const char *object, const char *name) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_OPERATION_COUNTS_HPP
