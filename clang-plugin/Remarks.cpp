//===- Remarks.cpp --------------------------------------------------------===//
#include "Remarks.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/DiagnosticHandler.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

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

namespace {

constexpr const char *PassRemarkName = "memscope"; // DEBUG_TYPE of the pass

class PassRemarkHandler : public llvm::DiagnosticHandler {
public:
  PassRemarkHandler(std::unique_ptr<llvm::DiagnosticHandler> Next,
                    std::shared_ptr<RemarkSink> Sink)
      : Next(std::move(Next)), Sink(std::move(Sink)) {
    DiagHandlerCallback = this->Next->DiagHandlerCallback;
    DiagnosticContext = this->Next->DiagnosticContext;
  }

  bool handleDiagnostics(const llvm::DiagnosticInfo &DI) override {
    if (const auto *R = llvm::dyn_cast<llvm::DiagnosticInfoOptimizationBase>(&DI))
      if (R->getPassName() == PassRemarkName) {
        SourcePoint P;
        if (R->isLocationAvailable()) {
          llvm::DiagnosticLocation L = R->getLocation();
          P.File = L.getAbsolutePath();
          P.Line = L.getLine();
          P.Column = L.getColumn();
        }
        Sink->remark(P, R->getMsg());
        return true;
      }
    return Next->handleDiagnostics(DI);
  }
  bool isAnalysisRemarkEnabled(llvm::StringRef PassName) const override {
    return Next->isAnalysisRemarkEnabled(PassName);
  }
  bool isMissedOptRemarkEnabled(llvm::StringRef PassName) const override {
    return PassName == PassRemarkName ||
           Next->isMissedOptRemarkEnabled(PassName);
  }
  bool isPassedOptRemarkEnabled(llvm::StringRef PassName) const override {
    return Next->isPassedOptRemarkEnabled(PassName);
  }
  bool isAnyRemarkEnabled() const override {
    return Next->isAnyRemarkEnabled();
  }

private:
  std::unique_ptr<llvm::DiagnosticHandler> Next;
  std::shared_ptr<RemarkSink> Sink;
};

} // namespace

llvm::PreservedAnalyses ForwardPassRemarks::run(llvm::Module &M,
                                                llvm::ModuleAnalysisManager &) {
  llvm::LLVMContext &Ctx = M.getContext();
  if (Installed && Ctx.getDiagHandlerPtr() == Installed)
    return llvm::PreservedAnalyses::all();
  std::unique_ptr<llvm::DiagnosticHandler> Next = Ctx.getDiagnosticHandler();
  if (!Next)
    Next = std::make_unique<llvm::DiagnosticHandler>();
  auto Handler = std::make_unique<PassRemarkHandler>(std::move(Next), Sink);
  Installed = Handler.get();
  Ctx.setDiagnosticHandler(std::move(Handler));
  return llvm::PreservedAnalyses::all();
}

} // namespace memscope
