//===- Remarks.h - Remarks at source points, for both plugin halves -*- C++ -*-===//
//
// The AST side has SourceLocations; the IR pass only has file:line:column from
// DILocations. Both report through this sink so that every message reads
// "remark: memscope: ..." at the right place.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_REMARKS_H
#define MEMSCOPE_REMARKS_H

#include "TaskFacts.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/Twine.h"

namespace clang {
class CompilerInstance;
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

} // namespace memscope

#endif // MEMSCOPE_REMARKS_H
