//===- PluginHooks.h - How memscope.so hands its passes to the frontend -*- C++ -*-===//
//
// memscope.so holds the IR passes and is an LLVM pass plugin, so it must
// load into opt, which has no Clang libraries (and cannot take
// libclang-cpp.so either: both define some of the same cl::opts). The Clang
// half (the AST analysis and the frontend plugin that adds the passes to
// clang's pipeline) is memscope-frontend.so, beside it. When memscope.so is
// loaded into clang (-fplugin), its constructor finds Clang in the process,
// loads memscope-frontend.so and calls memscope_frontend_register with these
// hooks; the frontend then registers the "memscope" plugin action. Users
// only ever name memscope.so.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_PLUGINHOOKS_H
#define MEMSCOPE_PLUGINHOOKS_H

#include "TaskFacts.h"
#include "llvm/IR/PassManager.h"
#include <memory>

namespace memscope {

struct PassHooks {
  // Bumped when this struct changes: the two files come from one build, but
  // a stale copy beside a new memscope.so must not be called.
  static constexpr unsigned CurrentVersion = 1;
  unsigned Version;
  // The start-of-pipeline pass, with the AST half's facts.
  void (*AddInstrumentation)(llvm::ModulePassManager &MPM,
                             std::shared_ptr<const ModuleFacts> Facts);
  // The end-of-pipeline pass.
  void (*AddLateInstrumentation)(llvm::ModulePassManager &MPM);
};

} // namespace memscope

// Defined by memscope-frontend.so. False: not registered (the host Clang is
// not the one memscope was built for, or the hooks' version differs); it
// has said why on stderr.
extern "C" bool memscope_frontend_register(const memscope::PassHooks *Hooks);

#endif // MEMSCOPE_PLUGINHOOKS_H
