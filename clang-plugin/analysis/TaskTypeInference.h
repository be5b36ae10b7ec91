//===- TaskTypeInference.h - Task types from the AST -----------*- C++ -*-===//
//
// The task types of docs/design.md §4.
//
// Walks a coroutine's body and, transitively, the user functions and
// coroutines it calls that are defined in this translation unit (bounded
// depth, memoized, cycle-safe), collecting evidence:
//
//   Network   Asio sockets/acceptors/resolvers/ssl streams, Beast streams and
//             http/websocket calls, asio::async_connect, asio::async_read/
//             async_write on a socket
//   Io        Asio files, stream descriptors, pipes, serial ports,
//             std::fstream family, std::filesystem, stdio FILE* functions,
//             POSIX open/read/write/... on descriptors
//   Streaming Asio experimental channels, co_yield
//   Timer     waitable/deadline timer waits, sleep_for/sleep
//   Gpu       CUDA (cuda*/cu*/cublas*/...), OpenCL (cl*), HIP, SYCL, thrust,
//             CUDA kernel launches
//   Cpu       loops doing arithmetic (not counting loops that co_await:
//             those are event loops), <algorithm>/<numeric> work, <cmath>
//   Memory    allocations of at least kLargeAllocationBytes (64 KiB) with a
//             constant size (new[], malloc, vector(n), reserve/resize),
//             allocations and container growth inside computation loops
//
// and decides (first match wins):
//   Gpu evidence               -> GpuCompute (Mixed when there is I/O too)
//   2+ of Network/Io/Streaming -> Mixed
//   1 of them                  -> that one, or Mixed when the CPU work is
//                                 substantial (weight >= 2: nested or
//                                 sizeable computation loops, sorting, ...)
//   memory weight >= cpu > 0 or memory only -> MemoryIntensive
//   cpu weight > 0             -> CpuIntensive (Background when the only
//                                 other thing is a timer loop and cpu < 2)
//   timer waits in a loop      -> Background
//   nothing                    -> Unknown
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_TASKTYPEINFERENCE_H
#define MEMSCOPE_TASKTYPEINFERENCE_H

#include "TaskFacts.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include <functional>
#include <string>

namespace clang {
class ASTContext;
class CallExpr;
class FunctionDecl;
} // namespace clang

namespace memscope {

constexpr unsigned long long kLargeAllocationBytes = 64 * 1024;
constexpr unsigned long long kSizeableLoopTrips = 10000;

struct Evidence {
  bool Present = false;
  std::string What; // "calls boost::asio::basic_stream_socket::async_read_some"
  SourcePoint Where;
  std::string In; // readable name of the function whose body has it
  void set(std::string W, SourcePoint P, const std::string &Fn) {
    if (Present)
      return;
    Present = true;
    What = std::move(W);
    Where = std::move(P);
    In = Fn;
  }
};

struct TypeSummary {
  Evidence Net, Io, Stream, Gpu, Timer, Cpu, Mem;
  bool TimerInLoop = false;
  bool HasArithmetic = false; // any arithmetic at all (calls from loops)
  unsigned CpuWeight = 0;
  unsigned MemWeight = 0;
  void merge(const TypeSummary &O);
};

struct InferredType {
  TaskType Type = TaskType::Unknown;
  std::string Explanation; // "calls X at f:l:c" (no leading "type ...: ")
};

class TaskTypeInference {
public:
  using SpawnPredicate = std::function<bool(const clang::CallExpr *)>;
  TaskTypeInference(clang::ASTContext &Ctx, SpawnPredicate IsSpawn)
      : Ctx(Ctx), IsSpawn(std::move(IsSpawn)) {}

  // Type of a task whose root is FD (FD's own body and what it reaches).
  InferredType infer(const clang::FunctionDecl *FD);

  // Memoized per function; exposed for the walker's recursion.
  const TypeSummary &summarize(const clang::FunctionDecl *FD, unsigned Depth);

  static constexpr unsigned MaxDepth = 8;

private:
  friend class EvidenceWalker;
  clang::ASTContext &Ctx;
  SpawnPredicate IsSpawn;
  llvm::DenseMap<const clang::FunctionDecl *, TypeSummary> Memo;
  llvm::DenseSet<const clang::FunctionDecl *> InProgress;
  TypeSummary Empty;
};

} // namespace memscope

#endif // MEMSCOPE_TASKTYPEINFERENCE_H
