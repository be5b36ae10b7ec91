//===- InstrumentationPass.cpp - IR half of memscope.so -------------------===//
//
// Runs at the start of the optimisation pipeline (every -O level), before
// CoroSplit, so coroutines are still in presplit form. Three jobs:
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
// Sites are emitted into the "memscope_sites" section (SiteTable). Anything
// whose shape is not recognised is left alone with a remark: the plugin
// never breaks a build. All analysis of a coroutine happens before the first
// change to it, so "skipped" really means "unchanged".
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
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Local.h"

#include <cstdlib>
#include <optional>

using namespace llvm;

namespace memscope {
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

//===----------------------------------------------------------------------===//
// The module-level instrumenter
//===----------------------------------------------------------------------===//

class ModuleInstrumenter {
public:
  ModuleInstrumenter(Module &M, const ModuleFacts &Facts, RemarkSink *Remarks)
      : M(M), C(M.getContext()), Facts(Facts), Remarks(Remarks), Sites(M) {
    I64 = Type::getInt64Ty(C);
    Ptr = PointerType::getUnqual(C);
    SizeT = M.getDataLayout().getIntPtrType(C);
  }

  bool run();

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
  FunctionCallee suspendHook() {
    return hook("__memscope_suspend", Type::getVoidTy(C), {I64});
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

  // --- classification
  const CoroutineFacts *factsFor(const Function &F) const {
    if (isLocalLambdaName(F.getName()))
      return localLambdaFacts(F);
    auto It = Facts.Coroutines.find(F.getName());
    return It == Facts.Coroutines.end() ? nullptr : &It->second;
  }
  // Lambdas in functions with internal linkage mangle as "$_N", N being the
  // order in which a mangler first named them: the AST side's mangler and
  // codegen's may number them differently. Such names are matched with the
  // number erased, and disambiguated by the definition's line.
  const CoroutineFacts *localLambdaFacts(const Function &F) const {
    const DISubprogram *SP = F.getSubprogram();
    std::string Key = eraseLambdaNumbers(F.getName());
    const CoroutineFacts *Found = nullptr;
    for (const auto &E : Facts.Coroutines) {
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
  bool isGenerator(const Function &F) const {
    const CoroutineFacts *CF = factsFor(F);
    return CF && CF->IsGenerator;
  }
  bool isUserFunction(const Function &F) const {
    if (const CoroutineFacts *CF = factsFor(F))
      return !CF->InSystemHeader;
    const DISubprogram *SP = F.getSubprogram();
    if (!SP)
      return false;
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
  void remark(const SourcePoint &P, const Twine &Msg) {
    if (Remarks)
      Remarks->remark(P, Msg);
  }

  // --- jobs
  bool instrumentCoroutine(Function &F);
  bool instrumentSpawns(Function &F, ArrayRef<const SpawnCallFacts *> Spawns);
  bool bracketLibraryCalls(Function &F, const AllocationReach &Reach,
                           ArrayRef<const SpawnCallFacts *> Spawns);
  bool markAllocations(Function &F);
  SourcePoint pointOfCall(const Instruction &I, const Function &F) const;
  GlobalVariable *coroutineSite(Function &F);
  std::string functionAtPoint(const SourcePoint &P);

  // --- IR utilities
  BasicBlock *blockOnEdge(Instruction *TI, unsigned SuccIdx);
  Instruction *insertionPointOnUnwindEdge(InvokeInst *II);
  BasicBlock *cleanupPad(Function &F, StringRef Name, Instruction *Near,
                         FunctionCallee Hook, Value *Arg);
  Instruction *spawnExpressionStart(CallBase *CoroCall,
                                    const SpawnCallFacts &S);
  AllocaInst *entryAlloca(Function &F, StringRef Name);

  Module &M;
  LLVMContext &C;
  const ModuleFacts &Facts;
  RemarkSink *Remarks;
  SiteTable Sites;
  Type *I64, *Ptr, *SizeT;
  // Frame allocations (their result feeds llvm.coro.begin), never redirected.
  SmallPtrSet<const Instruction *, 16> FrameAllocs;
  // Landing pads this pass created for pre-coro.begin calls.
  SmallPtrSet<const BasicBlock *, 8> OwnPads;
  // Coroutines we instrumented: coro.begin, for spawn instrumentation.
  DenseMap<const Function *, Instruction *> CoroBegins;
  std::optional<
      std::map<std::tuple<std::string, unsigned, unsigned>, std::string>>
      CallPoints;
};

AllocaInst *ModuleInstrumenter::entryAlloca(Function &F, StringRef Name) {
  BasicBlock &Entry = F.getEntryBlock();
  auto *AI = new AllocaInst(I64, M.getDataLayout().getAllocaAddrSpace(),
                            nullptr, Align(8), Name);
  AI->insertInto(&Entry, Entry.getFirstInsertionPt());
  return AI;
}

// A new block on the edge TI -> successor SuccIdx (not an EH edge). Only that
// one edge is redirected; PHIs in the target see the new block instead.
BasicBlock *ModuleInstrumenter::blockOnEdge(Instruction *TI, unsigned SuccIdx) {
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
BasicBlock *ModuleInstrumenter::cleanupPad(Function &F, StringRef Name,
                                           Instruction *Near,
                                           FunctionCallee Hook, Value *Arg) {
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
Instruction *ModuleInstrumenter::insertionPointOnUnwindEdge(InvokeInst *II) {
  BasicBlock *Pad = II->getUnwindDest();
  if (Pad->getSinglePredecessor() == II->getParent())
    return &*Pad->getFirstInsertionPt();
  SmallVector<BasicBlock *, 2> NewBBs;
  SplitLandingPadPredecessors(Pad, {II->getParent()}, ".ms", ".ms.split",
                              NewBBs);
  return &*NewBBs[0]->getFirstInsertionPt();
}

//===----------------------------------------------------------------------===//
// Coroutines
//===----------------------------------------------------------------------===//

GlobalVariable *ModuleInstrumenter::coroutineSite(Function &F) {
  const CoroutineFacts *CF = factsFor(F);
  SourcePoint P = pointOf(F);
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
std::string ModuleInstrumenter::functionAtPoint(const SourcePoint &P) {
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

bool ModuleInstrumenter::instrumentCoroutine(Function &F) {
  SourcePoint Where = pointOf(F);
  auto Skip = [&](const Twine &Why) {
    remark(Where, "coroutine '" + readableName(F.getName()) +
                      "' not instrumented: skipped: " + Why);
    return false;
  };

  // ---- 1. Find the coroutine intrinsics.
  CallBase *Id = nullptr, *Begin = nullptr, *Alloc = nullptr;
  SmallVector<CallBase *, 8> Suspends, Awaits, Frees, UnwindEnds;
  for (Instruction &I : instructions(F)) {
    auto *II = dyn_cast<CallBase>(&I);
    if (!II)
      continue;
    switch (intrinsicID(I)) {
    case Intrinsic::coro_id:
      if (Id)
        return Skip("more than one llvm.coro.id");
      Id = II;
      break;
    case Intrinsic::coro_id_retcon:
    case Intrinsic::coro_id_retcon_once:
    case Intrinsic::coro_id_async:
      return Skip("not a switch-lowered coroutine");
    case Intrinsic::coro_begin:
      if (!isa<CallInst>(II))
        return Skip("invoked llvm.coro.begin");
      if (Begin)
        return Skip("more than one llvm.coro.begin");
      Begin = II;
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
      Frees.push_back(II);
      break;
    case Intrinsic::coro_alloc:
      Alloc = Alloc ? nullptr : II; // two: say "on the heap" (see HeapFlag)
      break;
    case Intrinsic::coro_end: {
      auto *Unwind = dyn_cast<ConstantInt>(II->getArgOperand(1));
      if (!Unwind)
        return Skip("llvm.coro.end with a non-constant unwind flag");
      if (Unwind->isOne())
        UnwindEnds.push_back(II);
      break;
    }
    default:
      break;
    }
  }
  if (!Id || !Begin)
    return Skip("no llvm.coro.id/llvm.coro.begin");
  if (Suspends.empty())
    return Skip("no llvm.coro.suspend");

  DominatorTree DT(F);
  auto AfterBegin = [&](Instruction *I) { return DT.dominates(Begin, I); };

  // ---- 2. Resume/destroy edges of every suspend.
  struct Edge {
    Instruction *TI;
    unsigned Succ;
  };
  SmallVector<Edge, 16> ResumeEdges;
  SmallVector<InvokeInst *, 4> UnwindingAwaits;
  SmallVector<Instruction *, 8> SuspendPoints; // suspend(ms.prev) before these
  for (CallBase *S : Suspends) {
    if (!AfterBegin(S))
      return Skip("llvm.coro.suspend not dominated by llvm.coro.begin");
    SwitchInst *SW = nullptr;
    for (User *U : S->users()) {
      auto *Sw = dyn_cast<SwitchInst>(U);
      if (!Sw || Sw->getCondition() != S || SW)
        return Skip("llvm.coro.suspend result not used by one switch");
      SW = Sw;
    }
    if (!SW)
      return Skip("llvm.coro.suspend result unused");
    for (auto Case : SW->cases()) {
      uint64_t V = Case.getCaseValue()->getZExtValue();
      if (V == 0 || V == 1)
        ResumeEdges.push_back({SW, Case.getSuccessorIndex()});
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
      SuspendPoints.push_back(S);
  }
  for (CallBase *A : Awaits) {
    if (!AfterBegin(A))
      return Skip("llvm.coro.await.suspend not dominated by llvm.coro.begin");
    SuspendPoints.push_back(A);
    if (auto *Inv = dyn_cast<InvokeInst>(A))
      UnwindingAwaits.push_back(Inv);
    if (intrinsicID(*A) == Intrinsic::coro_await_suspend_bool) {
      BranchInst *Br = nullptr;
      for (User *U : A->users()) {
        auto *B = dyn_cast<BranchInst>(U);
        if (!B || !B->isConditional() || Br)
          return Skip("llvm.coro.await.suspend.bool result not used by one "
                      "conditional branch");
        Br = B;
      }
      if (!Br)
        return Skip("llvm.coro.await.suspend.bool result unused");
      ResumeEdges.push_back({Br, 1}); // false: await_suspend said "don't"
    }
  }
  for (CallBase *I : Frees)
    if (!AfterBegin(I))
      return Skip("llvm.coro.free not dominated by llvm.coro.begin");
  for (CallBase *I : UnwindEnds)
    if (!AfterBegin(I))
      return Skip("unwinding llvm.coro.end not dominated by llvm.coro.begin");

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
    return Skip("llvm.coro.begin inside a loop");
  SmallVector<Instruction *, 4> PreExits; // ret/resume before coro.begin
  SmallVector<Edge, 4> PreEdges;          // pre-begin code joining later
  SmallVector<CallInst *, 4> PreThrowingCalls;
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
      PreThrowingCalls.push_back(CI);
    }
    if (&BB == BeginBB)
      continue; // its terminator comes after coro.begin
    Instruction *TI = BB.getTerminator();
    if (isa<ReturnInst>(TI) || isa<ResumeInst>(TI))
      PreExits.push_back(TI);
    // A noexcept coroutine's invokes all unwind to one terminate pad, shared
    // by ramp and body: it never returns, so no context needs restoring.
    if (auto *Inv = dyn_cast<InvokeInst>(TI))
      if (Post.count(Inv->getUnwindDest()) &&
          !isTerminatePad(Inv->getUnwindDest()))
        return Skip("an invoke before llvm.coro.begin unwinds into the body");
    if (isa<InvokeInst>(TI) || isa<CallBrInst>(TI) ||
        isa<CatchSwitchInst>(TI) || isa<CleanupReturnInst>(TI)) {
      if (auto *Inv = dyn_cast<InvokeInst>(TI))
        if (Post.count(Inv->getNormalDest()))
          return Skip("an invoke before llvm.coro.begin continues in the body");
    } else {
      for (unsigned I = 0, E = TI->getNumSuccessors(); I != E; ++I) {
        BasicBlock *S = TI->getSuccessor(I);
        if (S != BeginBB && Post.count(S))
          PreEdges.push_back({TI, I});
      }
    }
  }
  if (!F.hasPersonalityFn())
    PreThrowingCalls.clear(); // no way to catch; the brief says leave them

  // ---- 4. Change it. Nothing below may fail.
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
  B.SetInsertPoint(Begin->getNextNode());
  B.SetCurrentDebugLocation(locationNear(Begin, F));
  Function *SizeFn = Intrinsic::getDeclaration(&M, Intrinsic::coro_size, {I64});
  // The frame size, with bit 63 set when the frame is not on the heap: the
  // result of llvm.coro.alloc, which CoroElide folds to false where it puts
  // the frame in its caller. The runtime charges heap frames as allocations
  // of their task (and the frame allocation itself is not counted again).
  const bool AllocKnown = Alloc && DT.dominates(Alloc, Begin);
  auto FrameSize = [&](Value *OnHeap) -> Value * {
    Value *Bytes = B.CreateCall(SizeFn, {}, "ms.frame.size");
    if (!OnHeap)
      return Bytes;
    return B.CreateSelect(OnHeap, Bytes,
                          B.CreateOr(Bytes, ConstantInt::get(I64, 1ULL << 63)),
                          "ms.frame.size.flagged");
  };
  Value *Size = FrameSize(AllocKnown ? Alloc : nullptr);
  Value *Binding = B.CreateCall(frameBegin(), {Begin, Size}, "ms.binding.v");
  B.CreateStore(Binding, BindingSlot);
  B.CreateStore(Prev0, PrevSlot);

  auto EmitSuspend = [&](Instruction *Before) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    B.CreateCall(suspendHook(), {B.CreateLoad(I64, PrevSlot, "ms.prev.v")});
  };
  auto EmitResume = [&](Instruction *Before) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    Value *P = B.CreateCall(resumeHook(),
                            {B.CreateLoad(I64, BindingSlot, "ms.binding.v")},
                            "ms.prev.resume");
    B.CreateStore(P, PrevSlot);
  };

  for (Instruction *I : SuspendPoints)
    EmitSuspend(I);
  for (CallBase *I : UnwindEnds)
    EmitSuspend(I);
  for (CallBase *I : Frees) {
    EmitSuspend(I);
    // Right after llvm.coro.free, whose result is null for a frame that is
    // not on the heap: the frame's memory itself is freed later.
    B.SetInsertPoint(I->getNextNode());
    B.SetCurrentDebugLocation(locationNear(I, F));
    Value *OnHeap = B.CreateIsNotNull(I, "ms.frame.on.heap");
    B.CreateCall(frameEnd(), {B.CreateLoad(I64, BindingSlot, "ms.binding.v"),
                              FrameSize(OnHeap)});
  }
  for (const Edge &E : ResumeEdges) {
    BasicBlock *NB = blockOnEdge(E.TI, E.Succ);
    EmitResume(NB->getTerminator());
  }
  for (InvokeInst *Inv : UnwindingAwaits)
    EmitResume(insertionPointOnUnwindEdge(Inv));

  // Ramp paths that never reach coro.begin restore the caller's context.
  auto EmitSuspendPrev0 = [&](Instruction *Before) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    B.CreateCall(suspendHook(), {Prev0});
  };
  for (Instruction *TI : PreExits)
    EmitSuspendPrev0(TI);
  for (const Edge &E : PreEdges) {
    BasicBlock *NB = blockOnEdge(E.TI, E.Succ);
    EmitSuspendPrev0(NB->getTerminator());
  }
  if (!PreThrowingCalls.empty()) {
    BasicBlock *Pad = cleanupPad(F, "ms.ramp.unwind", PreThrowingCalls.front(),
                                 suspendHook(), Prev0);
    for (CallInst *CI : PreThrowingCalls) {
      bool IsFrameAlloc = FrameAllocs.erase(CI);
      BasicBlock *BB = CI->getParent();
      changeToInvokeAndSplitBasicBlock(CI, Pad);
      if (IsFrameAlloc)
        FrameAllocs.insert(BB->getTerminator());
    }
  }

  CoroBegins[&F] = Begin;
  return true;
}

//===----------------------------------------------------------------------===//
// Spawn call sites
//===----------------------------------------------------------------------===//

namespace {
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
} // namespace

// The first instruction that evaluates part of the spawn expression before
// the coroutine call (its arguments: `session(std::make_unique<Conn>(n))`),
// found by walking back from the call while the code is straight-line and
// located inside the expression. The bracket starts there, so what those
// arguments allocate is the new task's (docs/design.md §3).
Instruction *ModuleInstrumenter::spawnExpressionStart(CallBase *CoroCall,
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
    // an invoke whose normal edge this is): the bracket then runs exactly
    // when the spawn expression does.
    BasicBlock *Pred = BB->getUniquePredecessor();
    if (!Pred)
      return Start;
    Instruction *TI = Pred->getTerminator();
    auto *Inv = dyn_cast<InvokeInst>(TI);
    if (!(Inv && Inv->getNormalDest() == BB) &&
        !(isa<BranchInst>(TI) && TI->getNumSuccessors() == 1))
      return Start;
    BB = Pred;
    I = TI;
  }
  return Start;
}


bool ModuleInstrumenter::instrumentSpawns(
    Function &F, ArrayRef<const SpawnCallFacts *> Spawns) {
  // In a coroutine the spawn slot is initialised after coro.begin (all
  // spawn calls must come after it); elsewhere at entry.
  Instruction *InitAfter = nullptr;
  if (F.isPresplitCoroutine()) {
    auto It = CoroBegins.find(&F);
    if (It != CoroBegins.end())
      InitAfter = It->second;
    else
      for (Instruction &I : instructions(F))
        if (hasIntrinsicID(I, Intrinsic::coro_begin))
          InitAfter = &I;
    if (!InitAfter) {
      for (const SpawnCallFacts *S : Spawns)
        remark(S->SpawnPoint,
               "spawn at " + S->SpawnPoint.File + ":" +
                   Twine(S->SpawnPoint.Line) + ":" +
                   Twine(S->SpawnPoint.Column) +
                   " not instrumented: the enclosing coroutine has no "
                   "llvm.coro.begin");
      return false;
    }
  }

  DominatorTree DT(F);
  struct Plan {
    const SpawnCallFacts *Facts;
    CallBase *CoroCall;
    CallBase *SpawnCall; // may be null: end right after the coroutine call
    Instruction *Start;  // first instruction of the spawn expression
  };
  SmallVector<Plan, 4> Plans;
  SmallPtrSet<CallBase *, 4> Taken;
  for (const SpawnCallFacts *S : Spawns) {
    auto NotInstrumented = [&](const Twine &Why) {
      remark(S->SpawnPoint, "spawn at " + S->SpawnPoint.File + ":" +
                                Twine(S->SpawnPoint.Line) + ":" +
                                Twine(S->SpawnPoint.Column) +
                                " not instrumented: " + Why);
    };
    auto Matches = [&](CallBase &CB, StringRef Callee,
                       const SourcePoint &P) -> int {
      Function *Fn = CB.getCalledFunction();
      if (!Fn || !sameFunction(Fn->getName(), Callee))
        return 0;
      const DILocation *L = CB.getDebugLoc();
      if (!L || L->getLine() != P.Line)
        return 0;
      return (P.Column != 0 && L->getColumn() == P.Column) ? 2 : 1;
    };
    // The call the bracket is anchored on: the coroutine call, or for a
    // deferred (function-object) spawn the spawn call itself.
    StringRef Anchor = S->Deferred ? S->SpawnCallee : S->CoroutineCallee;
    const SourcePoint &AnchorPt =
        S->Deferred ? S->SpawnPoint : S->CoroutineCallPoint;
    CallBase *Best = nullptr;
    int BestScore = 0;
    for (Instruction &I : instructions(F))
      if (auto *CB = dyn_cast<CallBase>(&I)) {
        if (Taken.count(CB))
          continue;
        int Score = Matches(*CB, Anchor, AnchorPt);
        if (Score > BestScore) {
          Best = CB;
          BestScore = Score;
        }
      }
    if (!Best) {
      NotInstrumented("no call to '" + readableName(Anchor) + "' at line " +
                      Twine(AnchorPt.Line));
      continue;
    }
    if (S->Deferred) {
      Taken.insert(Best);
      Plans.push_back({S, Best, Best, spawnExpressionStart(Best, *S)});
      continue;
    }
    if (InitAfter && !DT.dominates(InitAfter, Best)) {
      NotInstrumented("the coroutine call is not dominated by llvm.coro.begin");
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
        int Score = Matches(*CB, S->SpawnCallee, S->SpawnPoint);
        if (Score > SpawnScore) {
          SpawnCall = CB;
          SpawnScore = Score;
        }
      }
    Taken.insert(Best);
    Plans.push_back({S, Best, SpawnCall, spawnExpressionStart(Best, *S)});
  }
  if (Plans.empty())
    return false;

  // Slot, initialised to MEMSCOPE_NO_CONTEXT.
  AllocaInst *Slot = entryAlloca(F, "ms.spawn");
  Constant *NoContext = ConstantInt::get(I64, MEMSCOPE_NO_CONTEXT);
  IRBuilder<> B(C);
  Instruction *InitStore;
  if (InitAfter) {
    B.SetInsertPoint(InitAfter->getNextNode());
    InitStore = B.CreateStore(NoContext, Slot);
  } else {
    BasicBlock &Entry = F.getEntryBlock();
    BasicBlock::iterator IP = Entry.getFirstInsertionPt();
    while (isa<AllocaInst>(*IP))
      ++IP;
    B.SetInsertPoint(&Entry, IP);
    InitStore = B.CreateStore(NoContext, Slot);
  }

  auto EmitEnd = [&](Instruction *Before) {
    B.SetInsertPoint(Before);
    B.SetCurrentDebugLocation(locationNear(Before, F));
    B.CreateCall(spawnEnd(), {B.CreateLoad(I64, Slot, "ms.spawn.v")});
    B.CreateStore(NoContext, Slot);
  };

  // Landing pads first (before we add blocks): every pad the init dominates.
  SmallVector<Instruction *, 8> PadPoints;
  for (BasicBlock &BB : F)
    if (BB.isLandingPad() && !OwnPads.count(&BB) &&
        DT.dominates(InitStore->getParent(), &BB))
      PadPoints.push_back(&*BB.getFirstInsertionPt());

  for (const Plan &P : Plans) {
    GlobalVariable *Site = Sites.spawnSite(
        P.Facts->SpawnPoint, readableName(F.getName()),
        static_cast<unsigned>(P.Facts->Type), P.Facts->TypeIsExplicit,
        P.Facts->Deferred);
    B.SetInsertPoint(P.Start);
    B.SetCurrentDebugLocation(locationNear(P.CoroCall, F));
    B.CreateStore(B.CreateCall(spawnBegin(), {Site}, "ms.spawn.ctx"), Slot);
    CallBase *After = P.SpawnCall ? P.SpawnCall : P.CoroCall;
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
  return true;
}

//===----------------------------------------------------------------------===//
// Allocation sites
//===----------------------------------------------------------------------===//

SourcePoint ModuleInstrumenter::pointOfCall(const Instruction &I,
                                            const Function &F) const {
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

// Marks the global operator new calls of a user function with their site;
// LateInstrumentationPass rewrites those that survive optimisation.
bool ModuleInstrumenter::markAllocations(Function &F) {
  std::string FnName = siteFunctionName(F);
  unsigned Kind = C.getMDKindID(SiteMetadataKind);
  Type *I32 = Type::getInt32Ty(C);
  bool Changed = false;
  for (Instruction &I : instructions(F)) {
    auto *CB = dyn_cast<CallBase>(&I);
    if (!CB || FrameAllocs.count(CB) || isa<CallBrInst>(CB))
      continue;
    Function *Callee = CB->getCalledFunction();
    if (!Callee || !newFormOf(Callee->getName()))
      continue;
    SourcePoint P = pointOfCall(*CB, F);
    Metadata *Ops[] = {
        MDString::get(C, P.File),
        ConstantAsMetadata::get(ConstantInt::get(I32, P.Line)),
        ConstantAsMetadata::get(ConstantInt::get(I32, P.Column)),
        MDString::get(C, FnName)};
    CB->setMetadata(Kind, MDNode::get(C, Ops));
    Changed = true;
  }
  return Changed;
}

//===----------------------------------------------------------------------===//
// Library call sites
//===----------------------------------------------------------------------===//

// Brackets every call of F (user code) into library code that may allocate.
// Not bracketed: calls into user code (it brackets its own calls, and its
// `new`s carry their own sites), intrinsics, calls that never return or are
// known not to allocate, indirect calls (their target is usually user code:
// documented), the frame allocation, calls inside a spawn expression (what
// those allocate is the spawn's, at the spawn site), memscope's own API,
// co_await's await_ready/await_resume, and calls with no user line.
bool ModuleInstrumenter::bracketLibraryCalls(
    Function &F, const AllocationReach &Reach,
    ArrayRef<const SpawnCallFacts *> Spawns) {
  if (const DISubprogram *SP = F.getSubprogram())
    if (isMemscopeHeader(fullPath(SP->getDirectory(), SP->getFilename())))
      return false;
  SmallVector<CallBase *, 16> Calls;
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
    if ((!Callee->isDeclaration() && isUserFunction(*Callee)) ||
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
    Calls.push_back(CB);
  }
  if (Calls.empty())
    return false;

  std::string FnName = siteFunctionName(F);
  Constant *NoContext = ConstantInt::get(I64, MEMSCOPE_NO_CONTEXT);
  // Unwind edges: the saved context of each bracketed invoke, by its pad.
  MapVector<BasicBlock *, SmallDenseMap<BasicBlock *, Value *, 4>> PadSaves;
  IRBuilder<> B(C);
  for (CallBase *CB : Calls) {
    GlobalVariable *Site = Sites.allocSite(pointOfCall(*CB, F), FnName);
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
  return true;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

bool ModuleInstrumenter::run() {
  Triple T(M.getTargetTriple());
  if (!T.isOSBinFormatELF()) {
    remark(SourcePoint(), "module not instrumented: skipped: only ELF targets "
                          "are supported");
    return false;
  }
  bool Changed = false;

  SmallVector<Function *, 64> Work;
  for (Function &F : M)
    if (!F.isDeclaration() && !F.getName().starts_with("__memscope_"))
      Work.push_back(&F);

  // 1. Coroutines.
  for (Function *F : Work)
    if (F->isPresplitCoroutine())
      collectFrameAllocations(*F, FrameAllocs);
  for (Function *F : Work)
    // A synchronous generator is user code (its new expressions keep
    // their sites) but gets no context hooks: it runs in whoever resumes
    // it, and coroutine elision still applies.
    if (F->isPresplitCoroutine() && isUserFunction(*F) && !isGenerator(*F))
      Changed |= instrumentCoroutine(*F);

  // 2. Spawn call sites.
  MapVector<Function *, SmallVector<const SpawnCallFacts *, 2>> SpawnsByFn;
  for (const SpawnCallFacts &S : Facts.Spawns) {
    Function *F = M.getFunction(S.CallerMangledName);
    if (!F || F->isDeclaration())
      continue;
    SpawnsByFn[F].push_back(&S);
  }
  for (auto &[F, Spawns] : SpawnsByFn)
    Changed |= instrumentSpawns(*F, Spawns);

  // 3. Library call sites in user code (the hooks added above are known
  // not to allocate).
  {
    AllocationReach Reach(M);
    for (Function *F : Work)
      if (isUserFunction(*F)) {
        auto It = SpawnsByFn.find(F);
        ArrayRef<const SpawnCallFacts *> Spawns;
        if (It != SpawnsByFn.end())
          Spawns = It->second;
        Changed |= bracketLibraryCalls(*F, Reach, Spawns);
      }
  }

  // 4. Allocation sites in user code: marked now, rewritten at the end.
  for (Function *F : Work)
    if (isUserFunction(*F))
      Changed |= markAllocations(*F);

  Sites.finish();

  // Cheap insurance for development and the test suite.
  if (Changed && std::getenv("MEMSCOPE_VERIFY_IR")) {
    std::string Err;
    raw_string_ostream OS(Err);
    if (verifyModule(M, &OS))
      report_fatal_error(Twine("memscope: instrumented IR is invalid: ") +
                         OS.str());
  }
  return Changed;
}

} // namespace

PreservedAnalyses InstrumentationPass::run(Module &M, ModuleAnalysisManager &) {
  static const ModuleFacts NoFacts;
  ModuleInstrumenter MI(M, Facts ? *Facts : NoFacts, Remarks.get());
  return MI.run() ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace memscope
