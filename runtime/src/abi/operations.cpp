// The asynchronous-operation hooks (abi.h) that Asio's handler tracking
// calls (memscope/asio_tracking.hpp): remember which task started an
// operation, count it by kind, and hand its context back at completion,
// where Asio resumes the task with __memscope_resume (context.cpp).
#include "tasks/task_cold.hpp"
#include "tasks/operation_table.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/abi.h"
#include "memscope/snapshot.hpp"

#include <cstring>

namespace memscope::detail {

// A switch on the first letter, not a table of names: it runs at every
// operation's creation, and executors (io_context, thread_pool, strand,
// system_executor), the commonest objects, then cost one comparison.
OperationKind classify_operation(const char *object,
                                 const char *name) noexcept {
  auto is = [](const char *a, const char *b) {
    return a && std::strcmp(a, b) == 0;
  };
  if (!object)
    return OperationKind::Handler;
  switch (object[0]) {
  case 's':
    if (is(object, "socket"))
      return is(name, "async_accept") ? OperationKind::Acceptor
                                      : OperationKind::Socket;
    if (is(object, "signal_set"))
      return OperationKind::SignalSet;
    break;
  case 'r':
    if (is(object, "resolver"))
      return OperationKind::Resolver;
    break;
  case 'd':
    if (is(object, "deadline_timer"))
      return OperationKind::Timer;
    if (is(object, "descriptor"))
      return OperationKind::Descriptor;
    break;
  case 'f':
  case 'h':
  case 'o': // file, handle, object_handle
    if (is(object, "file") || is(object, "handle") ||
        is(object, "object_handle"))
      return OperationKind::Descriptor;
    break;
  case 'c':
    if (is(object, "channel"))
      return OperationKind::Channel;
    break;
  default:
    break;
  }
  // io_context, thread_pool, strand, system_executor: post/dispatch/defer.
  return OperationKind::Handler;
}

} // namespace memscope::detail

using namespace memscope::detail;

#pragma GCC visibility push(default)
extern "C" {

void __memscope_op_created(const void *op, const char *object,
                           const char *name) {
  const std::uint64_t context = t_state.context;
  const std::uint32_t slot = context_slot(context);
  // Started outside any task (or by the runtime itself): it runs outside.
  if (slot == 0 || slot == kUntrackedSlot || op == nullptr)
    return;
  remember_operation(op,
                     {context, task(slot).id.load(std::memory_order_relaxed)});
  if (TaskCold *ops = task_cold(slot))
    ops->started[static_cast<unsigned>(classify_operation(object, name))]
        .fetch_add(1, std::memory_order_relaxed);
}

uint64_t __memscope_op_resume(const void *op) {
  PendingOperation p;
  std::uint64_t context = 0;
  if (op != nullptr && take_operation(op, p) &&
      hold_task_for_resume(context_slot(p.context), p.task_id))
    context = p.context;
  return __memscope_resume(context);
}

} // extern "C"
#pragma GCC visibility pop

namespace memscope {
std::string_view to_string(OperationKind kind) noexcept {
  static constexpr std::string_view kNames[kOperationKindCount] = {
      "socket",     "acceptor",   "resolver", "timer",
      "descriptor", "signal_set", "channel",  "handler"};
  const auto i = static_cast<unsigned>(kind);
  return i < kOperationKindCount ? kNames[i] : "handler";
}
} // namespace memscope

namespace memscope {
std::optional<TaskType> observed_task_type(
    const std::array<std::uint32_t, kOperationKindCount> &ops) noexcept {
  auto n = [&](OperationKind k) { return ops[static_cast<unsigned>(k)]; };
  const bool network = n(OperationKind::Socket) + n(OperationKind::Acceptor) +
                           n(OperationKind::Resolver) >
                       0;
  const bool io = n(OperationKind::Descriptor) > 0;
  const bool streaming = n(OperationKind::Channel) > 0;
  const int kinds = int{network} + int{io} + int{streaming};
  if (kinds > 1)
    return TaskType::Mixed;
  if (network)
    return TaskType::NetworkIntensive;
  if (io)
    return TaskType::IoIntensive;
  if (streaming)
    return TaskType::Streaming;
  if (n(OperationKind::Timer) > 0)
    return TaskType::Background;
  return std::nullopt;
}

bool type_contradicted(const TaskProfile &task) noexcept {
  const std::optional<TaskType> seen = observed_task_type(task.operations);
  return seen && *seen != task.type && task.type != TaskType::Mixed &&
         task.type != TaskType::Unknown;
}
} // namespace memscope
