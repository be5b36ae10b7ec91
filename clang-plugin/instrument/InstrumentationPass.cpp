//===- InstrumentationPass.cpp - IR half of memscope.so -------------------===//
//
// Runs at the start of the optimisation pipeline (every -O level), before
// CoroSplit, so coroutines are still in presplit form. Four jobs:
//
//  1. User coroutines: context hooks at ramp entry, frame creation, every
//     resume/destroy edge, before every suspension (before await_suspend),
//     before the frame is freed and before an unwinding coro.end.
//  2. Spawn call sites named by the AST facts: spawn_begin at the first
//     instruction of the spawn expression (so the spawned coroutine's
//     arguments are the new task's), spawn_end after the spawn function
//     returns and on every landing pad. A function-object spawn is deferred:
//     the bracket is the spawn call itself, and its SPAWN site says so.
//  3. Library call sites: each call from user code into library code that
//     may allocate (AllocationReach) is bracketed by __memscope_call_enter /
//     __memscope_call_exit with an ALLOC site naming the user call, so what
//     the library allocates (a std::vector growing, std::string, strdup) is
//     charged to that line. The brackets only replace the site half of the
//     context; the exit also runs on the call's unwind edge.
//  4. Allocation sites: direct calls of the global operator new forms in user
//     code are marked with their site ("memscope.site" metadata); the ones
//     that survive optimisation become __memscope_new* calls at the end of
//     the pipeline (LateInstrumentationPass), so that the optimizer removes
//     the same new/delete pairs as in a plain build.
//
// Each job is written as LLVM writes instrumentation: an analysis that only
// reads the IR and returns a plan (CoroutinePlan, SpawnPlan, ...: what to
// insert where) or the reason to leave the code alone (Skip, one of
// SkipReasons.def), then a rewrite that applies the plan and cannot fail. So
// "skipped" really means "unchanged". Skips are optimization remarks
// (-pass-remarks-missed=memscope under opt; under clang the plugin shows
// them as "remark: memscope: ..." as the AST half's remarks).
//
// Without AST facts (opt -passes=memscope) every coroutine that is not in a
// system header is user code with no root decision: the runtime decides
// root or child at frame creation, as it does for a coroutine the facts do
// not name.
//
// Sites are emitted into the "memscope_sites" section (SiteTable).
//
//===----------------------------------------------------------------------===//
#include "InstrumentationPass.h"
#include "AllocationReach.h"
#include "LateInstrumentationPass.h"
#include "SiteTable.h"

#include "memscope/abi.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Local.h"

#include <cstdlib>
#include <optional>

#define DEBUG_TYPE "memscope"

using namespace llvm;

STATISTIC(NumCoroutines, "Coroutines given context hooks");
STATISTIC(NumCoroutinesSkipped, "Coroutines left unchanged (a remark says why)");
STATISTIC(NumSpawns, "Spawn call sites bracketed");
STATISTIC(NumSpawnsSkipped, "Spawn call sites left unchanged (a remark says why)");
STATISTIC(NumSpawnCopiesNotEmitted,
          "Copies of a bracketed spawn expression that codegen did not emit");
STATISTIC(NumLibraryCalls, "Library calls bracketed with their user line");
STATISTIC(NumMarkedNews, "operator new calls marked with their site");

// Cheap insurance for development and the test suite (test/ir, test/pass):
// clang++ -mllvm -memscope-verify-ir, opt -memscope-verify-ir.
static cl::opt<bool>
    VerifyIR("memscope-verify-ir",
             cl::desc("memscope: verify the module after instrumenting it and "
                      "stop with a fatal error if it is invalid"),
             cl::init(false), cl::Hidden);

namespace memscope {

const char *skipReasonName(SkipReason R) {
  switch (R) {
#define MEMSCOPE_SKIP(Name, Text)                                              \
  case SkipReason::Name:                                                       \
    return #Name;
#include "SkipReasons.def"
  }
  return "";
}

const char *skipReasonText(SkipReason R) {
  switch (R) {
#define MEMSCOPE_SKIP(Name, Text)                                              \
  case SkipReason::Name:                                                       \
    return Text;
#include "SkipReasons.def"
  }
  return "";
}

namespace {

bool isLocalLambdaName(StringRef Name) { return Name.contains("$_"); }

// "$_12" -> "$_": see localLambdaFacts.
std::string eraseLambdaNumbers(StringRef Name) {
  std::string Out;
  Out.reserve(Name.size());
  for (size_t I = 0; I < Name.size(); ++I) {
    Out.push_back(Name[I]);
    if (Name[I] == '$' && I + 1 < Name.size() && Name[I + 1] == '_') {
      Out.push_back('_');
      ++I;
      while (I + 1 < Name.size() && isDigit(Name[I + 1]))
        ++I;
    }
  }
  return Out;
}

// Call targets named by the AST side; exact except for local lambda numbers
// (the call's line and column are checked as well).
bool sameFunction(StringRef IRName, StringRef FactsName) {
  if (IRName == FactsName)
    return true;
  return isLocalLambdaName(IRName) && isLocalLambdaName(FactsName) &&
         eraseLambdaNumbers(IRName) == eraseLambdaNumbers(FactsName);
}

// The call a spawn's bracket is anchored on: the coroutine call, or for a
// deferred (function-object) spawn the spawn call itself.
StringRef anchorCallee(const SpawnCallFacts &S) {
  return S.Deferred ? S.SpawnCallee : S.CoroutineCallee;
}
const SourcePoint &anchorPoint(const SpawnCallFacts &S) {
  return S.Deferred ? S.SpawnPoint : S.CoroutineCallPoint;
}

// How well CB is a call of Callee at P: 0 not at all, 1 on P's line, 2 at
// its column too.
int callScore(const CallBase &CB, StringRef Callee, const SourcePoint &P) {
  const Function *Fn = CB.getCalledFunction();
  if (!Fn || !sameFunction(Fn->getName(), Callee))
    return 0;
  const DILocation *L = CB.getDebugLoc();
  if (!L || L->getLine() != P.Line)
    return 0;
  return (P.Column != 0 && L->getColumn() == P.Column) ? 2 : 1;
}

// The function that contains spawn S. A local lambda's number differs
// between the AST side's mangler and codegen's when they number in
// different orders (source order, emission order), and the exact name may
// then be another lambda's of the same signature: a lambda caller is the
// one lambda of that name, numbers erased, that makes S's anchor call best
// (a tie: none).
Function *spawnCaller(Module &M, const SpawnCallFacts &S) {
  if (!isLocalLambdaName(S.CallerMangledName))
    return M.getFunction(S.CallerMangledName);
  Function *Found = nullptr;
  int FoundScore = 0;
  bool Tie = false;
  for (Function &F : M) {
    if (F.isDeclaration() || !sameFunction(F.getName(), S.CallerMangledName))
      continue;
    int Score = 0;
    for (Instruction &I : instructions(F))
      if (auto *CB = dyn_cast<CallBase>(&I))
        Score =
            std::max(Score, callScore(*CB, anchorCallee(S), anchorPoint(S)));
    if (Score == 0 || Score < FoundScore)
      continue;
    Tie = Score == FoundScore;
    Found = &F;
    FoundScore = Score;
  }
  return Tie ? nullptr : Found;
}

bool samePoint(const SourcePoint &A, const SourcePoint &B) {
  return A.Line == B.Line && A.Column == B.Column && A.File == B.File;
}

// Two spawn facts of one source expression (a macro that expands its
// argument twice gives two).
bool sameSpawnExpression(const SpawnCallFacts &A, const SpawnCallFacts &B) {
  return samePoint(A.SpawnPoint, B.SpawnPoint) &&
         samePoint(A.CoroutineCallPoint, B.CoroutineCallPoint) &&
         A.SpawnCallee == B.SpawnCallee &&
         sameFunction(A.CoroutineCallee, B.CoroutineCallee) &&
         A.Deferred == B.Deferred;
}

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

bool isSystemPath(StringRef Path) {
  static const char *const Prefixes[] = {"/usr/include/", "/usr/lib/",
                                         "/usr/local/include/"};
  for (const char *P : Prefixes)
    if (Path.starts_with(P))
      return true;
  return false;
}

// memscope's own headers (<include>/memscope/*.hpp): their code talks to
// the runtime about the spawn it runs in (spawn_tracked, create_tracked
// read the spawn site from the context), so it gets no library call
// brackets, and calls into namespace memscope are not bracketed either.
bool isMemscopeHeader(StringRef Path) {
  StringRef Dir = sys::path::parent_path(Path);
  return sys::path::filename(Dir) == "memscope" &&
         sys::path::filename(sys::path::parent_path(Dir)) == "include";
}
bool isMemscopeApi(StringRef Mangled) {
  return Mangled.starts_with("_ZN8memscope") ||
         Mangled.starts_with("_ZNK8memscope");
}

// await_ready and await_resume, which every co_await calls to test and to
// deliver its result: on the hot path of every await, and they do not
// allocate for the awaiting code (an allocation in one is charged to the
// coroutine's site). Read from the mangled name's base name.
bool isAwaitResultCall(const Function &F) {
  StringRef N = F.getName();
  if (!N.contains("await_ready") && !N.contains("await_resume"))
    return false;
  ItaniumPartialDemangler D;
  if (D.partialDemangle(N.str().c_str()))
    return false;
  size_t Size = 0;
  char *Base = D.getFunctionBaseName(nullptr, &Size);
  bool Is = Base && (StringRef(Base) == "await_ready" ||
                     StringRef(Base) == "await_resume");
  std::free(Base);
  return Is;
}

std::string fullPath(StringRef Dir, StringRef File) {
  SmallString<256> P;
  if (sys::path::is_absolute(File) || Dir.empty())
    P = File;
  else {
    P = Dir;
    sys::path::append(P, File);
  }
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

// Intrinsic ID of a call *or invoke* (await_suspend intrinsics are invoked
// when await_suspend may throw; IntrinsicInst only covers calls).
Intrinsic::ID intrinsicID(const Instruction &I) {
  if (const auto *CB = dyn_cast<CallBase>(&I))
    if (const Function *Fn = CB->getCalledFunction())
      return Fn->getIntrinsicID();
  return Intrinsic::not_intrinsic;
}

bool hasIntrinsicID(const Instruction &I, Intrinsic::ID ID) {
  return intrinsicID(I) == ID;
}

bool isAwaitSuspend(const Instruction &I) {
  return hasIntrinsicID(I, Intrinsic::coro_await_suspend_void) ||
         hasIntrinsicID(I, Intrinsic::coro_await_suspend_bool) ||
         hasIntrinsicID(I, Intrinsic::coro_await_suspend_handle);
}

// Where a suspension's hook goes: before the coro.save that opens it, when
// nothing but markers lies between (clang emits the save right before
// await_suspend). CoroSplit treats a coro.save as the suspension itself, so
// a hook placed after it makes the saved context a value live across a
// suspend point: a store to the frame at every resume and a load at every
// suspend. Before the save the context stays in a register.
Instruction *suspendHookPoint(Instruction *Point) {
  for (Instruction *I = Point->getPrevNode(); I; I = I->getPrevNode()) {
    if (hasIntrinsicID(*I, Intrinsic::coro_save))
      return I;
    if (isa<DbgInfoIntrinsic>(I) || I->isLifetimeStartOrEnd() ||
        isa<GetElementPtrInst>(I) || isa<CastInst>(I))
      continue;
    break;
  }
  return Point;
}

std::string readableName(StringRef Mangled) {
  return llvm::demangle(std::string_view(Mangled.data(), Mangled.size()));
}

// A debug location for an instruction inserted before `Near`, or at the
// function's declaration line when `Near` has none.
DebugLoc locationNear(const Instruction *Near, Function &F) {
  if (Near && Near->getDebugLoc())
    return Near->getDebugLoc();
  if (DISubprogram *SP = F.getSubprogram())
    return DILocation::get(F.getContext(), SP->getLine(), 0, SP);
  return DebugLoc();
}

// A landing pad that calls std::terminate (noexcept functions): control
// never leaves it.
bool isTerminatePad(const BasicBlock *BB) {
  if (!BB->isLandingPad() || !isa<UnreachableInst>(BB->getTerminator()))
    return false;
  for (const Instruction &I : *BB)
    if (const auto *CB = dyn_cast<CallBase>(&I))
      if (const Function *Fn = CB->getCalledFunction())
        if (Fn->getName() == "__clang_call_terminate" ||
            Fn->getName() == "_ZSt9terminatev")
          return true;
  return false;
}

// Frame allocation: whatever call produces coro.begin's memory operand.
void collectFrameAllocations(Function &F,
                             SmallPtrSetImpl<const Instruction *> &Out) {
  for (Instruction &I : instructions(F)) {
    if (!hasIntrinsicID(I, Intrinsic::coro_begin))
      continue;
    SmallVector<Value *, 4> Work{cast<CallBase>(I).getArgOperand(1)};
    SmallPtrSet<Value *, 8> Seen;
    while (!Work.empty()) {
      Value *V = Work.pop_back_val()->stripPointerCasts();
      if (!Seen.insert(V).second)
        continue;
      if (auto *Phi = dyn_cast<PHINode>(V))
        Work.append(Phi->op_begin(), Phi->op_end());
      else if (auto *Sel = dyn_cast<SelectInst>(V))
        Work.append({Sel->getTrueValue(), Sel->getFalseValue()});
      else if (auto *CB = dyn_cast<CallBase>(V))
        Out.insert(CB);
    }
  }
}


bool pointWithin(const DILocation *L, const SpawnCallFacts &S) {
  if (!L || L->getInlinedAt() || S.ExprBegin.Line == 0 || S.ExprEnd.Line == 0)
    return false;
  if (sys::path::filename(L->getFilename()) !=
      sys::path::filename(S.ExprBegin.File))
    return false;
  auto Key = [](unsigned Line, unsigned Col) {
    return (uint64_t(Line) << 32) | Col;
  };
  uint64_t At = Key(L->getLine(), L->getColumn());
  return At >= Key(S.ExprBegin.Line, S.ExprBegin.Column) &&
         At <= Key(S.ExprEnd.Line, S.ExprEnd.Column ? S.ExprEnd.Column : ~0u);
}

// The first instruction that evaluates part of the spawn expression before
// the coroutine call (its arguments: `session(std::make_unique<Conn>(n))`),
// found by walking back from the call while the code is straight-line and
// located inside the expression. The bracket starts there, so what those
// arguments allocate is the new task's (docs/design.md §3).
Instruction *spawnExpressionStart(CallBase *CoroCall,
                                  const SpawnCallFacts &S) {
  Instruction *Start = CoroCall;
  BasicBlock *BB = CoroCall->getParent();
  Instruction *I = CoroCall->getPrevNode();
  for (unsigned Blocks = 0; Blocks < 64; ++Blocks) {
    for (; I; I = I->getPrevNode()) {
      if (isa<PHINode>(I) || isa<LandingPadInst>(I) || isa<AllocaInst>(I))
        return Start;
      // Never above a context hook (a resume edge's, when the spawn
      // expression itself awaits: `session(co_await accept())`).
      if (const auto *CB = dyn_cast<CallBase>(I))
        if (const Function *Fn = CB->getCalledFunction())
          if (Fn->getName().starts_with("__memscope_"))
            return Start;
      if (const auto *II = dyn_cast<IntrinsicInst>(I)) {
        if (II->getCalledFunction()->getName().starts_with("llvm.coro."))
          return Start; // never above the coroutine's own machinery
        continue;
      }
      if (const DILocation *L = I->getDebugLoc()) {
        if (!pointWithin(L, S))
          return Start;
        Start = I;
      }
    }
    // Only through a block whose one predecessor leads here alone (or is
    // an invoke whose normal edge this is, or a check whose other way never
    // returns: a sanitizer's handler, as UBSan puts one after each `new`):
    // the bracket then runs exactly when the spawn expression does.
    BasicBlock *Pred = BB->getUniquePredecessor();
    if (!Pred)
      return Start;
    Instruction *TI = Pred->getTerminator();
    auto *Inv = dyn_cast<InvokeInst>(TI);
    auto *Br = dyn_cast<BranchInst>(TI);
    auto NeverReturns = [](const BasicBlock *Other) {
      return isa<UnreachableInst>(Other->getTerminator());
    };
    if (!(Inv && Inv->getNormalDest() == BB) &&
        !(Br && Br->getNumSuccessors() == 1) &&
        !(Br && Br->isConditional() &&
          NeverReturns(Br->getSuccessor(Br->getSuccessor(0) == BB ? 1 : 0))))
      return Start;
    BB = Pred;
    I = TI;
  }
  return Start;
}


//===----------------------------------------------------------------------===//
// What the user's code is: the AST facts, or without them the debug info
//===----------------------------------------------------------------------===//

class UserCode {
public:
  // Facts is null without an AST half (opt).
  explicit UserCode(const ModuleFacts *Facts) : Facts(Facts) {}

  bool haveFacts() const { return Facts; }
  const CoroutineFacts *factsFor(const Function &F) const {
    if (!Facts)
      return nullptr;
    if (isLocalLambdaName(F.getName()))
      return localLambdaFacts(F);
    auto It = Facts->Coroutines.find(F.getName());
    return It == Facts->Coroutines.end() ? nullptr : &It->second;
  }
  bool isGenerator(const Function &F) const {
    const CoroutineFacts *CF = factsFor(F);
    return CF && CF->IsGenerator;
  }
  bool isUserFunction(const Function &F) const {
    if (const CoroutineFacts *CF = factsFor(F))
      return !CF->InSystemHeader;
    const DISubprogram *SP = F.getSubprogram();
    if (!SP)
      return !Facts; // under clang every function has one (LocTrackingOnly)
    return !isSystemPath(fullPath(SP->getDirectory(), SP->getFilename()));
  }
  // The `function` of an ALLOC site in F: a coroutine's display name (the
  // one its COROUTINE site and task root carry, so that the report can
  // match the two), else the demangled name.
  std::string siteFunctionName(const Function &F) const {
    if (const CoroutineFacts *CF = factsFor(F))
      if (!CF->DisplayName.empty())
        return CF->DisplayName;
    return readableName(F.getName());
  }
  SourcePoint pointOf(const Function &F) const {
    SourcePoint P;
    if (const CoroutineFacts *CF = factsFor(F))
      if (CF->Location.Line != 0)
        return CF->Location;
    if (const DISubprogram *SP = F.getSubprogram()) {
      P.File = SP->getFilename().str();
      P.Line = SP->getLine();
    }
    return P;
  }
  SourcePoint pointOfCall(const Instruction &I, const Function &F) const {
    const DILocation *L = I.getDebugLoc();
    if (!L)
      return pointOf(F);
    // The outermost location: the user line an inlined call came from.
    while (const DILocation *At = L->getInlinedAt())
      L = At;
    SourcePoint P;
    P.File = L->getFilename().str();
    P.Line = L->getLine();
    P.Column = L->getColumn();
    return P;
  }
  ArrayRef<SpawnCallFacts> spawns() const {
    return Facts ? ArrayRef<SpawnCallFacts>(Facts->Spawns)
                 : ArrayRef<SpawnCallFacts>();
  }

private:
  // Lambdas in functions with internal linkage mangle as "$_N", N being the
  // order in which a mangler first named them: the AST side's mangler and
  // codegen's may number them differently. Such names are matched with the
  // number erased, and disambiguated by the definition's line.
  const CoroutineFacts *localLambdaFacts(const Function &F) const {
    const DISubprogram *SP = F.getSubprogram();
    std::string Key = eraseLambdaNumbers(F.getName());
    const CoroutineFacts *Found = nullptr;
    for (const auto &E : Facts->Coroutines) {
      const CoroutineFacts &CF = E.second;
      if (!isLocalLambdaName(CF.MangledName) ||
          eraseLambdaNumbers(CF.MangledName) != Key)
        continue;
      if (SP && (CF.Location.Line != SP->getLine() ||
                 sys::path::filename(CF.Location.File) !=
                     sys::path::filename(SP->getFilename())))
        continue;
      if (Found)
        return nullptr; // two candidates on one line: trust neither
      Found = &CF;
    }
    return Found;
  }

  const ModuleFacts *Facts;
};

//===----------------------------------------------------------------------===//
// Plans: what the rewrite inserts where. Made by the analyses below, which
// only read the IR; applied by ModuleRewriter, which cannot fail.
//===----------------------------------------------------------------------===//

// Why an analysis made no plan; Detail completes the text of
// SpawnCallNotFound.
struct Skip {
  SkipReason Why;
  std::string Detail;
};

// A plan, or the reason there is none.
template <typename PlanT> class PlanOrSkip {
public:
  PlanOrSkip(PlanT P) : Plan(std::move(P)) {}
  PlanOrSkip(SkipReason Why, std::string Detail = {})
      : Why{Why, std::move(Detail)} {}
  explicit operator bool() const { return Plan.has_value(); }
  PlanT &operator*() { return *Plan; }
  const Skip &skip() const { return Why; }

private:
  std::optional<PlanT> Plan;
  Skip Why{SkipReason::NotELF, {}};
};

// A CFG edge: TI's successor number Succ.
struct Edge {
  Instruction *TI;
  unsigned Succ;
  // A destroy edge: a suspend's case 1, or either case of a final suspend.
  bool Destroy = false;
};

// The context hooks of one presplit coroutine.
struct CoroutinePlan {
  CallBase *Begin = nullptr; // llvm.coro.begin: frame_begin right after it
  // llvm.coro.alloc when it dominates coro.begin: its result says whether
  // the frame is on the heap. Null: assume the heap.
  CallBase *OnHeap = nullptr;
  // suspend(prev) before each: await_suspend calls, and suspends with no
  // await_suspend since their coro.save (initial/final suspend_always).
  SmallVector<Instruction *, 8> SuspendPoints;
  SmallVector<CallBase *, 4> UnwindEnds; // suspend(prev) before each
  SmallVector<CallBase *, 4> Frees; // suspend(prev) before, frame_end after
  SmallVector<Edge, 16> ResumeEdges; // resume(binding) on each
  SmallVector<InvokeInst *, 4> UnwindingAwaits; // resume on their unwind edge
  // The ramp before coro.begin: its exits and the edges by which it joins
  // the body restore the caller's context (suspend(prev0)), and its
  // throwing calls become invokes of a pad that does the same.
  SmallVector<Instruction *, 4> RampExits;
  SmallVector<Edge, 4> RampEdges;
  SmallVector<CallInst *, 4> RampThrowingCalls;
};

// One spawn bracket.
struct SpawnBracket {
  const SpawnCallFacts *Facts;
  CallBase *CoroCall;
  CallBase *SpawnCall; // may be null: end right after the coroutine call
  Instruction *Start;  // first instruction of the spawn expression: begin
};

// The spawn brackets of one function and their shared slot.
struct SpawnPlan {
  // The slot is set to MEMSCOPE_NO_CONTEXT after this instruction (a
  // coroutine's coro.begin); null: at entry.
  Instruction *InitAfter = nullptr;
  SmallVector<SpawnBracket, 4> Brackets;
  // Landing pads the slot's initialisation dominates: spawn_end on each.
  SmallVector<BasicBlock *, 8> Pads;
};

// The calls of one user function into library code that may allocate.
struct LibraryCallPlan {
  SmallVector<CallBase *, 16> Calls;
};

//===----------------------------------------------------------------------===//
// Analyses
//===----------------------------------------------------------------------===//

PlanOrSkip<CoroutinePlan> planCoroutine(Function &F,
                                        const DominatorTree &DT) {
  CoroutinePlan P;
  // ---- 1. Find the coroutine intrinsics.
  CallBase *Id = nullptr, *Alloc = nullptr;
  SmallVector<CallBase *, 8> Suspends, Awaits;
  for (Instruction &I : instructions(F)) {
    auto *II = dyn_cast<CallBase>(&I);
    if (!II)
      continue;
    switch (intrinsicID(I)) {
    case Intrinsic::coro_id:
      if (Id)
        return SkipReason::TwoCoroIds;
      Id = II;
      break;
    case Intrinsic::coro_id_retcon:
    case Intrinsic::coro_id_retcon_once:
    case Intrinsic::coro_id_async:
      return SkipReason::NotSwitchLowered;
    case Intrinsic::coro_begin:
      if (!isa<CallInst>(II))
        return SkipReason::InvokedCoroBegin;
      if (P.Begin)
        return SkipReason::TwoCoroBegins;
      P.Begin = II;
      break;
    case Intrinsic::coro_suspend:
      Suspends.push_back(II);
      break;
    case Intrinsic::coro_await_suspend_void:
    case Intrinsic::coro_await_suspend_bool:
    case Intrinsic::coro_await_suspend_handle:
      Awaits.push_back(II);
      break;
    case Intrinsic::coro_free:
      P.Frees.push_back(II);
      break;
    case Intrinsic::coro_alloc:
      Alloc = Alloc ? nullptr : II; // two: say "on the heap" (see OnHeap)
      break;
    case Intrinsic::coro_end: {
      auto *Unwind = dyn_cast<ConstantInt>(II->getArgOperand(1));
      if (!Unwind)
        return SkipReason::CoroEndUnwindNotConstant;
      if (Unwind->isOne())
        P.UnwindEnds.push_back(II);
      break;
    }
    default:
      break;
    }
  }
  if (!Id || !P.Begin)
    return SkipReason::NoCoroIdOrBegin;
  if (Suspends.empty())
    return SkipReason::NoCoroSuspend;

  CallBase *Begin = P.Begin;
  auto AfterBegin = [&](Instruction *I) { return DT.dominates(Begin, I); };

  // ---- 2. Resume/destroy edges of every suspend.
  for (CallBase *S : Suspends) {
    if (!AfterBegin(S))
      return SkipReason::SuspendBeforeBegin;
    SwitchInst *SW = nullptr;
    for (User *U : S->users()) {
      auto *Sw = dyn_cast<SwitchInst>(U);
      if (!Sw || Sw->getCondition() != S || SW)
        return SkipReason::SuspendNotOneSwitch;
      SW = Sw;
    }
    if (!SW)
      return SkipReason::SuspendUnused;
    // A frame suspended at its final suspend can only be destroyed
    // (resuming it is undefined): both of that suspend's edges are destroy
    // code.
    auto *Final = dyn_cast<ConstantInt>(S->getArgOperand(1));
    const bool AtFinal = Final && Final->isOne();
    for (auto Case : SW->cases()) {
      uint64_t V = Case.getCaseValue()->getZExtValue();
      if (V == 0 || V == 1)
        P.ResumeEdges.push_back(
            {SW, Case.getSuccessorIndex(), V == 1 || AtFinal});
    }
    // Is there an await_suspend between this suspend and its coro.save?
    Value *Save = S->getArgOperand(0);
    bool HasAwait = false;
    Instruction *I = S;
    for (unsigned Steps = 0; I && Steps < 256; ++Steps) {
      if (I == Save)
        break;
      if (isAwaitSuspend(*I)) {
        HasAwait = true;
        break;
      }
      if (Instruction *Prev = I->getPrevNode()) {
        I = Prev;
        continue;
      }
      BasicBlock *Pred = I->getParent()->getUniquePredecessor();
      I = Pred ? Pred->getTerminator() : nullptr;
    }
    if (!HasAwait)
      P.SuspendPoints.push_back(S);
  }
  for (CallBase *A : Awaits) {
    if (!AfterBegin(A))
      return SkipReason::AwaitBeforeBegin;
    P.SuspendPoints.push_back(A);
    if (auto *Inv = dyn_cast<InvokeInst>(A))
      P.UnwindingAwaits.push_back(Inv);
    if (intrinsicID(*A) == Intrinsic::coro_await_suspend_bool) {
      BranchInst *Br = nullptr;
      for (User *U : A->users()) {
        auto *B = dyn_cast<BranchInst>(U);
        if (!B || !B->isConditional() || Br)
          return SkipReason::AwaitBoolNotOneBranch;
        Br = B;
      }
      if (!Br)
        return SkipReason::AwaitBoolUnused;
      P.ResumeEdges.push_back({Br, 1}); // false: await_suspend said "don't"
    }
  }
  for (CallBase *I : P.Frees)
    if (!AfterBegin(I))
      return SkipReason::FreeBeforeBegin;
  for (CallBase *I : P.UnwindEnds)
    if (!AfterBegin(I))
      return SkipReason::UnwindEndBeforeBegin;

  // ---- 3. The ramp before coro.begin.
  BasicBlock *BeginBB = Begin->getParent();
  SmallPtrSet<BasicBlock *, 32> Post; // reachable from coro.begin
  {
    SmallVector<BasicBlock *, 32> Work(succ_begin(BeginBB), succ_end(BeginBB));
    while (!Work.empty()) {
      BasicBlock *BB = Work.pop_back_val();
      if (!Post.insert(BB).second)
        continue;
      for (BasicBlock *S : successors(BB))
        Work.push_back(S);
    }
  }
  if (Post.count(BeginBB))
    return SkipReason::BeginInLoop;
  for (BasicBlock &BB : F) {
    if (Post.count(&BB))
      continue;
    for (Instruction &I : BB) {
      if (&I == Begin)
        break;
      auto *CI = dyn_cast<CallInst>(&I);
      if (!CI || CI->doesNotThrow() || isa<IntrinsicInst>(CI) ||
          CI->isInlineAsm() || CI->isMustTailCall())
        continue;
      P.RampThrowingCalls.push_back(CI);
    }
    if (&BB == BeginBB)
      continue; // its terminator comes after coro.begin
    Instruction *TI = BB.getTerminator();
    if (isa<ReturnInst>(TI) || isa<ResumeInst>(TI))
      P.RampExits.push_back(TI);
    // A noexcept coroutine's invokes all unwind to one terminate pad, shared
    // by ramp and body: it never returns, so no context needs restoring.
    if (auto *Inv = dyn_cast<InvokeInst>(TI))
      if (Post.count(Inv->getUnwindDest()) &&
          !isTerminatePad(Inv->getUnwindDest()))
        return SkipReason::RampUnwindsIntoBody;
    if (isa<InvokeInst>(TI) || isa<CallBrInst>(TI) ||
        isa<CatchSwitchInst>(TI) || isa<CleanupReturnInst>(TI)) {
      if (auto *Inv = dyn_cast<InvokeInst>(TI))
        if (Post.count(Inv->getNormalDest()))
          return SkipReason::RampContinuesInBody;
    } else {
      for (unsigned I = 0, E = TI->getNumSuccessors(); I != E; ++I) {
        BasicBlock *S = TI->getSuccessor(I);
        if (S != BeginBB && Post.count(S))
          P.RampEdges.push_back({TI, I});
      }
    }
  }
  if (!F.hasPersonalityFn())
    P.RampThrowingCalls.clear(); // no way to catch; the brief says leave them

  // The frame size gets bit 63 when the frame is not on the heap: the result
  // of llvm.coro.alloc, which CoroElide folds to false where it puts the
  // frame in its caller.
  if (Alloc && DT.dominates(Alloc, Begin))
    P.OnHeap = Alloc;
  return P;
}

// The llvm.coro.begin after which a coroutine's spawn slot is initialised.
Instruction *coroBeginOf(Function &F) {
  Instruction *Begin = nullptr;
  for (Instruction &I : instructions(F))
    if (hasIntrinsicID(I, Intrinsic::coro_begin))
      Begin = &I;
  return Begin;
}

// Plans the spawn brackets of F. Spawns it cannot place are reported in
// Skipped (each independently: the others are still bracketed).
PlanOrSkip<SpawnPlan>
planSpawns(Function &F, ArrayRef<const SpawnCallFacts *> Spawns,
           const DominatorTree &DT, Instruction *CoroBegin,
           const SmallPtrSetImpl<const BasicBlock *> &OwnPads,
           SmallVectorImpl<std::pair<const SpawnCallFacts *, Skip>> &Skipped) {
  SpawnPlan Plan;
  // In a coroutine the spawn slot is initialised after coro.begin (all
  // spawn calls must come after it); elsewhere at entry.
  if (F.isPresplitCoroutine()) {
    Plan.InitAfter = CoroBegin;
    if (!Plan.InitAfter)
      return SkipReason::SpawnInCoroutineWithoutBegin;
  }

  SmallPtrSet<CallBase *, 4> Taken;
  for (const SpawnCallFacts *S : Spawns) {
    StringRef Anchor = anchorCallee(*S);
    const SourcePoint &AnchorPt = anchorPoint(*S);
    CallBase *Best = nullptr;
    int BestScore = 0;
    for (Instruction &I : instructions(F))
      if (auto *CB = dyn_cast<CallBase>(&I)) {
        if (Taken.count(CB))
          continue;
        int Score = callScore(*CB, Anchor, AnchorPt);
        if (Score > BestScore) {
          Best = CB;
          BestScore = Score;
        }
      }
    if (!Best) {
      Skipped.push_back({S,
                         {SkipReason::SpawnCallNotFound,
                          ("'" + readableName(Anchor) + "' at line " +
                           Twine(AnchorPt.Line))
                              .str()}});
      continue;
    }
    if (S->Deferred) {
      Taken.insert(Best);
      Plan.Brackets.push_back({S, Best, Best, spawnExpressionStart(Best, *S)});
      continue;
    }
    if (Plan.InitAfter && !DT.dominates(Plan.InitAfter, Best)) {
      Skipped.push_back({S, {SkipReason::SpawnCallBeforeBegin, {}}});
      continue;
    }
    // The spawn function call: same line as the spawn point, after the
    // coroutine call.
    CallBase *SpawnCall = nullptr;
    int SpawnScore = 0;
    for (Instruction &I : instructions(F))
      if (auto *CB = dyn_cast<CallBase>(&I)) {
        if (CB == Best || !DT.dominates(Best, CB))
          continue;
        int Score = callScore(*CB, S->SpawnCallee, S->SpawnPoint);
        if (Score > SpawnScore) {
          SpawnCall = CB;
          SpawnScore = Score;
        }
      }
    Taken.insert(Best);
    Plan.Brackets.push_back(
        {S, Best, SpawnCall, spawnExpressionStart(Best, *S)});
  }
  // A macro may expand its argument twice, once where it runs and once in
  // code clang folds away (Catch2's REQUIRE and CHECK repeat the expression
  // in a `false && ...` condition): the AST has two spawns at one point,
  // codegen one call. The spawn is bracketed; its unemitted copy is not a
  // spawn left uninstrumented, and a remark saying so would be wrong.
  auto UnemittedCopy = [&](const std::pair<const SpawnCallFacts *, Skip> &K) {
    if (K.second.Why != SkipReason::SpawnCallNotFound ||
        none_of(Plan.Brackets, [&](const SpawnBracket &B) {
          return sameSpawnExpression(*B.Facts, *K.first);
        }))
      return false;
    ++NumSpawnCopiesNotEmitted;
    return true;
  };
  llvm::erase_if(Skipped, UnemittedCopy);
  if (Plan.Brackets.empty())
    return Plan;

  // Landing pads: every pad the slot's initialisation dominates.
  BasicBlock *InitBB =
      Plan.InitAfter ? Plan.InitAfter->getParent() : &F.getEntryBlock();
  for (BasicBlock &BB : F)
    if (BB.isLandingPad() && !OwnPads.count(&BB) && DT.dominates(InitBB, &BB))
      Plan.Pads.push_back(&BB);
  return Plan;
}

// The calls of F (user code) into library code that may allocate.
// Not bracketed: calls into user code (it brackets its own calls, and its
// `new`s carry their own sites), intrinsics, calls that never return or are
// known not to allocate, indirect calls (their target is usually user code:
// documented), the frame allocation, calls inside a spawn expression (what
// those allocate is the spawn's, at the spawn site), memscope's own API,
// co_await's await_ready/await_resume, and calls with no user line.
LibraryCallPlan
planLibraryCalls(Function &F, const UserCode &User,
                 const AllocationReach &Reach,
                 ArrayRef<const SpawnCallFacts *> Spawns,
                 const SmallPtrSetImpl<const Instruction *> &FrameAllocs) {
  LibraryCallPlan Plan;
  if (const DISubprogram *SP = F.getSubprogram())
    if (isMemscopeHeader(fullPath(SP->getDirectory(), SP->getFilename())))
      return Plan;
  for (Instruction &I : instructions(F)) {
    auto *CB = dyn_cast<CallBase>(&I);
    if (!CB || isa<CallBrInst>(CB) || CB->isInlineAsm() ||
        CB->isMustTailCall() || CB->doesNotReturn() || FrameAllocs.count(CB))
      continue;
    auto *Callee =
        dyn_cast<Function>(CB->getCalledOperand()->stripPointerCasts());
    if (!Callee || Callee->isIntrinsic() || newFormOf(Callee->getName()) ||
        !Reach.mayAllocate(*Callee))
      continue;
    if ((!Callee->isDeclaration() && User.isUserFunction(*Callee)) ||
        isMemscopeApi(Callee->getName()) || isAwaitResultCall(*Callee))
      continue;
    const DILocation *L = CB->getDebugLoc();
    if (!L || L->getLine() == 0)
      continue; // compiler-made code with no user line to charge
    if (auto *Inv = dyn_cast<InvokeInst>(CB))
      if (!Inv->getUnwindDest()->isLandingPad())
        continue; // not Itanium EH: no place for the unwind edge's exit
    if (llvm::any_of(Spawns, [&](const SpawnCallFacts *S) {
          return pointWithin(L, *S);
        }))
      continue;
    Plan.Calls.push_back(CB);
  }
  return Plan;
}

// The direct calls of the global operator new forms in F, but not the frame
// allocation.
SmallVector<CallBase *, 8>
planAllocationMarks(Function &F,
                    const SmallPtrSetImpl<const Instruction *> &FrameAllocs) {
  SmallVector<CallBase *, 8> News;
  for (Instruction &I : instructions(F)) {
    auto *CB = dyn_cast<CallBase>(&I);
    if (!CB || FrameAllocs.count(CB) || isa<CallBrInst>(CB))
      continue;
    Function *Callee = CB->getCalledFunction();
    if (Callee && newFormOf(Callee->getName()))
      News.push_back(CB);
  }
  return News;
}

//===----------------------------------------------------------------------===//
// The rewrite
//===----------------------------------------------------------------------===//

class ModuleRewriter {
public:
  ModuleRewriter(Module &M, const UserCode &User)
      : M(M), C(M.getContext()), User(User), Sites(M) {
    I64 = Type::getInt64Ty(C);
    Ptr = PointerType::getUnqual(C);
  }

  void applyCoroutine(Function &F, const CoroutinePlan &P);
  void applySpawns(Function &F, const SpawnPlan &P);
  void applyLibraryCalls(Function &F, const LibraryCallPlan &P);
  void markAllocations(Function &F, ArrayRef<CallBase *> News);
  void finish() {
    Sites.finish();
    neutralInliningCost();
  }

  // Frame allocations (their result feeds llvm.coro.begin), never
  // redirected nor bracketed.
  SmallPtrSet<const Instruction *, 16> FrameAllocs;
  // Landing pads this pass created for pre-coro.begin calls.
  SmallPtrSet<const BasicBlock *, 8> OwnPads;
  // Coroutines given hooks: their coro.begin, for the spawn slot.
  DenseMap<const Function *, Instruction *> CoroBegins;

private:
  // --- hooks
  FunctionCallee hook(StringRef Name, Type *Ret, ArrayRef<Type *> Params,
                      bool NoUnwind = true) {
    FunctionCallee FC =
        M.getOrInsertFunction(Name, FunctionType::get(Ret, Params, false));
    if (auto *Fn = dyn_cast<Function>(FC.getCallee()))
      if (NoUnwind)
        Fn->addFnAttr(Attribute::NoUnwind);
    return FC;
  }
  FunctionCallee rampEnter() {
    return hook("__memscope_ramp_enter", I64, {Ptr});
  }
  FunctionCallee frameBegin() {
    return hook("__memscope_frame_begin", I64, {Ptr, I64});
  }
  FunctionCallee resumeHook() { return hook("__memscope_resume", I64, {I64}); }
  FunctionCallee resumeDestroyHook() {
    return hook("__memscope_resume_destroy", I64, {I64});
  }
  FunctionCallee suspendHook() {
    return hook("__memscope_suspend", Type::getVoidTy(C), {I64});
  }
  FunctionCallee rampAbort() {
    return hook("__memscope_ramp_abort", Type::getVoidTy(C), {I64});
  }
  FunctionCallee frameEnd() {
    return hook("__memscope_frame_end", Type::getVoidTy(C), {I64, I64});
  }
  FunctionCallee spawnBegin() {
    return hook("__memscope_spawn_begin", I64, {Ptr});
  }
  FunctionCallee spawnEnd() {
    return hook("__memscope_spawn_end", Type::getVoidTy(C), {I64});
  }
  // Library call brackets touch only the runtime's thread-local context:
  // to the optimizer they read and write inaccessible memory alone, so
  // loads, stores and allocations of the program move and vanish around
  // them as they would without them.
  FunctionCallee callHook(StringRef Name, Type *Ret, ArrayRef<Type *> Params) {
    FunctionCallee FC = hook(Name, Ret, Params);
    if (auto *Fn = dyn_cast<Function>(FC.getCallee())) {
      Fn->addFnAttr(Attribute::WillReturn);
      Fn->setMemoryEffects(MemoryEffects::inaccessibleMemOnly());
    }
    return FC;
  }
  FunctionCallee callEnter() {
    return callHook("__memscope_call_enter", I64, {Ptr});
  }
  FunctionCallee callExit() {
    return callHook("__memscope_call_exit", Type::getVoidTy(C), {I64});
  }

  GlobalVariable *coroutineSite(Function &F);
  void neutralInliningCost();
  std::string functionAtPoint(const SourcePoint &P);

  // --- IR utilities
  BasicBlock *blockOnEdge(Instruction *TI, unsigned SuccIdx);
  Instruction *insertionPointOnUnwindEdge(InvokeInst *II);
  BasicBlock *cleanupPad(Function &F, StringRef Name, Instruction *Near,
                         FunctionCallee Hook, Value *Arg);
  AllocaInst *entryAlloca(Function &F, StringRef Name);

  Module &M;
  LLVMContext &C;
  const UserCode &User;
  SiteTable Sites;
  Type *I64, *Ptr;
  std::optional<
      std::map<std::tuple<std::string, unsigned, unsigned>, std::string>>
      CallPoints;
};

// The inliner weighs every call it finds in a callee (a call penalty and its
// arguments), so a coroutine ramp with its two hooks and the frame
// allocation's landing pad passed the threshold where the plain build
// inlines it (an Asio child's ramp into its awaiting coroutine: about 50
// instructions per co_await). The hooks are a few instructions each once
// the late pass has given them their inline paths: they cost the inliner
// nothing, so it decides as it does for the plain program.
void ModuleRewriter::neutralInliningCost() {
  Attribute Free = Attribute::get(C, "call-inline-cost", "0");
  for (Function &Fn : M) {
    if (!Fn.isDeclaration() || !Fn.getName().starts_with("__memscope_"))
      continue;
    for (llvm::User *U : Fn.users())
      if (auto *CB = dyn_cast<CallBase>(U); CB && CB->getCalledOperand() == &Fn)
        CB->addFnAttr(Free);
  }
}

AllocaInst *ModuleRewriter::entryAlloca(Function &F, StringRef Name) {
  BasicBlock &Entry = F.getEntryBlock();
  auto *AI = new AllocaInst(I64, M.getDataLayout().getAllocaAddrSpace(),
                            nullptr, Align(8), Name);
  AI->insertInto(&Entry, Entry.getFirstInsertionPt());
  return AI;
}

// A new block on the edge TI -> successor SuccIdx (not an EH edge). Only that
// one edge is redirected; PHIs in the target see the new block instead.
BasicBlock *ModuleRewriter::blockOnEdge(Instruction *TI, unsigned SuccIdx) {
  BasicBlock *From = TI->getParent();
  BasicBlock *To = TI->getSuccessor(SuccIdx);
  BasicBlock *New =
      BasicBlock::Create(C, To->getName() + ".ms", From->getParent(), To);
  BranchInst *Br = BranchInst::Create(To, New);
  Br->setDebugLoc(TI->getDebugLoc());
  TI->setSuccessor(SuccIdx, New);
  for (PHINode &Phi : To->phis()) {
    int Idx = Phi.getBasicBlockIndex(From);
    if (Idx >= 0)
      Phi.setIncomingBlock(Idx, New);
  }
  return New;
}

// A landing pad of our own: calls Hook(Arg) and resumes unwinding. Calls
// that may throw are then made invokes that unwind here.
BasicBlock *ModuleRewriter::cleanupPad(Function &F, StringRef Name,
                                       Instruction *Near, FunctionCallee Hook,
                                       Value *Arg) {
  Type *LPTy = StructType::get(C, {Ptr, Type::getInt32Ty(C)});
  for (Instruction &I : instructions(F))
    if (auto *LP = dyn_cast<LandingPadInst>(&I)) {
      LPTy = LP->getType();
      break;
    }
  BasicBlock *Pad = BasicBlock::Create(C, Name, &F);
  OwnPads.insert(Pad);
  IRBuilder<> B(Pad);
  B.SetCurrentDebugLocation(locationNear(Near, F));
  LandingPadInst *LP = B.CreateLandingPad(LPTy, 0, "ms.lp");
  LP->setCleanup(true);
  B.CreateCall(Hook, {Arg});
  B.CreateResume(LP);
  return Pad;
}

// Where to insert code that runs only when II unwinds.
Instruction *ModuleRewriter::insertionPointOnUnwindEdge(InvokeInst *II) {
  BasicBlock *Pad = II->getUnwindDest();
  if (Pad->getSinglePredecessor() == II->getParent())
    return &*Pad->getFirstInsertionPt();
  SmallVector<BasicBlock *, 2> NewBBs;
  SplitLandingPadPredecessors(Pad, {II->getParent()}, ".ms", ".ms.split",
                              NewBBs);
  return &*NewBBs[0]->getFirstInsertionPt();
}

GlobalVariable *ModuleRewriter::coroutineSite(Function &F) {
  const CoroutineFacts *CF = User.factsFor(F);
  SourcePoint P = User.pointOf(F);
  std::string Name = CF && !CF->DisplayName.empty() ? CF->DisplayName
                                                    : readableName(F.getName());
  unsigned Flags = 0, Type = MEMSCOPE_TYPE_UNKNOWN;
  GlobalVariable *Spawn = nullptr;
  if (CF) {
    if (CF->IsTaskRoot)
      Flags |= MEMSCOPE_FLAG_TASK_ROOT;
    if (CF->TypeIsExplicit)
      Flags |= MEMSCOPE_FLAG_EXPLICIT_TYPE;
    Type = static_cast<unsigned>(CF->Type);
    if (CF->HasSpawnPoint)
      Spawn = Sites.spawnSite(CF->SpawnPoint, functionAtPoint(CF->SpawnPoint),
                              Type, CF->TypeIsExplicit);
  }
  return Sites.add(MEMSCOPE_SITE_COROUTINE, P.File, Name, P.Line, P.Column,
                   Flags, Type, Spawn);
}

// The readable name of the function that has a call at P (for SPAWN sites of
// function-object spawns, whose facts only give the point).
std::string ModuleRewriter::functionAtPoint(const SourcePoint &P) {
  // Keyed by line and column; the file is compared by name only, since the
  // AST side's presumed name and the DIFile may spell the path differently
  // (relative, absolute, directory split off).
  if (!CallPoints) {
    CallPoints.emplace();
    for (Function &F : M)
      for (Instruction &I : instructions(F))
        if (isa<CallBase>(I))
          if (const DILocation *L = I.getDebugLoc())
            CallPoints->emplace(
                std::make_tuple(sys::path::filename(L->getFilename()).str(),
                                L->getLine(), L->getColumn()),
                readableName(F.getName()));
  }
  auto It = CallPoints->find(std::make_tuple(
      sys::path::filename(P.File).str(), P.Line, P.Column));
  return It == CallPoints->end() ? std::string() : It->second;
}

void ModuleRewriter::applyCoroutine(Function &F, const CoroutinePlan &P) {
  GlobalVariable *Site = coroutineSite(F);
  IRBuilder<> B(C);

  AllocaInst *PrevSlot = entryAlloca(F, "ms.prev");
  AllocaInst *BindingSlot = entryAlloca(F, "ms.binding");

  // Ramp entry: first instruction after the entry allocas.
  BasicBlock &Entry = F.getEntryBlock();
  BasicBlock::iterator IP = Entry.getFirstInsertionPt();
  while (isa<AllocaInst>(*IP))
    ++IP;
  B.SetInsertPoint(&Entry, IP);
  B.SetCurrentDebugLocation(locationNear(&*IP, F));
  CallInst *Prev0 = B.CreateCall(rampEnter(), {Site}, "ms.prev0");

  // Frame begin right after coro.begin.
  B.SetInsertPoint(P.Begin->getNextNode());
  B.SetCurrentDebugLocation(locationNear(P.Begin, F));
  Function *SizeFn = Intrinsic::getDeclaration(&M, Intrinsic::coro_size, {I64});
  // The frame size, with bit 63 set when the frame is not on the heap. The
  // runtime charges heap frames as allocations of their task (and the frame
  // allocation itself is not counted again).
  auto FrameSize = [&](Value *OnHeap) -> Value * {
    Value *Bytes = B.CreateCall(SizeFn, {}, "ms.frame.size");
    if (!OnHeap)
      return Bytes;
    return B.CreateSelect(OnHeap, Bytes,
                          B.CreateOr(Bytes, ConstantInt::get(I64, 1ULL << 63)),
                          "ms.frame.size.flagged");
  };
  Value *Size = FrameSize(P.OnHeap);
  Value *Binding = B.CreateCall(frameBegin(), {P.Begin, Size}, "ms.binding.v");
  B.CreateStore(Binding, BindingSlot);
  B.CreateStore(Prev0, PrevSlot);

  auto EmitSuspend = [&](Instruction *Before) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    B.CreateCall(suspendHook(), {B.CreateLoad(I64, PrevSlot, "ms.prev.v")});
  };
  auto EmitResume = [&](Instruction *Before, bool Destroy = false) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    Value *Prev = B.CreateCall(Destroy ? resumeDestroyHook() : resumeHook(),
                               {B.CreateLoad(I64, BindingSlot, "ms.binding.v")},
                               "ms.prev.resume");
    B.CreateStore(Prev, PrevSlot);
  };

  for (Instruction *I : P.SuspendPoints)
    EmitSuspend(suspendHookPoint(I));
  for (CallBase *I : P.UnwindEnds)
    EmitSuspend(I);
  for (CallBase *I : P.Frees) {
    EmitSuspend(I);
    // Right after llvm.coro.free, whose result is null for a frame that is
    // not on the heap: the frame's memory itself is freed later.
    B.SetInsertPoint(I->getNextNode());
    B.SetCurrentDebugLocation(locationNear(I, F));
    Value *OnHeap = B.CreateIsNotNull(I, "ms.frame.on.heap");
    B.CreateCall(frameEnd(), {B.CreateLoad(I64, BindingSlot, "ms.binding.v"),
                              FrameSize(OnHeap)});
  }
  for (const Edge &E : P.ResumeEdges) {
    BasicBlock *NB = blockOnEdge(E.TI, E.Succ);
    EmitResume(NB->getTerminator(), E.Destroy);
  }
  for (InvokeInst *Inv : P.UnwindingAwaits)
    EmitResume(insertionPointOnUnwindEdge(Inv));

  // Ramp paths that never reach coro.begin (the frame allocation returned
  // null or threw) end the frame allocation window and restore the caller's
  // context.
  auto EmitSuspendPrev0 = [&](Instruction *Before) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    B.CreateCall(rampAbort(), {Prev0});
  };
  for (Instruction *TI : P.RampExits)
    EmitSuspendPrev0(TI);
  for (const Edge &E : P.RampEdges) {
    BasicBlock *NB = blockOnEdge(E.TI, E.Succ);
    EmitSuspendPrev0(NB->getTerminator());
  }
  if (!P.RampThrowingCalls.empty()) {
    BasicBlock *Pad = cleanupPad(F, "ms.ramp.unwind",
                                 P.RampThrowingCalls.front(), rampAbort(),
                                 Prev0);
    for (CallInst *CI : P.RampThrowingCalls) {
      bool IsFrameAlloc = FrameAllocs.erase(CI);
      BasicBlock *BB = CI->getParent();
      changeToInvokeAndSplitBasicBlock(CI, Pad);
      if (IsFrameAlloc)
        FrameAllocs.insert(BB->getTerminator());
    }
  }

  CoroBegins[&F] = P.Begin;
}

void ModuleRewriter::applySpawns(Function &F, const SpawnPlan &P) {
  // The pads' insertion points, taken before the brackets add code.
  SmallVector<Instruction *, 8> PadPoints;
  for (BasicBlock *Pad : P.Pads)
    PadPoints.push_back(&*Pad->getFirstInsertionPt());

  // Slot, initialised to MEMSCOPE_NO_CONTEXT.
  AllocaInst *Slot = entryAlloca(F, "ms.spawn");
  Constant *NoContext = ConstantInt::get(I64, MEMSCOPE_NO_CONTEXT);
  IRBuilder<> B(C);
  if (P.InitAfter) {
    B.SetInsertPoint(P.InitAfter->getNextNode());
  } else {
    BasicBlock &Entry = F.getEntryBlock();
    BasicBlock::iterator IP = Entry.getFirstInsertionPt();
    while (isa<AllocaInst>(*IP))
      ++IP;
    B.SetInsertPoint(&Entry, IP);
  }
  B.CreateStore(NoContext, Slot);

  auto EmitEnd = [&](Instruction *Before) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    B.CreateCall(spawnEnd(), {B.CreateLoad(I64, Slot, "ms.spawn.v")});
    B.CreateStore(NoContext, Slot);
  };

  for (const SpawnBracket &S : P.Brackets) {
    GlobalVariable *Site = Sites.spawnSite(
        S.Facts->SpawnPoint, readableName(F.getName()),
        static_cast<unsigned>(S.Facts->Type), S.Facts->TypeIsExplicit,
        S.Facts->Deferred);
    B.SetInsertPoint(S.Start);
    B.SetCurrentDebugLocation(locationNear(S.CoroCall, F));
    B.CreateStore(B.CreateCall(spawnBegin(), {Site}, "ms.spawn.ctx"), Slot);
    CallBase *After = S.SpawnCall ? S.SpawnCall : S.CoroCall;
    if (auto *Inv = dyn_cast<InvokeInst>(After)) {
      BasicBlock *Normal = Inv->getNormalDest();
      if (Normal->getSinglePredecessor() == Inv->getParent())
        EmitEnd(&*Normal->getFirstInsertionPt());
      else
        EmitEnd(blockOnEdge(Inv, 0)->getTerminator());
    } else {
      EmitEnd(After->getNextNode());
    }
  }
  for (Instruction *I : PadPoints)
    EmitEnd(I);
}

void ModuleRewriter::applyLibraryCalls(Function &F, const LibraryCallPlan &P) {
  std::string FnName = User.siteFunctionName(F);
  Constant *NoContext = ConstantInt::get(I64, MEMSCOPE_NO_CONTEXT);
  // Unwind edges: the saved context of each bracketed invoke, by its pad.
  MapVector<BasicBlock *, SmallDenseMap<BasicBlock *, Value *, 4>> PadSaves;
  IRBuilder<> B(C);
  for (CallBase *CB : P.Calls) {
    GlobalVariable *Site = Sites.allocSite(User.pointOfCall(*CB, F), FnName);
    B.SetInsertPoint(CB);
    B.SetCurrentDebugLocation(locationNear(CB, F));
    Value *Saved = B.CreateCall(callEnter(), {Site}, "ms.call");
    Instruction *After;
    if (auto *Inv = dyn_cast<InvokeInst>(CB)) {
      BasicBlock *Normal = Inv->getNormalDest();
      After = Normal->getSinglePredecessor() == Inv->getParent()
                  ? &*Normal->getFirstInsertionPt()
                  : blockOnEdge(Inv, 0)->getTerminator();
      PadSaves[Inv->getUnwindDest()][Inv->getParent()] = Saved;
    } else {
      After = CB->getNextNode();
    }
    B.SetInsertPoint(After);
    B.CreateCall(callExit(), {Saved});
  }
  for (auto &[Pad, Saves] : PadSaves) {
    B.SetInsertPoint(Pad, Pad->begin());
    B.SetCurrentDebugLocation(locationNear(&*Pad->getFirstInsertionPt(), F));
    PHINode *Phi = B.CreatePHI(I64, 2, "ms.call.unwind");
    for (BasicBlock *Pred : predecessors(Pad)) {
      auto It = Saves.find(Pred);
      Phi->addIncoming(It == Saves.end() ? NoContext : It->second, Pred);
    }
    B.SetInsertPoint(Pad, Pad->getFirstInsertionPt());
    B.CreateCall(callExit(), {Phi});
  }
}

// Marks the global operator new calls of a user function with their site;
// LateInstrumentationPass rewrites those that survive optimisation.
void ModuleRewriter::markAllocations(Function &F, ArrayRef<CallBase *> News) {
  std::string FnName = User.siteFunctionName(F);
  unsigned Kind = C.getMDKindID(SiteMetadataKind);
  Type *I32 = Type::getInt32Ty(C);
  for (CallBase *CB : News) {
    SourcePoint P = User.pointOfCall(*CB, F);
    Metadata *Ops[] = {
        MDString::get(C, P.File),
        ConstantAsMetadata::get(ConstantInt::get(I32, P.Line)),
        ConstantAsMetadata::get(ConstantInt::get(I32, P.Column)),
        MDString::get(C, FnName)};
    CB->setMetadata(Kind, MDNode::get(C, Ops));
  }
}

//===----------------------------------------------------------------------===//
// Remarks
//===----------------------------------------------------------------------===//

// Where a remark about F at P points: P's line and column in F's scope when
// P is in F's file, else F's own line. Under clang the plugin turns it back
// into a source location (Remarks.cpp).
DiagnosticLocation remarkLocation(const Function &F, const SourcePoint &P) {
  DISubprogram *SP = F.getSubprogram();
  if (!SP || (P.File.empty() && P.Line == 0))
    return DiagnosticLocation(); // about the module: no place

  if (P.Line == 0 ||
      sys::path::filename(P.File) != sys::path::filename(SP->getFilename()))
    return DiagnosticLocation(SP);
  return DiagnosticLocation(
      DebugLoc(DILocation::get(F.getContext(), P.Line, P.Column, SP)));
}

bool isSpawnReason(SkipReason R) {
  return R == SkipReason::SpawnInCoroutineWithoutBegin ||
         R == SkipReason::SpawnCallNotFound ||
         R == SkipReason::SpawnCallBeforeBegin;
}

void remarkSkip(OptimizationRemarkEmitter &ORE, const Function &F,
                const SourcePoint &Where, const Twine &What, const Skip &S) {
  OptimizationRemarkMissed R(DEBUG_TYPE, skipReasonName(S.Why),
                             remarkLocation(F, Where), &F.getEntryBlock());
  R << What.str() << " not instrumented: ";
  if (!isSpawnReason(S.Why))
    R << "skipped: "; // the spawn remarks never said it
  R << skipReasonText(S.Why) << S.Detail;
  ORE.emit(R);
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

bool instrumentModule(Module &M, FunctionAnalysisManager &FAM,
                      const ModuleFacts *Facts) {
  SmallVector<Function *, 64> Work;
  for (Function &F : M)
    if (!F.isDeclaration() && !F.getName().starts_with("__memscope_"))
      Work.push_back(&F);

  Triple T(M.getTargetTriple());
  if (!T.isOSBinFormatELF()) {
    LLVM_DEBUG(dbgs() << "memscope: not ELF: " << M.getTargetTriple() << "\n");
    if (!Work.empty())
      remarkSkip(FAM.getResult<OptimizationRemarkEmitterAnalysis>(*Work[0]),
                 *Work[0], SourcePoint(), "module", {SkipReason::NotELF, {}});
    return false;
  }

  UserCode User(Facts);
  ModuleRewriter RW(M, User);
  bool Changed = false;
  auto Changes = [&](Function &F) {
    FAM.invalidate(F, PreservedAnalyses::none());
    Changed = true;
  };

  // 1. Coroutines.
  for (Function *F : Work)
    if (F->isPresplitCoroutine())
      collectFrameAllocations(*F, RW.FrameAllocs);
  for (Function *F : Work) {
    // A synchronous generator is user code (its new expressions keep
    // their sites) but gets no context hooks: it runs in whoever resumes
    // it, and coroutine elision still applies.
    if (!F->isPresplitCoroutine() || !User.isUserFunction(*F) ||
        User.isGenerator(*F))
      continue;
    PlanOrSkip<CoroutinePlan> Plan =
        planCoroutine(*F, FAM.getResult<DominatorTreeAnalysis>(*F));
    if (!Plan) {
      ++NumCoroutinesSkipped;
      LLVM_DEBUG(dbgs() << "memscope: skip coroutine " << F->getName() << ": "
                        << skipReasonName(Plan.skip().Why) << "\n");
      remarkSkip(FAM.getResult<OptimizationRemarkEmitterAnalysis>(*F), *F,
                 User.pointOf(*F),
                 "coroutine '" + readableName(F->getName()) + "'",
                 Plan.skip());
      continue;
    }
    LLVM_DEBUG(dbgs() << "memscope: coroutine " << F->getName() << ": "
                      << (*Plan).SuspendPoints.size() << " suspend points, "
                      << (*Plan).ResumeEdges.size() << " resume edges\n");
    RW.applyCoroutine(*F, *Plan);
    ++NumCoroutines;
    Changes(*F);
  }

  // 2. Spawn call sites.
  MapVector<Function *, SmallVector<const SpawnCallFacts *, 2>> SpawnsByFn;
  for (const SpawnCallFacts &S : User.spawns()) {
    Function *F = spawnCaller(M, S);
    if (!F || F->isDeclaration())
      continue;
    SpawnsByFn[F].push_back(&S);
  }
  for (auto &[F, Spawns] : SpawnsByFn) {
    auto It = RW.CoroBegins.find(F);
    Instruction *Begin = !F->isPresplitCoroutine() ? nullptr
                         : It != RW.CoroBegins.end() ? It->second
                                                     : coroBeginOf(*F);
    SmallVector<std::pair<const SpawnCallFacts *, Skip>, 2> Skipped;
    PlanOrSkip<SpawnPlan> Plan =
        planSpawns(*F, Spawns, FAM.getResult<DominatorTreeAnalysis>(*F),
                   Begin, RW.OwnPads, Skipped);
    if (!Plan)
      for (const SpawnCallFacts *S : Spawns)
        Skipped.push_back({S, Plan.skip()});
    auto &ORE = FAM.getResult<OptimizationRemarkEmitterAnalysis>(*F);
    for (auto &[S, Why] : Skipped) {
      ++NumSpawnsSkipped;
      const SourcePoint &P = S->SpawnPoint;
      remarkSkip(ORE, *F, P,
                 "spawn at " + P.File + ":" + Twine(P.Line) + ":" +
                     Twine(P.Column),
                 Why);
    }
    if (!Plan || (*Plan).Brackets.empty())
      continue;
    RW.applySpawns(*F, *Plan);
    NumSpawns += (*Plan).Brackets.size();
    Changes(*F);
  }

  // 3. Library call sites in user code (the hooks added above are known
  // not to allocate).
  {
    AllocationReach Reach(M);
    for (Function *F : Work) {
      if (!User.isUserFunction(*F))
        continue;
      auto It = SpawnsByFn.find(F);
      ArrayRef<const SpawnCallFacts *> Spawns;
      if (It != SpawnsByFn.end())
        Spawns = It->second;
      LibraryCallPlan Plan =
          planLibraryCalls(*F, User, Reach, Spawns, RW.FrameAllocs);
      if (Plan.Calls.empty())
        continue;
      RW.applyLibraryCalls(*F, Plan);
      NumLibraryCalls += Plan.Calls.size();
      Changes(*F);
    }
  }

  // 4. Allocation sites in user code: marked now, rewritten at the end.
  for (Function *F : Work) {
    if (!User.isUserFunction(*F))
      continue;
    SmallVector<CallBase *, 8> News = planAllocationMarks(*F, RW.FrameAllocs);
    if (News.empty())
      continue;
    RW.markAllocations(*F, News);
    NumMarkedNews += News.size();
    Changed = true; // metadata only: the function's analyses stay valid
  }

  RW.finish();

  if (Changed && VerifyIR) {
    std::string Err;
    raw_string_ostream OS(Err);
    if (verifyModule(M, &OS))
      report_fatal_error(Twine("memscope: instrumented IR is invalid: ") +
                         OS.str());
  }
  return Changed;
}

} // namespace

PreservedAnalyses InstrumentationPass::run(Module &M,
                                           ModuleAnalysisManager &MAM) {
  FunctionAnalysisManager &FAM =
      MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  return instrumentModule(M, FAM, Facts.get()) ? PreservedAnalyses::none()
                                               : PreservedAnalyses::all();
}

} // namespace memscope
