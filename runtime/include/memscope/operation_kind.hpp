// memscope::OperationKind: the kinds of I/O object whose asynchronous
// operations a task started, as observed at run time through Asio's handler
// tracking (docs/design.md §5). Shown beside the type the compiler inferred,
// so a reader sees both the compile-time and the run-time story of a task.
#ifndef MEMSCOPE_OPERATION_KIND_HPP
#define MEMSCOPE_OPERATION_KIND_HPP

#include "memscope/task_type.hpp"

#include <cstddef>
#include <string_view>

namespace memscope {

// The runtime classifies Asio's own names ("socket", "deadline_timer", ...)
// into these (operations.cpp); the numbering is this header's alone.
enum class OperationKind : unsigned {
  Socket = 0,
  Acceptor = 1,
  Resolver = 2,
  Timer = 3,
  Descriptor = 4, // stream descriptors, pipes, files
  SignalSet = 5,
  Channel = 6,
  Handler = 7 // post/dispatch/defer of a plain handler to an executor
};

inline constexpr std::size_t kOperationKindCount = 8;

// The JSON name: "socket", "acceptor", "resolver", "timer", "descriptor",
// "signal_set", "channel", "handler".
MEMSCOPE_API std::string_view to_string(OperationKind kind) noexcept;

// Whether operations of this kind are evidence for a task type (a handler
// posted to an executor says nothing about the work).
constexpr bool is_io(OperationKind kind) noexcept {
  return kind != OperationKind::Handler;
}

} // namespace memscope

#endif // MEMSCOPE_OPERATION_KIND_HPP
