//===- Remarks.h - Remarks at source points, for both plugin halves -*- C++ -*-===//
//
// The AST side reports through this sink; the IR pass reports LLVM
// optimization remarks (pass name "memscope"), which ForwardPassRemarks
// hands to the same sink under clang, so that every message reads
// "remark: memscope: ..." at the right place, with or without -Rpass.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_REMARKS_H
#define MEMSCOPE_REMARKS_H

#include "TaskFacts.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/Twine.h"
#include "llvm/IR/PassManager.h"
#include <memory>

namespace clang {
class CompilerInstance;
}
namespace llvm {
struct DiagnosticHandler;
}

namespace memscope {

class RemarkSink {
public:
  explicit RemarkSink(clang::CompilerInstance &CI);
  void remark(clang::SourceLocation Loc, const llvm::Twine &Message);
  void remark(const SourcePoint &Point, const llvm::Twine &Message);
  void warning(clang::SourceLocation Loc, const llvm::Twine &Message);

private:
  clang::CompilerInstance &CI;
  unsigned RemarkID;
  unsigned WarningID;
};

// A module pass that runs just before InstrumentationPass under clang: it
// puts a diagnostic handler in front of clang's that shows the IR pass's
// remarks through the sink (clang itself would show them only with
// -Rpass-missed=memscope, as "[-Rpass-missed=memscope]" remarks) and passes
// everything else on. Optimization records (-fsave-optimization-record)
// still get them: the context writes those before calling any handler.
class ForwardPassRemarks : public llvm::PassInfoMixin<ForwardPassRemarks> {
public:
  explicit ForwardPassRemarks(std::shared_ptr<RemarkSink> Sink)
      : Sink(std::move(Sink)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }

private:
  std::shared_ptr<RemarkSink> Sink;
  const llvm::DiagnosticHandler *Installed = nullptr; // ours, once set
};

} // namespace memscope

#endif // MEMSCOPE_REMARKS_H
