//===- InstrumentationPass.h - IR half of memscope.so ----------*- C++ -*-===//
//
// Instruments presplit coroutines (task binding at frame creation, context
// switch at every resume and suspend, frame end), spawns, and user calls
// into library code that may allocate (site brackets), and marks user
// allocation sites for LateInstrumentationPass, calling the hooks of
// runtime/include/memscope/abi.h.
//
// Under clang the AST half hands it ModuleFacts; under opt (-passes=memscope)
// there are none, and every coroutine outside the system headers is user
// code whose root/child decision is left to the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_INSTRUMENTATIONPASS_H
#define MEMSCOPE_INSTRUMENTATIONPASS_H

#include "TaskFacts.h"
#include "llvm/IR/PassManager.h"
#include <memory>

namespace memscope {

// Why the pass leaves a module, coroutine or spawn unchanged.
enum class SkipReason {
#define MEMSCOPE_SKIP(Name, Text) Name,
#include "SkipReasons.def"
};
const char *skipReasonName(SkipReason R); // the remark's name
const char *skipReasonText(SkipReason R); // what the remark says

class InstrumentationPass : public llvm::PassInfoMixin<InstrumentationPass> {
public:
  // Facts may be null: no AST half (opt).
  explicit InstrumentationPass(std::shared_ptr<const ModuleFacts> Facts = {})
      : Facts(std::move(Facts)) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // also at -O0 / optnone

private:
  std::shared_ptr<const ModuleFacts> Facts;
};

} // namespace memscope

#endif // MEMSCOPE_INSTRUMENTATIONPASS_H
