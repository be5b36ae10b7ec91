//===- FrontendPlugin.cpp - memscope-frontend.so: the clang plugin -------===//
//
// Loaded by memscope.so under clang (PluginHooks.h). Wires the parts of the
// plugin into one compilation:
//   1. an AST consumer that runs before code generation and records, per
//      translation unit, which coroutines exist, which are task roots, where
//      tasks are spawned and what type each task is (CoroutineAnalysis);
//   2. an LLVM module pass, registered at the start of the optimisation
//      pipeline (before CoroSplit, at every -O level), that instruments the
//      presplit coroutines, spawns and library calls using those facts and
//      marks allocation sites (InstrumentationPass);
//   3. an LLVM module pass at the end of the pipeline that rewrites the
//      marked allocations the optimizer kept (LateInstrumentationPass).
//
// The passes themselves live in memscope.so, which hands them over as
// PassHooks; the IR pass's remarks come back through ForwardPassRemarks.
//
//===----------------------------------------------------------------------===//
#include "PluginHooks.h"
#include "PluginOptions.h"
#include "analysis/AsioTracking.h"
#include "analysis/CoroutineAnalysis.h"
#include "Remarks.h"
#include "TaskFacts.h"

#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

using namespace clang;

namespace memscope {
namespace {

// Set once by memscope_frontend_register, before any compilation.
const PassHooks *Passes = nullptr;

class MemscopeAction : public PluginASTAction {
public:
  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &Args) override {
    DiagnosticsEngine &D = CI.getDiagnostics();
    for (const std::string &Arg : Args) {
      llvm::StringRef A(Arg);
      if (A == "explain") {
        Options.Explain = true;
      } else if (A == "disable") {
        Options.Disabled = true;
      } else if (A.consume_front("spawn=") && !A.empty()) {
        Options.ExtraSpawnFunctions.push_back(A.ltrim(':').str());
      } else if (A.consume_front("transparent=") && !A.empty()) {
        Options.TransparentDirs.push_back(A.str());
      } else {
        // A typo in a plugin argument must not break the build: warn, go on.
        unsigned ID = D.getCustomDiagID(
            DiagnosticsEngine::Warning,
            "memscope: unknown plugin argument '%0' ignored; known: explain, "
            "spawn=<qualified name>, transparent=<dir>, disable");
        D.Report(ID) << Arg;
      }
    }
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    auto Facts = std::make_shared<ModuleFacts>();
    Facts->Explain = Options.Explain;
    auto Remarks = std::make_shared<RemarkSink>(CI);
    if (Options.Disabled)
      return std::make_unique<ASTConsumer>();

    // Sites need file:line:column on every instruction even without -g.
    // LocTrackingOnly is what -Rpass uses: locations in the IR, no debug
    // sections in the object, no change to code generation.
    CodeGenOptions &CG = CI.getCodeGenOpts();
    if (CG.getDebugInfo() == llvm::codegenoptions::NoDebugInfo)
      CG.setDebugInfo(llvm::codegenoptions::LocTrackingOnly);

    enableAsioTracking(CI, *Remarks);

    // -save-temps (and -fembed-bitcode) split the compile: this step writes
    // bitcode with LLVM passes disabled, and the step that optimises it has
    // no AST, so the IR pass would never run. Run the pipeline here (the
    // backend step optimises the instrumented bitcode again). An explicit
    // -disable-llvm-passes with textual IR output is left as asked.
    if (CG.DisableLLVMPasses &&
        CI.getFrontendOpts().ProgramAction == frontend::EmitBC) {
      CG.DisableLLVMPasses = false;
      if (Options.Explain)
        CI.getDiagnostics().Report(CI.getDiagnostics().getCustomDiagID(
            DiagnosticsEngine::Remark,
            "memscope: bitcode written with LLVM passes disabled "
            "(-save-temps): running them in this step so the file is "
            "instrumented"));
    }
    CG.PassBuilderCallbacks.push_back([Facts, Remarks](llvm::PassBuilder &PB) {
      PB.registerPipelineStartEPCallback(
          [Facts, Remarks](llvm::ModulePassManager &MPM,
                           llvm::OptimizationLevel) {
            MPM.addPass(ForwardPassRemarks(Remarks));
            Passes->AddInstrumentation(MPM, Facts);
          });
      // Also at -O0: the new pass manager's O0 pipeline runs the
      // OptimizerLast callbacks too.
      PB.registerOptimizerLastEPCallback(
          [](llvm::ModulePassManager &MPM, llvm::OptimizationLevel) {
            Passes->AddLateInstrumentation(MPM);
          });
    });
    return createCoroutineAnalysis(CI, Options, Facts, Remarks);
  }

private:
  PluginOptions Options;
};

} // namespace
} // namespace memscope

extern "C" __attribute__((visibility("default"))) bool
memscope_frontend_register(const memscope::PassHooks *Hooks) {
  using namespace memscope;
  if (!Hooks || Hooks->Version != PassHooks::CurrentVersion) {
    llvm::errs() << "memscope: memscope.so and memscope-frontend.so come from "
                    "different builds; reinstall memscope\n";
    return false;
  }
  Passes = Hooks; // memscope.so checked the host Clang's version

  static FrontendPluginRegistry::Add<MemscopeAction> X(
      "memscope", "attribute heap memory to C++20 coroutine tasks");
  return true;
}
