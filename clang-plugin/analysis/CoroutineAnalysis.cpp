//===- CoroutineAnalysis.cpp - AST half of memscope.so --------------------===//
//
// In HandleTranslationUnit (all template instantiations are done by then, and
// the backend has not run the IR pipeline yet):
//   1. collect every function definition, template instantiations and lambda
//      call operators included (uninstantiated templates are skipped);
//   2. in source order, record each coroutine (CoroutineFacts, keyed by the
//      mangled name codegen uses) and scan each user function for spawn calls
//      (SpawnSites.cpp), which yield SpawnCallFacts (awaitable form) or mark
//      coroutine function objects as task roots (function-object form);
//   3. decide the task type of every user coroutine (TaskTypeInference) and,
//      with -fplugin-arg-memscope-explain, say what was decided and why, one
//      remark per coroutine.
//
// -mllvm -memscope-dump-facts prints the facts handed to the IR pass on
// stderr (used by the tests).
//
//===----------------------------------------------------------------------===//
#include "CoroutineAnalysis.h"
#include "AnalysisUtil.h"
#include "SpawnSites.h"
#include "TaskTypeInference.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Mangle.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace clang;

static llvm::cl::opt<bool> DumpFacts(
    "memscope-dump-facts",
    llvm::cl::desc("memscope: print the facts the AST analysis hands the IR "
                   "pass on stderr"),
    llvm::cl::init(false), llvm::cl::Hidden);

namespace memscope {
namespace {

// Step 1: every function definition whose body codegen may emit.
class FunctionCollector : public RecursiveASTVisitor<FunctionCollector> {
public:
  std::vector<const FunctionDecl *> Order;
  llvm::DenseSet<const FunctionDecl *> Seen;

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }
  bool shouldVisitImplicitCode() const { return false; }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    add(FD);
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *LE) {
    const CXXRecordDecl *RD = LE->getLambdaClass();
    if (!RD)
      return true;
    if (const FunctionTemplateDecl *FTD =
            RD->getDependentLambdaCallOperator()) {
      // A generic lambda: each specialization is its own function.
      for (const FunctionDecl *Spec : FTD->specializations())
        add(Spec);
      return true;
    }
    add(LE->getCallOperator());
    return true;
  }

private:
  void add(const FunctionDecl *FD) {
    if (!FD || FD->isInvalidDecl() || FD->isDependentContext() ||
        FD->isImplicit() || !FD->doesThisDeclarationHaveABody() ||
        !FD->getBody())
      return;
    if (FD->getTemplatedKind() == FunctionDecl::TK_FunctionTemplate)
      return; // the pattern of a function template
    if (Seen.insert(FD).second)
      Order.push_back(FD);
  }
};

// Where a coroutine is created from a plain (non-coroutine) function: there
// no task may be current, and then its frame starts a task of its own at
// run time (DESIGN §3). For -explain.
class PlainCallers : public RecursiveASTVisitor<PlainCallers> {
public:
  struct Caller {
    std::string Name;
    SourceLocation Loc;
  };
  llvm::DenseMap<const FunctionDecl *, Caller> First;

  void scan(const FunctionDecl *FD) {
    Current = FD;
    TraverseStmt(FD->getBody());
  }
  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Def = definitionOf(CE->getDirectCallee());
    if (Def && isCoroutineDefinition(Def))
      First.try_emplace(Def->getCanonicalDecl(),
                        Caller{readableFunctionName(Current), CE->getBeginLoc()});
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; } // its own function

private:
  const FunctionDecl *Current = nullptr;
};

class CoroutineAnalysisConsumer : public ASTConsumer {
public:
  CoroutineAnalysisConsumer(CompilerInstance &CI, const PluginOptions &Options,
                            std::shared_ptr<ModuleFacts> Facts,
                            std::shared_ptr<RemarkSink> Remarks)
      : CI(CI), Options(Options), Facts(std::move(Facts)),
        Remarks(std::move(Remarks)) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return; // no code will be generated; say nothing
    Facts->clear();
    run(Ctx);
    if (DumpFacts)
      dump();
  }

private:
  void run(ASTContext &Ctx);
  void explainCoroutine(const FunctionDecl *FD, const CoroutineFacts &CF,
                        const SpawnAnalysis &Spawns,
                        const std::string &Explanation,
                        const PlainCallers &Plain);
  void dump();

  CompilerInstance &CI;
  PluginOptions Options;
  std::shared_ptr<ModuleFacts> Facts;
  std::shared_ptr<RemarkSink> Remarks;
};

void CoroutineAnalysisConsumer::run(ASTContext &Ctx) {
  SourceManager &SM = Ctx.getSourceManager();
  FunctionCollector Collector;
  Collector.TraverseDecl(Ctx.getTranslationUnitDecl());

  SpawnAnalysis Spawns(Ctx, Options, *Facts, *Remarks);

  // Step 2, in source order (so that mangling numbers the unnamed things as
  // codegen most likely does; see SpawnSites.h).
  std::vector<const FunctionDecl *> Coroutines;
  for (const FunctionDecl *FD : Collector.Order) {
    if (isCoroutineDefinition(FD)) {
      if (Spawns.factsFor(FD))
        Coroutines.push_back(FD);
    }
    if (!SM.isInSystemHeader(FD->getLocation()))
      Spawns.scanFunction(FD);
  }

  PlainCallers Plain;
  if (Options.Explain)
    for (const FunctionDecl *FD : Collector.Order)
      if (!isCoroutineDefinition(FD) && !isLibraryCode(FD, SM))
        Plain.scan(FD);

  // Step 3: types and remarks.
  TaskTypeInference Inference(
      Ctx, [&Spawns](const CallExpr *CE) { return Spawns.isSpawnCall(CE); });
  for (const FunctionDecl *FD : Coroutines) {
    CoroutineFacts *CF = Spawns.factsFor(FD);
    if (!CF)
      continue;
    if (CF->InSystemHeader) {
      // A task library's internals said once each (system headers, such as
      // Asio's, would be too many to list).
      if (Options.Explain && !SM.isInSystemHeader(FD->getLocation()))
        Remarks->remark(FD->getLocation(),
                        "'" + readableFunctionName(FD) +
                            "' is transparent library code (" +
                            CF->TransparentWhy +
                            "): it runs in the task that resumes it and is "
                            "never a task root");
      continue;
    }
    if (CF->IsGenerator) {
      if (Options.Explain)
        Remarks->remark(FD->getLocation(),
                        "'" + readableFunctionName(FD) +
                            "' is a synchronous generator (co_yield, no "
                            "co_await): transparent, it runs in the task that "
                            "resumes it and is never a task root");
      continue;
    }
    if (hasTaskRootAttr(FD))
      CF->IsTaskRoot = true;
    std::string Explanation;
    if (std::optional<TaskType> T = explicitTaskType(FD)) {
      CF->Type = *T;
      CF->TypeIsExplicit = true;
      Explanation = "explicit [[memscope::task_type]]";
    } else if (const SpawnAnalysis::ExplicitSpawnType *E =
                   Spawns.explicitTypeFor(FD)) {
      CF->Type = E->Type;
      CF->TypeIsExplicit = true;
      Explanation = "explicit create_tracked argument at " + E->Where;
    } else {
      InferredType IT = Inference.infer(FD);
      CF->Type = IT.Type;
      Explanation = IT.Explanation;
    }
    if (Options.Explain)
      explainCoroutine(FD, *CF, Spawns, Explanation, Plain);
  }

  // Awaitable-form spawns: the type of the task they start.
  for (SpawnCallFacts &S : Facts->Spawns) {
    if (S.TypeIsExplicit)
      continue;
    const FunctionDecl *Callee = Spawns.calleeOf(S);
    if (!Callee)
      continue;
    const FunctionDecl *Def = definitionOf(Callee);
    if (std::optional<TaskType> T = explicitTaskType(Callee)) {
      S.Type = *T;
      S.TypeIsExplicit = true;
    } else if (Def && !SM.isInSystemHeader(Def->getLocation())) {
      auto It = Facts->Coroutines.find(Spawns.mangle(Def));
      S.Type = It != Facts->Coroutines.end() ? It->second.Type
                                             : Inference.infer(Def).Type;
    }
  }
}

void CoroutineAnalysisConsumer::explainCoroutine(
    const FunctionDecl *FD, const CoroutineFacts &CF,
    const SpawnAnalysis &Spawns, const std::string &Explanation,
    const PlainCallers &Plain) {
  std::string Name = readableFunctionName(FD);
  std::string Msg = "'" + Name + "' is ";
  const SourcePoint *SpawnedAt = Spawns.spawnedAt(FD);
  bool Root = CF.IsTaskRoot || SpawnedAt;
  if (!Root) {
    Msg += "a child coroutine (runs in its caller's task)";
    auto It = Plain.First.find(FD->getCanonicalDecl());
    if (It != Plain.First.end())
      Msg += "; created by plain function '" + It->second.Name + "' at " +
             formatPoint(presumedPoint(FD->getASTContext().getSourceManager(),
                                       It->second.Loc)) +
             ", where no task may be current: a frame created there starts a "
             "task of its own at run time";
  } else {
    Msg += "a task root (";
    if (SpawnedAt)
      Msg += "spawned at " + formatPoint(*SpawnedAt);
    else if (CF.HasSpawnPoint)
      Msg += "spawned at " + formatPoint(CF.SpawnPoint);
    else
      Msg += "marked [[memscope::task_root]]";
    Msg += "); type ";
    Msg += taskTypeName(CF.Type);
    Msg += CF.TypeIsExplicit ? " (" + Explanation + ")" : ": " + Explanation;
  }
  Remarks->remark(FD->getLocation(), Msg);
}

void CoroutineAnalysisConsumer::dump() {
  llvm::raw_ostream &OS = llvm::errs();
  std::vector<const CoroutineFacts *> Sorted;
  for (const auto &E : Facts->Coroutines)
    Sorted.push_back(&E.second);
  std::sort(Sorted.begin(), Sorted.end(),
            [](const CoroutineFacts *A, const CoroutineFacts *B) {
              return A->MangledName < B->MangledName;
            });
  for (const CoroutineFacts *C : Sorted)
    OS << "memscope-facts: coroutine " << C->MangledName << " name='"
       << C->DisplayName << "' at " << formatPoint(C->Location)
       << " system=" << C->InSystemHeader << " root=" << C->IsTaskRoot
       << " spawn="
       << (C->HasSpawnPoint ? formatPoint(C->SpawnPoint) : std::string("-"))
       << " type=" << taskTypeName(C->Type) << " explicit=" << C->TypeIsExplicit
       << "\n";
  for (const SpawnCallFacts &S : Facts->Spawns)
    OS << "memscope-facts: spawn at " << formatPoint(S.SpawnPoint)
       << " callee=" << S.SpawnCallee
       << " call=" << formatPoint(S.CoroutineCallPoint)
       << " coroutine=" << S.CoroutineCallee
       << " caller=" << S.CallerMangledName << " type=" << taskTypeName(S.Type)
       << " explicit=" << S.TypeIsExplicit << "\n";
}

} // namespace

std::unique_ptr<ASTConsumer>
createCoroutineAnalysis(CompilerInstance &CI, const PluginOptions &Options,
                        std::shared_ptr<ModuleFacts> Facts,
                        std::shared_ptr<RemarkSink> Remarks) {
  return std::make_unique<CoroutineAnalysisConsumer>(
      CI, Options, std::move(Facts), std::move(Remarks));
}

} // namespace memscope
