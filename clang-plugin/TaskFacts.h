//===- TaskFacts.h - What the AST analysis tells the IR pass ---*- C++ -*-===//
//
// The AST side (CoroutineAnalysis) runs to completion in
// HandleTranslationUnit before the backend runs the IR pipeline, so it can
// hand the pass a finished description of the translation unit. Functions
// are keyed by their mangled name, which is what codegen names them.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_TASKFACTS_H
#define MEMSCOPE_TASKFACTS_H

#include "llvm/ADT/StringMap.h"
#include <string>
#include <vector>

namespace memscope {

// Numbered as memscope_task_type in runtime/include/memscope/abi.h: both
// expand task_types.def.
enum class TaskType : unsigned {
#define MEMSCOPE_TASK_TYPE(Name, Abi, Short) Name,
#include "memscope/task_types.def"
};

const char *taskTypeName(TaskType T);
// Accepts the JSON names ("NetworkIntensive") and the short attribute
// spellings of task_types.def ("network", "cpu", ...), in any case. Returns
// false when the name is not one of them.
bool parseTaskType(llvm::StringRef Name, TaskType &Out);
// What parseTaskType accepts, for diagnostics: "cpu, io, ..., unknown (or
// CpuIntensive, IoIntensive, ..., Unknown)".
const std::string &taskTypeSpellings();

struct SourcePoint {
  std::string File; // presumed file name, as the compiler spells it
  unsigned Line = 0;
  unsigned Column = 0;
};

// One user coroutine (each template instantiation separately).
struct CoroutineFacts {
  std::string MangledName;
  std::string DisplayName; // readable, e.g. "session(tcp::socket)"
  SourcePoint Location;
  // Transparent library code, left uninstrumented and never a root: a
  // system header, a library-internal namespace (detail, impl, internal) or
  // a -fplugin-arg-memscope-transparent directory. Not user code for sites.
  bool InSystemHeader = false;
  // A synchronous generator (co_yield, never co_await): user code, but no
  // context hooks, so it runs in (and allocates for) whoever resumes it and
  // stays as cheap as plain code.
  bool IsGenerator = false;
  std::string TransparentWhy; // for -explain: why it is transparent
  // Every frame of this coroutine starts a task: [[memscope::task_root]], or
  // it is the function object given to a spawn function (a lambda given to
  // co_spawn).
  bool IsTaskRoot = false;
  bool HasSpawnPoint = false;
  SourcePoint SpawnPoint; // where it is spawned, for function-object spawns
  TaskType Type = TaskType::Unknown;
  bool TypeIsExplicit = false;
};

// A spawn whose coroutine argument is a call in user code:
//   co_spawn(ex, session(std::move(s)), detached)
// The pass brackets [the first instruction of the spawn expression .. the
// call to SpawnCallee] with __memscope_spawn_begin/__memscope_spawn_end.
//
// Deferred: a function-object spawn, whose coroutine is created later by the
// function object (a coroutine lambda, or a lambda returning a coroutine:
//   co_spawn(ex, [self] { return self->reader(); }, detached)).
// CoroutineCallee is empty; the bracket makes the task, everything the spawn
// starts runs in it, and the first coroutine frame created there is its
// root (MEMSCOPE_FLAG_DEFERRED_ROOT).
struct SpawnCallFacts {
  SourcePoint SpawnPoint;        // the spawn call (co_spawn, ...) itself
  std::string SpawnCallee;       // mangled name of the spawn function called
  SourcePoint CoroutineCallPoint; // the coroutine call inside the argument
  std::string CoroutineCallee;   // mangled name of the function called there
  std::string CallerMangledName; // function containing the spawn
  TaskType Type = TaskType::Unknown; // type of the spawned task
  bool TypeIsExplicit = false;       // from create_tracked(..., TaskType)
  // The whole spawn expression's extent: what is evaluated inside it (the
  // coroutine's arguments, `session(std::make_unique<Conn>(n))`) belongs to
  // the new task, so the bracket starts at its first instruction.
  SourcePoint ExprBegin;
  SourcePoint ExprEnd;
  bool Deferred = false;
};

struct ModuleFacts {
  llvm::StringMap<CoroutineFacts> Coroutines; // by mangled name
  std::vector<SpawnCallFacts> Spawns;
  bool Explain = false; // -fplugin-arg-memscope-explain

  void clear() {
    Coroutines.clear();
    Spawns.clear();
  }
};

} // namespace memscope

#endif // MEMSCOPE_TASKFACTS_H
