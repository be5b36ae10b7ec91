//===- InstrumentationPass.h - IR half of memscope.so ----------*- C++ -*-===//
//
// Instruments presplit coroutines (task binding at frame creation, context
// switch at every resume and suspend, frame end), spawns, and user calls
// into library code that may allocate (site brackets), and marks user
// allocation sites for LateInstrumentationPass, calling the hooks of
// runtime/include/memscope/abi.h.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_INSTRUMENTATIONPASS_H
#define MEMSCOPE_INSTRUMENTATIONPASS_H

#include "Remarks.h"
#include "TaskFacts.h"
#include "llvm/IR/PassManager.h"
#include <memory>

namespace memscope {

class InstrumentationPass : public llvm::PassInfoMixin<InstrumentationPass> {
public:
  InstrumentationPass(std::shared_ptr<const ModuleFacts> Facts,
                      std::shared_ptr<RemarkSink> Remarks)
      : Facts(std::move(Facts)), Remarks(std::move(Remarks)) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // also at -O0 / optnone

private:
  std::shared_ptr<const ModuleFacts> Facts;
  std::shared_ptr<RemarkSink> Remarks;
};

} // namespace memscope

#endif // MEMSCOPE_INSTRUMENTATIONPASS_H
