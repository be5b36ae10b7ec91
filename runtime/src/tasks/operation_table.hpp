// Which task started each pending asynchronous operation (docs/design.md §3
// "Asynchronous operations"), so that its completion handler, and every
// further step of a composed operation it starts, runs in that task.
//
// Asio's operation objects carry no room for us: the handler-tracking base
// class would change their layout, and translation units compiled with and
// without the plugin must agree on it. So the runtime keeps a fixed table
// keyed by the operation's address: written when Asio creates the operation,
// read and erased when it completes. Lock-free, no allocation, no system call
// (static storage, zero pages until touched).
//
// Two-choice hashing into buckets of four entries: each operation may live in
// one of two buckets, so the table works at high load without probing
// chains or tombstones. When both buckets are full, an entry is evicted and
// its operation later runs outside any task (counted: operations_lost).
#ifndef MEMSCOPE_RT_OPERATION_TABLE_HPP
#define MEMSCOPE_RT_OPERATION_TABLE_HPP

#include <cstdint>

namespace memscope::detail {

struct PendingOperation {
  std::uint64_t context = 0; // context current at creation (slot, site)
  std::uint64_t task_id = 0; // the slot's task then, to detect recycling
};

// Remembers `op` (not null) as started with `pending`.
void remember_operation(const void *op, PendingOperation pending) noexcept;

// Forgets `op` and returns what was remembered; false when nothing was.
bool take_operation(const void *op, PendingOperation &out) noexcept;

// Operations evicted before they completed (their handlers ran outside any
// task). Rare, so one shared counter; how many operations tasks started is
// counted per task (task_cold.hpp), never in a counter every thread writes.
std::uint64_t operations_lost() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_OPERATION_TABLE_HPP
