//===- LateInstrumentationPass.h - End-of-pipeline half --------*- C++ -*-===//
//
// The instrumentation never adds an allocation (issue 11): InstrumentationPass,
// at the start of the pipeline, only *marks* the global operator new calls of
// user code with their site (metadata "memscope.site"), so that the optimizer
// still sees builtin operator new and removes the new/delete pairs it removes
// in a plain build. This pass runs last (OptimizerLast, at every -O level)
// and rewrites the marked calls that survived into __memscope_new* with a
// compile-time site. It also drops library call brackets
// (__memscope_call_enter/exit) left with nothing between them that may
// allocate, after inlining and dead-code elimination emptied them, and
// gives the resume, suspend and bracket hooks their inline common paths
// (InlineHooks.h).
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_LATEINSTRUMENTATIONPASS_H
#define MEMSCOPE_LATEINSTRUMENTATIONPASS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/IR/PassManager.h"

namespace memscope {

// The metadata kind on a marked operator new call:
//   !{!"file", i32 line, i32 column, !"enclosing function"}
inline constexpr const char *SiteMetadataKind = "memscope.site";

// The operator new forms, their replacements, and whether the replacement
// also takes an alignment.
struct NewForm {
  const char *Mangled;
  const char *Hook;
  bool Aligned;
  bool Nothrow;
};
const NewForm *newFormOf(llvm::StringRef MangledName);

class LateInstrumentationPass
    : public llvm::PassInfoMixin<LateInstrumentationPass> {
public:
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // also at -O0 / optnone
};

} // namespace memscope

#endif // MEMSCOPE_LATEINSTRUMENTATIONPASS_H
