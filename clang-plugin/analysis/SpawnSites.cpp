//===- SpawnSites.cpp -----------------------------------------------------===//
#include "SpawnSites.h"
#include "AnalysisUtil.h"
#include "OwnCodeVisitor.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Mangle.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace memscope {

struct SpawnAnalysis::ArgClass {
  enum KindT {
    NotCandidate,
    Awaitable,
    FunctionObject,
    Wrapper, // function object whose call operator returns a coroutine
    Rejected,
    Nested
  } Kind = NotCandidate;
  const CallExpr *Inner = nullptr;                      // Awaitable
  const FunctionDecl *InnerCallee = nullptr;            // Awaitable
  llvm::SmallVector<const FunctionDecl *, 2> Operators; // FunctionObject,
                                                        // Wrapper
  std::string Why;                                      // Rejected
};

SpawnAnalysis::SpawnAnalysis(ASTContext &Ctx, const PluginOptions &Options,
                             ModuleFacts &Facts, RemarkSink &Remarks)
    : Ctx(Ctx), Options(Options), Facts(Facts), Remarks(Remarks),
      Mangler(std::make_unique<ASTNameGenerator>(Ctx)) {
  // Known out of the box (docs/compatibility.md lists them, with the
  // library versions the names come from).
  for (const char *N : {
           "boost::asio::co_spawn", "asio::co_spawn", "memscope::spawn_tracked",
           "memscope::create_tracked",
           // libcoro
           "coro::thread_pool::spawn_detached",
           "coro::thread_pool::spawn_joinable", "coro::thread_pool::spawn",
           "coro::io_scheduler::spawn_detached",
           "coro::io_scheduler::spawn_joinable", "coro::io_scheduler::spawn",
           "coro::task_group::start", "coro::task_container::start",
           // cppcoro
           "cppcoro::async_scope::spawn"})
    SpawnNames.insert(N);
  for (const std::string &N : Options.ExtraSpawnFunctions)
    SpawnNames.insert(llvm::StringRef(N).ltrim(':'));
}

SpawnAnalysis::~SpawnAnalysis() = default;

std::string SpawnAnalysis::mangle(const FunctionDecl *FD) {
  if (!FD)
    return "";
  auto It = Mangled.find(FD);
  if (It != Mangled.end())
    return It->second;
  std::string Name;
  if (!FD->isDependentContext() && !FD->isInvalidDecl())
    Name = Mangler->getName(FD);
  Mangled[FD] = Name;
  return Name;
}

CoroutineFacts *SpawnAnalysis::factsFor(const FunctionDecl *FD) {
  if (!isCoroutineDefinition(FD) || FD->isDependentContext())
    return nullptr;
  std::string Name = mangle(FD);
  if (Name.empty())
    return nullptr;
  auto Ins = Facts.Coroutines.try_emplace(Name);
  CoroutineFacts &CF = Ins.first->second;
  if (Ins.second) {
    const SourceManager &SM = Ctx.getSourceManager();
    CF.MangledName = Name;
    CF.DisplayName = readableFunctionName(FD, /*WithParams=*/true);
    CF.Location = presumedPoint(SM, FD->getLocation());
    CF.TransparentWhy = transparentReason(FD, SM, Options.TransparentDirs);
    CF.InSystemHeader = !CF.TransparentWhy.empty();
    // [[memscope::task_root]] on a generator wins: the user asked for a task.
    CF.IsGenerator = !CF.InSystemHeader && !hasTaskRootAttr(FD) &&
                     isSynchronousGenerator(FD);
  }
  return &CF;
}

bool SpawnAnalysis::isSpawnCall(const CallExpr *CE) const {
  const FunctionDecl *FD = CE ? CE->getDirectCallee() : nullptr;
  if (!FD)
    return false;
  auto It = SpawnCache.find(FD);
  if (It != SpawnCache.end())
    return It->second;
  bool R = SpawnNames.contains(plainQualifiedName(FD));
  if (!R && !FD->isInStdNamespace())
    R = SpawnNames.contains(FD->getQualifiedNameAsString());
  SpawnCache[FD] = R;
  return R;
}

const SourcePoint *SpawnAnalysis::spawnedAt(const FunctionDecl *FD) const {
  auto It = SpawnedAt.find(FD);
  return It == SpawnedAt.end() ? nullptr : &It->second;
}

const SpawnAnalysis::ExplicitSpawnType *
SpawnAnalysis::explicitTypeFor(const FunctionDecl *FD) const {
  auto It = ExplicitTypes.find(FD);
  return It == ExplicitTypes.end() ? nullptr : &It->second;
}

const FunctionDecl *SpawnAnalysis::calleeOf(const SpawnCallFacts &S) const {
  if (Facts.Spawns.empty() || &S < &Facts.Spawns.front() ||
      &S > &Facts.Spawns.back())
    return nullptr;
  size_t I = &S - &Facts.Spawns.front();
  return I < SpawnCallees.size() ? SpawnCallees[I] : nullptr;
}

namespace {
// The coroutine definitions that `return f(...);` statements of FD call.
class ReturnedCalls : public OwnCodeVisitor<ReturnedCalls> {
public:
  bool VisitReturnStmt(ReturnStmt *RS) {
    if (const auto *CE =
            dyn_cast_or_null<CallExpr>(stripArgument(RS->getRetValue())))
      if (const FunctionDecl *D = definitionOf(CE->getDirectCallee()))
        if (isCoroutineDefinition(D))
          Found.push_back(D);
    return true;
  }
  std::vector<const FunctionDecl *> Found;
};
} // namespace

static std::vector<const FunctionDecl *>
returnedCoroutines(const FunctionDecl *FD) {
  ReturnedCalls V;
  if (FD && FD->getBody())
    V.TraverseStmt(const_cast<Stmt *>(FD->getBody()));
  return V.Found;
}

namespace {
class SpawnScanner : public OwnCodeVisitor<SpawnScanner> {
public:
  explicit SpawnScanner(const SpawnAnalysis &A) : A(A) {}
  bool VisitCallExpr(CallExpr *CE) {
    if (A.isSpawnCall(CE))
      Found.push_back(CE);
    return true;
  }
  const SpawnAnalysis &A;
  std::vector<const CallExpr *> Found;
};

// memscope::TaskType (or the C enum memscope_task_type) argument.
bool isTaskTypeArg(const Expr *E) {
  if (!E)
    return false;
  QualType T = E->IgnoreParenImpCasts()->getType();
  const auto *ET = T.isNull() ? nullptr : T->getAs<EnumType>();
  if (!ET || !ET->getDecl())
    return false;
  std::string N = plainQualifiedName(ET->getDecl());
  return N == "memscope::TaskType" || N == "memscope_task_type";
}
} // namespace

void SpawnAnalysis::scanFunction(const FunctionDecl *FD) {
  if (!FD || !FD->getBody())
    return;
  SpawnScanner S(*this);
  S.TraverseStmt(const_cast<Stmt *>(FD->getBody()));
  for (const CallExpr *CE : S.Found)
    handleSpawn(CE, FD);
}

bool SpawnAnalysis::isCoroutineType(QualType T) const {
  if (T.isNull())
    return false;
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD)
    return false;
  std::string N = plainQualifiedName(RD);
  if (N == "boost::asio::awaitable" || N == "asio::awaitable" ||
      N == "boost::asio::experimental::coro" || N == "asio::experimental::coro")
    return true;
  if (!RD->hasDefinition())
    return false;
  IdentifierInfo &PT = Ctx.Idents.get("promise_type");
  return !RD->lookup(&PT).empty();
}

SpawnAnalysis::ArgClass SpawnAnalysis::classifyArgument(const Expr *Arg) {
  ArgClass R;
  const SourceManager &SM = Ctx.getSourceManager();
  const Expr *E = stripArgument(Arg);
  if (!E)
    return R;

  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    // co_spawn(ex, create_tracked(f(), T), ...): the inner spawn call is the
    // one that creates the task; the outer one adds nothing.
    if (isSpawnCall(CE)) {
      R.Kind = ArgClass::Nested;
      return R;
    }
    const FunctionDecl *Callee = CE->getDirectCallee();
    const FunctionDecl *Def = definitionOf(Callee);
    bool IsCoro = isCoroutineDefinition(Def);
    if (IsCoro || isCoroutineType(CE->getType())) {
      if (!Callee) {
        R.Kind = ArgClass::Rejected;
        R.Why = "the coroutine is created through an indirect call";
        return R;
      }
      const FunctionDecl *Where = Def ? Def : Callee;
      if (SM.isInSystemHeader(Where->getLocation())) {
        R.Kind = ArgClass::Rejected;
        R.Why = "the awaitable is made by '" + plainQualifiedName(Callee) +
                "', a system-header function (transparent code)";
        return R;
      }
      R.Kind = ArgClass::Awaitable;
      R.Inner = CE;
      R.InnerCallee = Callee;
      return R;
    }
  }

  // A lambda or another function object.
  const CXXRecordDecl *RD = nullptr;
  if (const auto *LE = dyn_cast<LambdaExpr>(E))
    RD = LE->getLambdaClass();
  else if (!E->getType().isNull())
    RD = E->getType().getNonReferenceType()->getAsCXXRecordDecl();
  if (RD && RD->hasDefinition()) {
    bool Callable = false;
    llvm::SmallVector<const FunctionDecl *, 2> Wrappers;
    auto Consider = [&](const FunctionDecl *Op) {
      Callable = true;
      if (const FunctionDecl *D = definitionOf(Op)) {
        if (isCoroutineDefinition(D))
          R.Operators.push_back(D);
        else if (isCoroutineType(D->getReturnType()) &&
                 !SM.isInSystemHeader(D->getLocation()))
          Wrappers.push_back(D);
      }
    };
    if (const FunctionTemplateDecl *G = RD->getDependentLambdaCallOperator()) {
      for (const FunctionDecl *Spec : G->specializations())
        Consider(Spec);
      Callable = true;
    } else if (RD->isLambda()) {
      Consider(RD->getLambdaCallOperator());
    } else {
      for (const Decl *D : RD->decls()) {
        if (const auto *MD = dyn_cast<CXXMethodDecl>(D)) {
          if (MD->getOverloadedOperator() == OO_Call)
            Consider(MD);
        } else if (const auto *FT = dyn_cast<FunctionTemplateDecl>(D)) {
          if (FT->getTemplatedDecl()->getOverloadedOperator() == OO_Call) {
            Callable = true;
            for (const FunctionDecl *Spec : FT->specializations())
              Consider(Spec);
          }
        }
      }
    }
    if (!R.Operators.empty()) {
      R.Kind = ArgClass::FunctionObject;
      return R;
    }
    if (!Wrappers.empty()) {
      R.Kind = ArgClass::Wrapper;
      R.Operators = std::move(Wrappers);
      return R;
    }
    if (Callable) {
      R.Kind = ArgClass::Rejected;
      R.Why = "the function object's call operator is not a coroutine (the "
              "coroutine it returns is created inside it, in the spawning "
              "task)";
      return R;
    }
  }

  if (isCoroutineType(E->getType())) {
    R.Kind = ArgClass::Rejected;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      R.Why = "'" + DRE->getDecl()->getNameAsString() +
              "' is an awaitable created before the spawn; its frame "
              "belongs to the task that was current when it was created";
    else
      R.Why = "the argument is an awaitable that was not created by a "
              "direct call in the spawn's arguments";
  }
  return R;
}

void SpawnAnalysis::handleSpawn(const CallExpr *CE,
                                const FunctionDecl *Caller) {
  const SourceManager &SM = Ctx.getSourceManager();
  const FunctionDecl *SpawnFn = CE->getDirectCallee();
  if (!SpawnFn)
    return;
  SourcePoint SpawnPt = presumedPoint(SM, CE->getExprLoc());
  std::string SpawnName = plainQualifiedName(SpawnFn);
  llvm::StringRef SN(SpawnName);
  bool IsCoSpawn = SN.ends_with("co_spawn");

  // create_tracked(..., TaskType): an explicit type when it is a constant.
  std::optional<TaskType> ExplicitT;
  for (unsigned I = 0, N = CE->getNumArgs(); I != N; ++I) {
    const Expr *A = CE->getArg(I);
    if (!isTaskTypeArg(A) || isa<CXXDefaultArgExpr>(A))
      continue;
    Expr::EvalResult ER;
    if (!A->isValueDependent() && A->EvaluateAsInt(ER, Ctx) && ER.Val.isInt() &&
        ER.Val.getInt().getZExtValue() <=
            static_cast<uint64_t>(TaskType::Unknown)) {
      ExplicitT = static_cast<TaskType>(ER.Val.getInt().getZExtValue());
    } else if (Options.Explain) {
      // memscope's own spawn functions apply the value at run time.
      const bool Ours = llvm::StringRef(SpawnName).starts_with("memscope::");
      Remarks.remark(A->getBeginLoc(),
                     "task type argument of '" + SpawnName +
                         "' is not a constant; " +
                         (Ours ? "it is applied at run time"
                               : "the type is inferred instead"));
    }
  }

  ArgClass Chosen;
  std::string FirstWhy;
  unsigned Begin = 0, End = CE->getNumArgs();
  if (IsCoSpawn && End >= 2) {
    Begin = 1;
    End = 2;
  }
  for (unsigned I = Begin; I < End; ++I) {
    const Expr *A = CE->getArg(I);
    if (!A || isa<CXXDefaultArgExpr>(A) || isTaskTypeArg(A))
      continue;
    ArgClass C = classifyArgument(A);
    if (C.Kind == ArgClass::Nested)
      return; // attributed at the inner spawn call
    if (C.Kind == ArgClass::Awaitable || C.Kind == ArgClass::FunctionObject ||
        C.Kind == ArgClass::Wrapper) {
      Chosen = std::move(C);
      break;
    }
    if (C.Kind == ArgClass::Rejected && FirstWhy.empty())
      FirstWhy = C.Why;
  }

  if (Chosen.Kind == ArgClass::Awaitable) {
    SpawnCallFacts S;
    S.SpawnPoint = SpawnPt;
    S.SpawnCallee = mangle(SpawnFn);
    S.CoroutineCallPoint = presumedPoint(SM, Chosen.Inner->getExprLoc());
    S.CoroutineCallee = mangle(Chosen.InnerCallee);
    S.CallerMangledName = mangle(Caller);
    S.ExprBegin = presumedPoint(SM, CE->getBeginLoc());
    S.ExprEnd = presumedPoint(SM, CE->getEndLoc());
    if (ExplicitT) {
      S.Type = *ExplicitT;
      S.TypeIsExplicit = true;
    }
    if (S.SpawnCallee.empty() || S.CoroutineCallee.empty() ||
        S.CallerMangledName.empty()) {
      Remarks.remark(CE->getExprLoc(),
                     "spawn at " + formatPoint(SpawnPt) +
                         " skipped: a function involved has no mangled name");
      return;
    }
    Facts.Spawns.push_back(std::move(S));
    SpawnCallees.push_back(Chosen.InnerCallee);
    const FunctionDecl *Key = definitionOf(Chosen.InnerCallee);
    if (!Key)
      Key = Chosen.InnerCallee;
    SpawnedAt.try_emplace(Key, SpawnPt);
    if (ExplicitT)
      ExplicitTypes.try_emplace(
          Key, ExplicitSpawnType{*ExplicitT, formatPoint(SpawnPt)});
    return;
  }

  if (Chosen.Kind == ArgClass::FunctionObject ||
      Chosen.Kind == ArgClass::Wrapper) {
    // The spawn call itself makes the task; the coroutine the function
    // object creates when it is called becomes its root.
    SpawnCallFacts S;
    S.SpawnPoint = SpawnPt;
    S.SpawnCallee = mangle(SpawnFn);
    S.CallerMangledName = mangle(Caller);
    S.ExprBegin = presumedPoint(SM, CE->getBeginLoc());
    S.ExprEnd = presumedPoint(SM, CE->getEndLoc());
    S.Deferred = true;
    if (ExplicitT) {
      S.Type = *ExplicitT;
      S.TypeIsExplicit = true;
    }
    if (!S.SpawnCallee.empty() && !S.CallerMangledName.empty()) {
      Facts.Spawns.push_back(std::move(S));
      SpawnCallees.push_back(nullptr);
    }
    if (Chosen.Kind == ArgClass::Wrapper) {
      // The coroutines it returns are the roots of the tasks it starts (for
      // -explain and for their inferred types).
      for (const FunctionDecl *Op : Chosen.Operators)
        for (const FunctionDecl *Coro : returnedCoroutines(Op)) {
          SpawnedAt.try_emplace(Coro, SpawnPt);
          if (ExplicitT)
            ExplicitTypes.try_emplace(
                Coro, ExplicitSpawnType{*ExplicitT, formatPoint(SpawnPt)});
        }
      if (Options.Explain)
        for (const FunctionDecl *Op : Chosen.Operators)
          Remarks.remark(Op->getLocation(),
                         "'" + readableFunctionName(Op) +
                             "' returns the coroutine that the spawn at " +
                             formatPoint(SpawnPt) +
                             " runs: each call's coroutine is the root of a "
                             "task of its own");
      return;
    }
  }

  if (Chosen.Kind == ArgClass::FunctionObject) {
    for (const FunctionDecl *Op : Chosen.Operators) {
      CoroutineFacts *CF = factsFor(Op);
      if (!CF)
        continue;
      CF->IsTaskRoot = true;
      if (!CF->HasSpawnPoint) {
        CF->HasSpawnPoint = true;
        CF->SpawnPoint = SpawnPt;
      }
      if (ExplicitT)
        ExplicitTypes.try_emplace(
            Op, ExplicitSpawnType{*ExplicitT, formatPoint(SpawnPt)});
    }
    return;
  }

  if (Options.Explain) {
    if (FirstWhy.empty())
      FirstWhy = "no argument of '" + SpawnName +
                 "' is a call to a coroutine or a coroutine function object";
    Remarks.remark(CE->getExprLoc(),
                   "spawn at " + formatPoint(SpawnPt) +
                       " not attributed to a new task: " + FirstWhy);
  }
}

} // namespace memscope
