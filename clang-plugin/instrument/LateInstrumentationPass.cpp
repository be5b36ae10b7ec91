//===- LateInstrumentationPass.cpp - memscope's end-of-pipeline half ------===//
//
// See LateInstrumentationPass.h. Runs after inlining, CoroSplit and dead-code
// elimination, so what it sees is what the program will execute: a marked
// new that is still here allocates in the plain build too.
//
//===----------------------------------------------------------------------===//
#include "LateInstrumentationPass.h"
#include "AllocationReach.h"
#include "InlineHooks.h"
#include "SiteTable.h"

#include "memscope/abi.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Local.h"

#include <optional>

#define DEBUG_TYPE "memscope"

using namespace llvm;

STATISTIC(NumNewsRewritten, "Marked operator new calls made __memscope_new*");
STATISTIC(NumBracketsDropped, "Library call brackets left empty and dropped");
STATISTIC(NumBracketEntersSunk,
          "Library call bracket enters moved past a branch onto the edges "
          "that may allocate");
STATISTIC(NumIdleExitsDropped,
          "Library call bracket exits that no moved enter reaches, dropped");
STATISTIC(NumIdleResumesDropped,
          "Resume/suspend pairs with nothing to attribute between, dropped");
STATISTIC(NumIdleSlices,
          "Resume/suspend pairs with nothing to attribute between, made the "
          "idle hooks");

static cl::opt<bool> SinkBracketEnters(
    "memscope-sink-bracket-enters",
    cl::desc("Move a library call bracket's enter past a branch onto the "
             "edges that may allocate"),
    cl::init(true), cl::Hidden);

namespace memscope {

namespace {
constexpr NewForm NewForms[] = {
    {"_Znwm", "__memscope_new", false, false},
    {"_Znam", "__memscope_new_array", false, false},
    {"_ZnwmRKSt9nothrow_t", "__memscope_new_nothrow", false, true},
    {"_ZnamRKSt9nothrow_t", "__memscope_new_array_nothrow", false, true},
    {"_ZnwmSt11align_val_t", "__memscope_new_aligned", true, false},
    {"_ZnamSt11align_val_t", "__memscope_new_array_aligned", true, false},
    {"_ZnwmSt11align_val_tRKSt9nothrow_t", "__memscope_new_aligned_nothrow",
     true, true},
    {"_ZnamSt11align_val_tRKSt9nothrow_t",
     "__memscope_new_array_aligned_nothrow", true, true},
};
} // namespace

const NewForm *newFormOf(StringRef Name) {
  for (const NewForm &NF : NewForms)
    if (Name == NF.Mangled)
      return &NF;
  return nullptr;
}

namespace {

struct MarkedSite {
  SourcePoint Point;
  std::string Function;
};

std::optional<MarkedSite> readMark(const MDNode *MD) {
  if (!MD || MD->getNumOperands() != 4)
    return std::nullopt;
  auto *File = dyn_cast<MDString>(MD->getOperand(0));
  auto *Line = mdconst::dyn_extract<ConstantInt>(MD->getOperand(1));
  auto *Col = mdconst::dyn_extract<ConstantInt>(MD->getOperand(2));
  auto *Fn = dyn_cast<MDString>(MD->getOperand(3));
  if (!File || !Line || !Col || !Fn)
    return std::nullopt;
  MarkedSite S;
  S.Point.File = File->getString().str();
  S.Point.Line = static_cast<unsigned>(Line->getZExtValue());
  S.Point.Column = static_cast<unsigned>(Col->getZExtValue());
  S.Function = Fn->getString().str();
  return S;
}

// Replaces one marked operator new call by its __memscope_new* form.
void rewriteNew(Module &M, SiteTable &Sites, CallBase *CB, const NewForm &NF,
                const MarkedSite &S) {
  LLVMContext &C = M.getContext();
  Type *Ptr = PointerType::getUnqual(C);
  GlobalVariable *Site = Sites.allocSite(S.Point, S.Function);
  SmallVector<Type *, 3> Params{CB->getArgOperand(0)->getType()};
  SmallVector<Value *, 3> Args{CB->getArgOperand(0)};
  if (NF.Aligned) {
    Params.push_back(CB->getArgOperand(1)->getType());
    Args.push_back(CB->getArgOperand(1));
  }
  Params.push_back(Ptr);
  Args.push_back(Site);
  FunctionCallee Hook = M.getOrInsertFunction(
      NF.Hook, FunctionType::get(CB->getType(), Params, false));
  if (auto *Fn = dyn_cast<Function>(Hook.getCallee()))
    if (NF.Nothrow)
      Fn->addFnAttr(Attribute::NoUnwind);

  // Attributes: the call's function and return attributes (minus `builtin`:
  // ours is an ordinary function), the size/alignment parameter attributes;
  // none for the dropped nothrow_t argument.
  AttributeList Old = CB->getAttributes();
  AttrBuilder FnAttrs(C, Old.getFnAttrs());
  FnAttrs.removeAttribute(Attribute::Builtin);
  SmallVector<AttributeSet, 3> ParamAttrs{Old.getParamAttrs(0)};
  if (NF.Aligned)
    ParamAttrs.push_back(Old.getParamAttrs(1));
  ParamAttrs.push_back(AttributeSet());
  AttributeList New = AttributeList::get(C, AttributeSet::get(C, FnAttrs),
                                         Old.getRetAttrs(), ParamAttrs);

  IRBuilder<> B(CB);
  CallBase *NewCall;
  if (auto *Inv = dyn_cast<InvokeInst>(CB))
    NewCall =
        B.CreateInvoke(Hook, Inv->getNormalDest(), Inv->getUnwindDest(), Args);
  else {
    auto *CI = B.CreateCall(Hook, Args);
    CI->setTailCallKind(cast<CallInst>(CB)->getTailCallKind());
    NewCall = CI;
  }
  NewCall->setAttributes(New);
  NewCall->setCallingConv(CB->getCallingConv());
  NewCall->copyMetadata(*CB);
  NewCall->setMetadata(SiteMetadataKind, nullptr);
  NewCall->takeName(CB);
  CB->replaceAllUsesWith(NewCall);
  CB->eraseFromParent();
}

bool isCallTo(const Instruction &I, StringRef Name) {
  if (const auto *CB = dyn_cast<CallBase>(&I))
    if (const Function *Fn = CB->getCalledFunction())
      return Fn->getName() == Name;
  return false;
}

// Whether a call left between a bracket's enter and exit may still
// allocate, now that inlining and attribute inference have run.
bool mayAllocate(const CallBase &CB, const AllocationReach &Reach) {
  if (isa<IntrinsicInst>(CB) || CB.isInlineAsm())
    return false;
  const auto *Callee =
      dyn_cast<Function>(CB.getCalledOperand()->stripPointerCasts());
  return !Callee || Reach.mayAllocate(*Callee);
}

// Where a path walk goes after an instruction: on, the end of this path,
// or the end of the whole walk.
enum class Step { On, EndPath, EndWalk };

// Visits the instructions of every path from `Start` in order, each block
// at most once, until `Visit` ends the path or the walk; false if it ended
// the walk.
template <class VisitFn> bool walkPaths(Instruction *Start, VisitFn Visit) {
  SmallPtrSet<const BasicBlock *, 8> Visited;
  SmallVector<Instruction *, 8> Work{Start};
  while (!Work.empty())
    for (Instruction *I = Work.pop_back_val(); I; I = I->getNextNode()) {
      const Step S = Visit(*I);
      if (S == Step::EndWalk)
        return false;
      if (S == Step::EndPath)
        break;
      if (I->isTerminator())
        for (BasicBlock *Succ : successors(I->getParent()))
          if (Visited.insert(Succ).second)
            Work.push_back(&Succ->front());
    }
  return true;
}

// A call that a path with nothing to attribute may not contain: one of
// memscope's hooks, or a call that may allocate.
bool hookOrMayAllocate(const CallBase &CB, const AllocationReach &Reach) {
  const Function *Callee = CB.getCalledFunction();
  return (Callee && Callee->getName().starts_with("__memscope_")) ||
         mayAllocate(CB, Reach);
}

// Whether every path from `Start` reaches one of `Ends` (each path its own
// first end, recorded in `Seen`; none returns or unwinds before one) with
// no call on the way for which `Stops` holds.
template <class StopsFn>
bool idlePathsFrom(Instruction *Start,
                   const SmallPtrSetImpl<Instruction *> &Ends, StopsFn Stops,
                   SmallPtrSetImpl<Instruction *> &Seen) {
  return walkPaths(Start, [&](Instruction &I) {
    if (Ends.contains(&I)) {
      Seen.insert(&I);
      return Step::EndPath;
    }
    if (const auto *CB = dyn_cast<CallBase>(&I); CB && Stops(*CB))
      return Step::EndWalk; // an invoke among them
    if (I.isTerminator() && I.getNumSuccessors() == 0)
      return Step::EndWalk; // a path that leaves without an end
    return Step::On;
  });
}

// The same from a hook `Open`, and every end is reached so. What the two
// droppings below ask of the code between a hook and its closing hooks.
template <class StopsFn>
bool onlyIdlePathsTo(Instruction *Open,
                     const SmallPtrSetImpl<Instruction *> &Ends,
                     StopsFn Stops) {
  SmallPtrSet<Instruction *, 4> Seen;
  return idlePathsFrom(Open->getNextNode(), Ends, Stops, Seen) &&
         Seen.size() == Ends.size();
}

// A bracket whose exits every path from it reaches with no call that may
// allocate in between (inlining and DCE emptied it, or what is left is
// known not to allocate) brackets nothing: drop it.
bool dropEmptyBracket(CallInst *Enter, const AllocationReach &Reach) {
  SmallPtrSet<Instruction *, 2> Exits;
  for (User *U : Enter->users()) {
    auto *I = dyn_cast<Instruction>(U);
    if (!I || !isCallTo(*I, "__memscope_call_exit"))
      return false;
    Exits.insert(I);
  }
  if (!onlyIdlePathsTo(Enter, Exits, [&](const CallBase &CB) {
        return isCallTo(CB, "__memscope_call_enter") || mayAllocate(CB, Reach);
      }))
    return false;
  for (Instruction *I : Exits)
    I->eraseFromParent();
  Enter->eraseFromParent();
  return true;
}

// The call_exits that restore what `Enter` saved, directly or through phis;
// false if the saved context goes anywhere else.
bool exitsOf(CallInst *Enter, SmallPtrSetImpl<Instruction *> &Exits) {
  SmallPtrSet<PHINode *, 4> Phis;
  SmallVector<Value *, 4> Work{Enter};
  while (!Work.empty()) {
    Value *V = Work.pop_back_val();
    for (User *U : V->users()) {
      if (auto *Phi = dyn_cast<PHINode>(U)) {
        if (Phis.insert(Phi).second)
          Work.push_back(Phi);
        continue;
      }
      auto *I = dyn_cast<Instruction>(U);
      if (!I || !isCallTo(*I, "__memscope_call_exit"))
        return false;
      Exits.insert(I);
    }
  }
  return true;
}

// A bracket opened right before a branch whose hot side reaches the exits
// with nothing that may allocate (an inlined library function that
// allocates only on a cold path, as std::vector's growth or
// benchmark::State's loop end): the enter moves onto the edges that may
// allocate, and the exits restore the context as it was at the branch,
// which is what the enter would have returned. Attribution is the same:
// every call that may allocate still runs with the bracket's site.
struct SunkBracket {
  SmallPtrSet<Instruction *, 4> Exits; // what restores the saved context
  SmallVector<CallInst *, 2> Copies;   // the enters on the edges
  Value *Saved = nullptr;              // the word loaded where it was
};

std::optional<SunkBracket> sinkBracketEnter(CallInst *Enter,
                                            const AllocationReach &Reach) {
  if (!SinkBracketEnters)
    return std::nullopt;
  BasicBlock *BB = Enter->getParent();
  Instruction *T = BB->getTerminator();
  if (!(isa<BranchInst>(T) || isa<SwitchInst>(T)) || T->getNumSuccessors() < 2)
    return std::nullopt;
  auto Stops = [&](const CallBase &CB) { return hookOrMayAllocate(CB, Reach); };
  for (Instruction *I = Enter->getNextNode(); I != T; I = I->getNextNode())
    if (const auto *CB = dyn_cast<CallBase>(I); CB && Stops(*CB))
      return std::nullopt;
  SunkBracket Sunk;
  if (!exitsOf(Enter, Sunk.Exits) || Sunk.Exits.empty())
    return std::nullopt;
  SmallSetVector<BasicBlock *, 4> Busy;
  bool AnyIdle = false;
  for (BasicBlock *S : successors(BB)) {
    SmallPtrSet<Instruction *, 4> Seen;
    if (S != BB && idlePathsFrom(&S->front(), Sunk.Exits, Stops, Seen))
      AnyIdle = true;
    else
      Busy.insert(S);
  }
  if (!AnyIdle)
    return std::nullopt;
  Value *Old = loadContextWord(Enter);
  if (!Old)
    return std::nullopt; // hooks not inline: the exits need a call's result
  for (BasicBlock *S : Busy) {
    BasicBlock *At = S->getSinglePredecessor() == BB ? S : SplitEdge(BB, S);
    auto *Copy = cast<CallInst>(Enter->clone());
    Copy->insertBefore(&*At->getFirstInsertionPt());
    Sunk.Copies.push_back(Copy);
  }
  // What the copies return is the same word as `Old`: nothing between the
  // branch and them changes it.
  Enter->replaceAllUsesWith(Old);
  Enter->eraseFromParent();
  Sunk.Saved = Old;
  return Sunk;
}

// Whether a path from `From` reaches `To` before one of `Stops`.
bool reachesBefore(Instruction *From, Instruction *To,
                   const SmallPtrSetImpl<Instruction *> &Stops) {
  return !walkPaths(From->getNextNode(), [&](Instruction &I) {
    if (&I == To)
      return Step::EndWalk;
    return Stops.contains(&I) ? Step::EndPath : Step::On;
  });
}

// After the enters have moved: an exit that restores only the words loaded
// where moved enters were (no enter's result, nothing else) and that no
// moved enter reaches before another of its exits puts back the word as it
// is: it goes.
unsigned dropIdleExits(ArrayRef<SunkBracket> Sunk) {
  DenseMap<Instruction *, SmallVector<const SunkBracket *, 2>> Families;
  SmallPtrSet<Value *, 8> Loaded;
  for (const SunkBracket &S : Sunk) {
    Loaded.insert(S.Saved);
    for (Instruction *X : S.Exits)
      Families[X].push_back(&S);
  }
  auto OnlyLoaded = [&](Value *Saved) {
    SmallPtrSet<PHINode *, 4> Phis;
    SmallVector<Value *, 4> Work{Saved};
    while (!Work.empty()) {
      Value *V = Work.pop_back_val();
      if (auto *Phi = dyn_cast<PHINode>(V)) {
        if (Phis.insert(Phi).second)
          append_range(Work, Phi->incoming_values());
      } else if (!Loaded.contains(V)) {
        return false;
      }
    }
    return true;
  };
  SmallVector<Instruction *, 4> Idle;
  for (auto &[X, Of] : Families) {
    if (!OnlyLoaded(cast<CallInst>(X)->getArgOperand(0)))
      continue;
    if (none_of(Of, [X = X](const SunkBracket *S) {
          return any_of(S->Copies, [&](CallInst *C) {
            return reachesBefore(C, X, S->Exits);
          });
        }))
      Idle.push_back(X);
  }
  for (Instruction *X : Idle) {
    Value *Saved = cast<CallInst>(X)->getArgOperand(0);
    X->eraseFromParent();
    if (auto *Phi = dyn_cast<PHINode>(Saved))
      RecursivelyDeleteDeadPHINode(Phi);
    else
      RecursivelyDeleteTriviallyDeadInstructions(Saved);
  }
  return Idle.size();
}

// A __memscope_resume whose context is used only by __memscope_suspend
// calls (and stores: a spill into the coroutine frame), where every path
// from the resume reaches one of them (and nothing else: no return, no
// second suspend) with no call on the way that may allocate or that is
// memscope's: the run slice between attributes nothing. Fills `Suspends`;
// `Stored` says whether the context is spilled too.
bool idleSlice(CallInst *Resume, const AllocationReach &Reach,
               SmallPtrSetImpl<Instruction *> &Suspends, bool &Stored) {
  Stored = false;
  for (User *U : Resume->users()) {
    auto *I = dyn_cast<Instruction>(U);
    if (auto *St = dyn_cast_or_null<StoreInst>(I);
        St && St->getValueOperand() == Resume && !St->isVolatile()) {
      Stored = true;
      continue;
    }
    if (!I || !isCallTo(*I, "__memscope_suspend") ||
        cast<CallBase>(I)->getArgOperand(0) != Resume)
      return false;
    Suspends.insert(I);
  }
  return !Suspends.empty() &&
         onlyIdlePathsTo(Resume, Suspends, [&](const CallBase &CB) {
           return hookOrMayAllocate(CB, Reach);
         });
}

// In a coroutine's destroy or cleanup clone (CoroSplit's .destroy and
// .cleanup), an idle slice's hooks go: the destroy runs the frame's
// cleanups (a few frees, credited to whoever allocated, whatever the
// context), and the suspends put the context back as it was, so most
// coroutine destroys (every awaited child's) switch no context at all. A
// spill of the context then stores the context word as it is, what the
// resume would have returned.
// Not in resume clones: there a resume may be a task switch whose run slice
// is busy time and a resume count, allocating or not (DESIGN.md §7). There
// the pair becomes the idle hooks instead (abi.h), whose inline paths leave
// the context word alone unless the task changes, and whose calls save
// every register they use: a child that only computes its result keeps its
// registers and writes nothing.
// Destroy code, also where the inliner has taken a destroy clone into its
// caller (a coroutine created, run and destroyed in one function): the hook
// of a destroy edge has a name of its own (abi.h).
bool inDestroyCode(const CallInst &Resume) {
  const Function &F = *Resume.getFunction();
  return F.getName().ends_with(".destroy") ||
         F.getName().ends_with(".cleanup") ||
         isCallTo(Resume, "__memscope_resume_destroy");
}

// The idle pair's declarations, with the calling convention abi.h gives
// them (MEMSCOPE_SAVES_REGISTERS).
FunctionCallee idleHook(Module &M, StringRef Name, Type *Ret) {
  LLVMContext &C = M.getContext();
  FunctionCallee FC = M.getOrInsertFunction(
      Name, FunctionType::get(Ret, {Type::getInt64Ty(C)}, false));
  if (auto *Fn = dyn_cast<Function>(FC.getCallee())) {
    Fn->addFnAttr(Attribute::NoUnwind);
    if (Triple(M.getTargetTriple()).getArch() == Triple::x86_64)
      Fn->setCallingConv(CallingConv::PreserveMost);
  }
  return FC;
}

void retarget(CallInst *CI, FunctionCallee To) {
  CI->setCalledFunction(To);
  if (auto *Fn = dyn_cast<Function>(To.getCallee()))
    CI->setCallingConv(Fn->getCallingConv());
}

enum class IdleResult { None, Dropped, Idle };

IdleResult rewriteIdleSlice(CallInst *Resume, const AllocationReach &Reach) {
  SmallPtrSet<Instruction *, 4> Suspends;
  bool Stored;
  if (!idleSlice(Resume, Reach, Suspends, Stored))
    return IdleResult::None;
  Module &M = *Resume->getModule();
  if (!inDestroyCode(*Resume)) {
    LLVMContext &C = M.getContext();
    retarget(Resume,
             idleHook(M, "__memscope_resume_idle", Type::getInt64Ty(C)));
    FunctionCallee Suspend =
        idleHook(M, "__memscope_suspend_idle", Type::getVoidTy(C));
    for (Instruction *I : Suspends)
      retarget(cast<CallInst>(I), Suspend);
    return IdleResult::Idle;
  }
  Value *Context = nullptr;
  if (Stored && !(Context = loadContextWord(Resume)))
    return IdleResult::None;
  for (Instruction *I : Suspends)
    I->eraseFromParent();
  if (Context)
    Resume->replaceAllUsesWith(Context);
  Resume->eraseFromParent();
  return IdleResult::Dropped;
}

} // namespace

PreservedAnalyses LateInstrumentationPass::run(Module &M,
                                               ModuleAnalysisManager &) {
  unsigned Kind = M.getContext().getMDKindID(SiteMetadataKind);
  SmallVector<std::tuple<CallBase *, const NewForm *, MarkedSite>, 16> News;
  SmallVector<CallInst *, 32> Enters;
  SmallVector<CallInst *, 32> Resumes;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      if (!CB)
        continue;
      Function *Callee = CB->getCalledFunction();
      if (!Callee)
        continue;
      if (Callee->getName() == "__memscope_call_enter") {
        if (auto *CI = dyn_cast<CallInst>(CB))
          Enters.push_back(CI);
        continue;
      }
      if (Callee->getName() == "__memscope_resume" ||
          Callee->getName() == "__memscope_resume_destroy") {
        if (auto *CI = dyn_cast<CallInst>(CB))
          Resumes.push_back(CI);
        continue;
      }
      const MDNode *MD = CB->getMetadata(Kind);
      if (!MD)
        continue;
      const NewForm *NF = newFormOf(Callee->getName());
      std::optional<MarkedSite> S = readMark(MD);
      unsigned Want = NF ? 1 + NF->Aligned + NF->Nothrow : 0;
      if (!NF || !S || isa<CallBrInst>(CB) ||
          CB->getFunctionType() != Callee->getFunctionType() ||
          CB->arg_size() != Want || !CB->getType()->isPointerTy() ||
          !CB->getArgOperand(0)->getType()->isIntegerTy()) {
        CB->setMetadata(Kind, nullptr); // stays a plain operator new
        continue;
      }
      News.emplace_back(CB, NF, std::move(*S));
    }
  }
  bool Changed = false;
  if (!Enters.empty() || !Resumes.empty()) {
    AllocationReach Reach(M);
    SmallVector<CallInst *, 32> Kept;
    for (CallInst *E : Enters)
      if (dropEmptyBracket(E, Reach)) {
        ++NumBracketsDropped;
        Changed = true;
      } else {
        Kept.push_back(E);
      }
    SmallVector<SunkBracket, 8> Sunk;
    for (CallInst *E : Kept)
      if (auto S = sinkBracketEnter(E, Reach)) {
        ++NumBracketEntersSunk;
        Changed = true;
        Sunk.push_back(std::move(*S));
      }
    NumIdleExitsDropped += dropIdleExits(Sunk);
    for (CallInst *R : Resumes)
      switch (rewriteIdleSlice(R, Reach)) {
      case IdleResult::None:
        break;
      case IdleResult::Dropped:
        ++NumIdleResumesDropped;
        Changed = true;
        break;
      case IdleResult::Idle:
        ++NumIdleSlices;
        Changed = true;
        break;
      }
  }
  if (!News.empty()) {
    SiteTable Sites(M);
    for (auto &[CB, NF, S] : News)
      rewriteNew(M, Sites, CB, *NF, S);
    NumNewsRewritten += News.size();
    Sites.finish();
    Changed = true;
  }
  // Last: the brackets dropped above need no inline code.
  if (expandInlineHooks(M) != 0)
    Changed = true;
  return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace memscope
