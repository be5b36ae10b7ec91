// Placeholder replaced by the IR-pass engineer in this session.
#include "InstrumentationPass.h"
namespace memscope {
llvm::PreservedAnalyses InstrumentationPass::run(llvm::Module &,
                                                 llvm::ModuleAnalysisManager &) {
  return llvm::PreservedAnalyses::all();
}
} // namespace memscope
