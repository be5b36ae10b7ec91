//===- Remarks.cpp --------------------------------------------------------===//
#include "Remarks.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/SmallString.h"

using namespace clang;

namespace memscope {

RemarkSink::RemarkSink(CompilerInstance &CI) : CI(CI) {
  DiagnosticsEngine &D = CI.getDiagnostics();
  RemarkID = D.getCustomDiagID(DiagnosticsEngine::Remark, "memscope: %0");
  WarningID = D.getCustomDiagID(DiagnosticsEngine::Warning, "memscope: %0");
}

void RemarkSink::remark(SourceLocation Loc, const llvm::Twine &Message) {
  llvm::SmallString<256> Buf;
  CI.getDiagnostics().Report(Loc, RemarkID) << Message.toStringRef(Buf);
}

void RemarkSink::warning(SourceLocation Loc, const llvm::Twine &Message) {
  llvm::SmallString<256> Buf;
  CI.getDiagnostics().Report(Loc, WarningID) << Message.toStringRef(Buf);
}

void RemarkSink::remark(const SourcePoint &Point, const llvm::Twine &Message) {
  SourceLocation Loc;
  if (CI.hasSourceManager() && !Point.File.empty() && Point.Line != 0) {
    SourceManager &SM = CI.getSourceManager();
    if (auto File = SM.getFileManager().getOptionalFileRef(Point.File))
      Loc = SM.translateFileLineCol(*File, Point.Line,
                                    Point.Column ? Point.Column : 1);
  }
  remark(Loc, Message);
}

} // namespace memscope
