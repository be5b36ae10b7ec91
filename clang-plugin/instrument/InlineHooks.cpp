//===- InlineHooks.cpp - The hooks' common paths, inline ------------------===//
//
// See InlineHooks.h. Each rewrite does, on the context word, exactly what
// the hook does on its common path (abi.h, "Inline fast paths") and keeps
// the call for the other path, which finds the word as the hook would have
// (the inline path writes it only where its test passed), and the new code
// is its test plus one unlikely branch to the call.
//
//===----------------------------------------------------------------------===//
#include "InlineHooks.h"

#include "FrameAddressSinking.h"

#include "memscope/abi.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#define DEBUG_TYPE "memscope"

using namespace llvm;

STATISTIC(NumHooksInlined, "Hook calls given an inline common path");
STATISTIC(NumIdlePairsSplit,
          "Idle slices duplicated so that their fast path has no suspend test");

static cl::opt<bool>
    InlineHooks("memscope-inline-hooks",
                cl::desc("Take the common paths of the resume, suspend and "
                         "library call hooks inline (abi.h)"),
                cl::init(true), cl::Hidden);

namespace memscope {

namespace {

enum class Hook {
  Resume,
  Suspend,
  ResumeIdle,
  SuspendIdle,
  RampEnter,
  FrameBegin,
  FrameEnd,
  CallEnter,
  CallExit
};

std::optional<Hook> hookOf(StringRef Name) {
  static constexpr std::pair<StringLiteral, Hook> Hooks[] = {
      {"__memscope_resume", Hook::Resume},
      {"__memscope_resume_destroy", Hook::Resume},
      {"__memscope_suspend", Hook::Suspend},
      {"__memscope_resume_idle", Hook::ResumeIdle},
      {"__memscope_suspend_idle", Hook::SuspendIdle},
      {"__memscope_ramp_enter", Hook::RampEnter},
      {"__memscope_frame_begin", Hook::FrameBegin},
      {"__memscope_frame_end", Hook::FrameEnd},
      {"__memscope_call_enter", Hook::CallEnter},
      {"__memscope_call_exit", Hook::CallExit},
  };
  for (const auto &[HookName, H] : Hooks)
    if (Name == HookName)
      return H;
  return std::nullopt;
}

class Expander {
public:
  explicit Expander(Module &M)
      : M(M), C(M.getContext()), I32(Type::getInt32Ty(C)),
        I64(Type::getInt64Ty(C)), Ptr(PointerType::getUnqual(C)) {}

  bool expand(CallInst *CI, Hook H);
  void expandIdlePair(CallInst *Resume, CallInst *Suspend);
  Value *load(Instruction *Before) {
    IRBuilder<> B(Before);
    return B.CreateAlignedLoad(I64, B.CreateThreadLocalAddress(contextWord()),
                               Align(8), "ms.ctx");
  }

private:
  GlobalVariable *contextWord();
  Value *slotOf(IRBuilder<> &B, Value *Context) {
    return B.CreateTrunc(Context, I32, "ms.slot");
  }
  // The call of the hook, only where `Fast` is false.
  void callOnlyIfNot(Value *Fast, CallInst *CI);
  // memscope_site::index, the last of its six i32 fields (relaxed, as the
  // runtime reads it), and whether it is a registered one.
  Value *siteIndex(IRBuilder<> &B, Value *Site) {
    Type *SiteTy =
        StructType::get(C, {Ptr, Ptr, Ptr, I32, I32, I32, I32, I32, I32});
    LoadInst *Index = B.CreateAlignedLoad(
        I32, B.CreateStructGEP(SiteTy, Site, 8, "ms.site.index.at"), Align(4),
        "ms.site.index");
    Index->setAtomic(AtomicOrdering::Monotonic);
    return Index;
  }
  // The runtime stores only indices below MEMSCOPE_MAX_SITES (abi.h), so
  // one compare with 0 says both.
  Value *registered(IRBuilder<> &B, Value *Index) {
    return B.CreateICmpNE(Index, ConstantInt::get(I32, 0),
                          "ms.site.registered");
  }
  // A binding without its root bit. On x86-64 one `btr`: the mask is a
  // 64-bit immediate, which `and` cannot take, so LLVM materialises it in a
  // register of its own (a `movabs` and one more live value in every
  // resume clone).
  Value *withoutRootBit(IRBuilder<> &B, Value *Binding) {
    if (Triple(M.getTargetTriple()).getArch() == Triple::x86_64) {
      InlineAsm *Btr = InlineAsm::get(FunctionType::get(I64, {I64}, false),
                                      "btrq $$63, $0", "=r,0,~{flags}",
                                      /*hasSideEffects=*/false);
      CallInst *Cleared = B.CreateCall(Btr, {Binding}, "ms.binding.noroot");
      // As pure as the `and` it replaces: codegen need not order it
      // against the loads and stores around it.
      Cleared->setDoesNotAccessMemory();
      Cleared->setDoesNotThrow();
      return Cleared;
    }
    return B.CreateAnd(Binding, ConstantInt::get(I64, ~(1ull << 63)),
                       "ms.binding.noroot");
  }
  // The thread state's words, in abi.h's order (MEMSCOPE_STATE_*_OFFSET).
  enum class StateField {
    Context,
    RampSlot,
    Internal,
    BatchWord,
    BatchSize,
    BatchReuses
  };
  static_assert(MEMSCOPE_STATE_RAMP_SLOT_OFFSET == 8 &&
                    MEMSCOPE_STATE_INTERNAL_OFFSET == 12 &&
                    MEMSCOPE_STATE_BATCH_WORD_OFFSET == 16 &&
                    MEMSCOPE_STATE_BATCH_SIZE_OFFSET == 24 &&
                    MEMSCOPE_STATE_BATCH_REUSES_OFFSET == 32,
                "abi.h's offsets are stateType()'s natural layout");
  StructType *stateType() {
    return StructType::get(C, {I64, I32, I32, I64, I64, I64});
  }
  Value *stateWord(IRBuilder<> &B, Value *At, StateField Field) {
    return B.CreateStructGEP(stateType(), At, static_cast<unsigned>(Field));
  }
  // The context word with its site half set to a site's index.
  Value *withSite(IRBuilder<> &B, Value *Context, Value *Index,
                  const Twine &Name) {
    return B.CreateOr(
        B.CreateAnd(Context, ConstantInt::get(I64, 0xFFFFFFFFull)),
        B.CreateShl(B.CreateZExt(Index, I64), 32), Name);
  }
  LoadInst *loadState(IRBuilder<> &B, Value *At, StateField Field, Type *Ty,
                      const Twine &Name) {
    return B.CreateAlignedLoad(Ty, stateWord(B, At, Field),
                               Align(Ty == I64 ? 8 : 4), Name);
  }
  // Splits at CI: `Fast` runs the block the returned builder writes, the
  // call runs only otherwise.
  IRBuilder<> fastOrCall(Value *Fast, CallInst *CI) {
    Instruction *Then, *Else;
    MDNode *Likely = MDBuilder(C).createBranchWeights(1 << 20, 1);
    SplitBlockAndInsertIfThenElse(Fast, CI->getIterator(), &Then, &Else,
                                  Likely);
    CI->moveBefore(Else);
    return IRBuilder<>(Then);
  }
  bool expandFrame(CallInst *CI, Hook H);

  // A coroutine site this module defines, without MEMSCOPE_FLAG_TASK_ROOT
  // (memscope_site::flags, its seventh field): its ramps may be children.
  static bool plainChildSite(Value *Site) {
    auto *GV = dyn_cast<GlobalVariable>(Site);
    if (!GV || !GV->hasDefinitiveInitializer())
      return false;
    Constant *Init = GV->getInitializer();
    auto *Ty = dyn_cast<StructType>(Init->getType());
    if (!Ty || Ty->getNumElements() != 9)
      return false;
    auto *Flags = dyn_cast_or_null<ConstantInt>(Init->getAggregateElement(6));
    return Flags && !(Flags->getZExtValue() & MEMSCOPE_FLAG_TASK_ROOT);
  }

  Module &M;
  LLVMContext &C;
  Type *I32, *I64, *Ptr;
  GlobalVariable *Word = nullptr;
};

GlobalVariable *Expander::contextWord() {
  if (Word)
    return Word;
  Word = M.getGlobalVariable(MEMSCOPE_CONTEXT_SYMBOL_NAME);
  // What abi.h says of the thread state: the context word, then ramp_slot,
  // internal and the frame batch's three words (MEMSCOPE_STATE_*_OFFSET).
  if (!Word)
    Word =
        new GlobalVariable(M, stateType(),
                           /*isConstant=*/false, GlobalValue::ExternalLinkage,
                           nullptr, MEMSCOPE_CONTEXT_SYMBOL_NAME, nullptr,
                           GlobalValue::InitialExecTLSModel);
  return Word;
}

void Expander::callOnlyIfNot(Value *Fast, CallInst *CI) {
  MDNode *Rare = MDBuilder(C).createBranchWeights(1, 1 << 20);
  IRBuilder<> B(CI);
  Value *Slow = B.CreateNot(Fast, "ms.slow");
  Instruction *Then = SplitBlockAndInsertIfThen(Slow, CI->getIterator(),
                                                /*Unreachable=*/false, Rare);
  CI->moveBefore(Then);
}

// The frame batch's two common paths (frame_batch.hpp): a frame that takes
// the ended batch frame's place, and the batch's frame ending.
bool Expander::expandFrame(CallInst *CI, Hook H) {
  const bool Begin = H == Hook::FrameBegin;
  if (CI->arg_size() != 2 ||
      CI->getArgOperand(0)->getType() != (Begin ? Ptr : I64) ||
      CI->getArgOperand(1)->getType() != I64 ||
      CI->getType() != (Begin ? I64 : Type::getVoidTy(C)))
    return false; // not the ABI's declaration: left as it is
  Value *Size = CI->getArgOperand(1);
  IRBuilder<> B(CI);
  Value *At = B.CreateThreadLocalAddress(contextWord());
  LoadInst *Internal =
      loadState(B, At, StateField::Internal, I32, "ms.internal");
  LoadInst *Word =
      loadState(B, At, StateField::BatchWord, I64, "ms.batch.word");
  // A heap frame of a size known here needs no size test (abi.h): the
  // binding's site is never 0 in a batch, and a site is one coroutine of one
  // module, all of whose heap frames have one size. Two instructions at
  // each end of every child frame.
  auto *KnownSize = dyn_cast<ConstantInt>(Size);
  Value *SameSize = nullptr; // null: no size test
  if (!KnownSize || (KnownSize->getZExtValue() & MEMSCOPE_FRAME_NOT_ON_HEAP))
    SameSize = B.CreateICmpEQ(
        Size, loadState(B, At, StateField::BatchSize, I64, "ms.batch.size"),
        "ms.batch.same.size");
  auto WithSize = [&](Value *Test, const Twine &Name) {
    return SameSize ? B.CreateAnd(Test, SameSize, Name) : Test;
  };
  if (!Begin) {
    Value *Fast = B.CreateAnd(
        WithSize(B.CreateICmpEQ(CI->getArgOperand(0), Word), ""),
        B.CreateICmpEQ(Internal, ConstantInt::get(I32, 0)), "ms.batch.ends");
    IRBuilder<> T = fastOrCall(Fast, CI);
    T.CreateAlignedStore(ConstantInt::get(I32, MEMSCOPE_VIRTUAL_FRAME),
                         stateWord(T, At, StateField::Internal), Align(4));
    return true;
  }
  LoadInst *Old = B.CreateAlignedLoad(I64, At, Align(8), "ms.ctx");
  Value *Fast = WithSize(
      B.CreateAnd(
          B.CreateICmpEQ(Internal,
                         ConstantInt::get(I32, MEMSCOPE_FRAME_WINDOW |
                                                   MEMSCOPE_VIRTUAL_FRAME)),
          B.CreateICmpEQ(Old, Word)),
      "ms.batch.reuse");
  IRBuilder<> T = fastOrCall(Fast, CI);
  T.CreateAlignedStore(ConstantInt::get(I32, 0),
                       stateWord(T, At, StateField::Internal), Align(4));
  Value *ReusesAt = stateWord(T, At, StateField::BatchReuses);
  T.CreateAlignedStore(T.CreateAdd(T.CreateAlignedLoad(I64, ReusesAt, Align(8)),
                                   ConstantInt::get(I64, 1)),
                       ReusesAt, Align(8));
  // The result: the context on the fast path, the hook's otherwise.
  BasicBlock *FastBB = T.GetInsertBlock();
  BasicBlock *Tail = CI->getParent()->getSingleSuccessor();
  IRBuilder<> J(&*Tail->getFirstInsertionPt());
  PHINode *Result = J.CreatePHI(I64, 2, "ms.frame.binding");
  CI->replaceAllUsesWith(Result);
  Result->addIncoming(Old, FastBB);
  Result->addIncoming(CI, CI->getParent());
  return true;
}

// The idle suspend that ends `Resume`'s slice in the same block (it
// restores the resume's result), with nothing between them that may not be
// duplicated; null if there is none.
CallInst *pairedSuspend(CallInst *Resume) {
  if (Resume->arg_size() != 1 || !Resume->getType()->isIntegerTy(64) ||
      !Resume->getArgOperand(0)->getType()->isIntegerTy(64))
    return nullptr;
  unsigned Budget = 64; // instructions between, past which it is not worth it
  for (Instruction *I = Resume->getNextNode(); I; I = I->getNextNode()) {
    if (auto *CI = dyn_cast<CallInst>(I)) {
      Function *Callee = CI->getCalledFunction();
      std::optional<Hook> H = Callee ? hookOf(Callee->getName()) : std::nullopt;
      if (H == Hook::SuspendIdle && CI->arg_size() == 1 &&
          CI->getArgOperand(0) == Resume && CI->getType()->isVoidTy() &&
          CI->getFunctionType() == Callee->getFunctionType())
        return CI;
      if (H || CI->cannotDuplicate() || CI->isConvergent() ||
          CI->isMustTailCall())
        return nullptr;
    }
    if (I->isTerminator() || I->isEHPad() || isa<AllocaInst>(I) ||
        I->getType()->isTokenTy())
      return nullptr;
    if (!I->isDebugOrPseudoInst() && --Budget == 0)
      return nullptr;
  }
  return nullptr;
}

// An idle slice that runs straight from its resume to its suspend, as a
// child's does: where the resume's test passes, nothing in between can
// change the word's task (no hook, nothing that allocates: that is what
// made it idle), so its suspend would pass its test too. The slice is
// duplicated: the common copy has the test and no call (no registers to
// save, so the prologue can stay on the other copy), the other calls both
// hooks, as the unpaired form does on a task switch.
void Expander::expandIdlePair(CallInst *Resume, CallInst *Suspend) {
  Value *Old = load(Resume);
  IRBuilder<> B(Resume);
  Value *Same = B.CreateICmpEQ(
      slotOf(B, Old), slotOf(B, Resume->getArgOperand(0)), "ms.same.task");
  Resume->replaceAllUsesWith(Old);
  BasicBlock *Head = Resume->getParent();
  BasicBlock *Common =
      SplitBlock(Head, Resume, static_cast<DomTreeUpdater *>(nullptr), nullptr,
                 nullptr, "ms.idle.same");
  BasicBlock *Join = SplitBlock(Common, Suspend->getNextNode(),
                                static_cast<DomTreeUpdater *>(nullptr), nullptr,
                                nullptr, "ms.idle.join");
  ValueToValueMapTy Map;
  BasicBlock *Switch =
      CloneBasicBlock(Common, Map, ".switch", Head->getParent());
  Switch->moveAfter(Common);
  for (Instruction &I : *Switch) {
    RemapInstruction(&I, Map, RF_NoModuleLevelChanges | RF_IgnoreMissingLocals);
    // Through the marker: Instruction::getDbgRecordRange refers to a data
    // symbol that other Clangs do not export, and the plugin must still load
    // there to say it was built for Clang 19 (robustness/other-clang-version).
    if (I.DebugMarker)
      RemapDbgRecordRange(&M, I.DebugMarker->getDbgRecordRange(), Map,
                          RF_NoModuleLevelChanges | RF_IgnoreMissingLocals);
  }
  // The switching copy's suspend restores what its resume call returned,
  // the same word as the inline load: the load then feeds only the test,
  // into which codegen folds it, instead of staying live for the call.
  Old->replaceUsesWithIf(Map[Resume], [&](Use &U) {
    return cast<Instruction>(U.getUser())->getParent() == Switch;
  });
  Head->getTerminator()->eraseFromParent();
  BranchInst::Create(Common, Switch, Same, Head)
      ->setMetadata(LLVMContext::MD_prof,
                    MDBuilder(C).createBranchWeights(1 << 20, 1));
  // What the slice defines and later code uses comes from either copy.
  for (Instruction &I : *Common) {
    if (I.getType()->isVoidTy())
      continue;
    auto Outside = [&](Use &U) {
      return cast<Instruction>(U.getUser())->getParent() != Common;
    };
    SmallVector<DbgVariableIntrinsic *, 2> DbgUsers;
    SmallVector<DbgVariableRecord *, 2> DbgRecords;
    findDbgUsers(DbgUsers, &I, &DbgRecords);
    const bool Used = any_of(I.uses(), Outside);
    if (!Used && DbgUsers.empty() && DbgRecords.empty())
      continue;
    PHINode *Both = PHINode::Create(I.getType(), 2, I.getName() + ".both");
    Both->insertBefore(Join->begin());
    Both->addIncoming(&I, Common);
    Both->addIncoming(Map[&I], Switch);
    I.replaceUsesWithIf(
        Both, [&](Use &U) { return U.getUser() != Both && Outside(U); });
    for (DbgVariableIntrinsic *D : DbgUsers)
      if (D->getParent() != Common)
        D->replaceVariableLocationOp(&I, Both);
    for (DbgVariableRecord *D : DbgRecords)
      if (D->getParent() != Common)
        D->replaceVariableLocationOp(&I, Both);
  }
  Resume->eraseFromParent();
  Suspend->eraseFromParent();
}

bool Expander::expand(CallInst *CI, Hook H) {
  if (H == Hook::FrameBegin || H == Hook::FrameEnd)
    return expandFrame(CI, H);
  if (CI->arg_size() != 1)
    return false;
  Value *Arg = CI->getArgOperand(0);
  const bool Enter = H == Hook::CallEnter || H == Hook::RampEnter;
  const bool Returns = H == Hook::Resume || H == Hook::ResumeIdle || Enter;
  if (Arg->getType() != (Enter ? Ptr : I64) ||
      CI->getType() != (Returns ? I64 : Type::getVoidTy(C)))
    return false; // not the ABI's declaration: left as it is
  if (Enter && !isa<GlobalVariable>(Arg->stripPointerCasts()))
    return false; // the pass always gives a site; anything else stays a call
  if (H == Hook::RampEnter && !plainChildSite(Arg->stripPointerCasts()))
    return false;
  IRBuilder<> B(CI);
  Value *At = B.CreateThreadLocalAddress(contextWord());
  LoadInst *Old = B.CreateAlignedLoad(I64, At, Align(8), "ms.ctx");
  switch (H) {
  case Hook::Resume:
  case Hook::Suspend:
  case Hook::CallExit: {
    // The root bit is in the binding's high half, so its slot is the
    // word's. The bit is cleared on the fast path only: there the binding's
    // register is free to be overwritten, while the call on the other path
    // still takes the binding as it was.
    // call_exit's saved word, where its slot is the word's, differs from
    // the word only in the site half the call put there: storing it puts
    // the site half back. MEMSCOPE_NO_CONTEXT's slot is no current task's
    // (kUntrackedSlot only ever owns blocks): it, and a changed task, take
    // the call.
    Value *Same =
        B.CreateICmpEQ(slotOf(B, Old), slotOf(B, Arg), "ms.same.task");
    if (H == Hook::Resume)
      CI->replaceAllUsesWith(Old);
    // The store only where the test passed, of a value that does not come
    // from the word's load: each hook's write then does not wait for the
    // previous hook's (a select of old and new would chain every hook of a
    // loop through the word, a store-to-load forwarding at each link).
    IRBuilder<> T = fastOrCall(Same, CI);
    T.CreateAlignedStore(H == Hook::Resume ? withoutRootBit(T, Arg) : Arg, At,
                         Align(8));
    return true;
  }
  case Hook::ResumeIdle:
  case Hook::SuspendIdle: {
    // Nothing to write unless the task changes: the slice attributes
    // nothing, so the site half may stay the resumer's.
    Value *Same =
        B.CreateICmpEQ(slotOf(B, Old), slotOf(B, Arg), "ms.same.task");
    if (H == Hook::ResumeIdle)
      CI->replaceAllUsesWith(Old);
    callOnlyIfNot(Same, CI);
    return true;
  }
  case Hook::RampEnter: {
    // A plain child ramp of the task the runtime checked in this slice:
    // the site moves and the frame window opens. The site's index is not
    // tested (two instructions on every child co_await): the module's first
    // constructor registered its sites (SiteTable.cpp), so 0 means a full
    // table, where the call leaves 0 too, or a module whose constructors
    // have not run, entered from another image's; its frame is then charged
    // to the right task at no site (abi.h).
    Value *Index = siteIndex(B, Arg);
    LoadInst *Checked =
        loadState(B, At, StateField::RampSlot, I32, "ms.ramp.slot");
    Value *Fast = B.CreateICmpEQ(slotOf(B, Old), Checked, "ms.ramp.fast");
    // The slot half from ramp_slot, equal to the word's where the test
    // passes, so that the store does not depend on the word's load.
    Value *New = withSite(B, B.CreateZExt(Checked, I64), Index, "ms.ctx.ramp");
    CI->replaceAllUsesWith(Old);
    IRBuilder<> T = fastOrCall(Fast, CI);
    T.CreateAlignedStore(New, At, Align(8));
    // Relaxed atomics, which x86 still folds into one `or` to memory:
    // as plain accesses, codegen narrows the `or` to the word's top byte,
    // and frame_begin's 32-bit load of the word then cannot take its value
    // from the store buffer (a store-forwarding stall on every child
    // frame).
    Value *InternalAt = stateWord(T, At, StateField::Internal);
    LoadInst *Internal = T.CreateAlignedLoad(I32, InternalAt, Align(4));
    Internal->setAtomic(AtomicOrdering::Monotonic);
    StoreInst *Opened = T.CreateAlignedStore(
        T.CreateOr(Internal, ConstantInt::get(I32, MEMSCOPE_FRAME_WINDOW)),
        InternalAt, Align(4));
    Opened->setAtomic(AtomicOrdering::Monotonic);
    return true;
  }
  case Hook::CallEnter: {
    Value *Index = siteIndex(B, Arg);
    Value *New = withSite(B, Old, Index, "ms.ctx.call");
    CI->replaceAllUsesWith(Old);
    IRBuilder<> T = fastOrCall(registered(B, Index), CI);
    T.CreateAlignedStore(New, At, Align(8));
    return true;
  }
  case Hook::FrameBegin:
  case Hook::FrameEnd:
    break; // expandFrame
  }
  return false;
}

} // namespace

static bool inlinable(const Module &M) {
  // initial-exec TLS as the runtime defines it: ELF only
  return InlineHooks && Triple(M.getTargetTriple()).isOSBinFormatELF();
}

Value *loadContextWord(Instruction *Before) {
  Module &M = *Before->getModule();
  if (!inlinable(M))
    return nullptr;
  Expander E(M);
  return E.load(Before);
}

unsigned expandInlineHooks(Module &M) {
  if (!inlinable(M))
    return 0;
  SmallVector<std::pair<CallInst *, Hook>, 64> Calls;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    for (Instruction &I : instructions(F)) {
      auto *CI = dyn_cast<CallInst>(&I);
      Function *Callee = CI ? CI->getCalledFunction() : nullptr;
      if (!Callee || CI->isMustTailCall() ||
          CI->getFunctionType() != Callee->getFunctionType())
        continue;
      if (std::optional<Hook> H = hookOf(Callee->getName()))
        Calls.emplace_back(CI, *H);
    }
  }
  Expander E(M);
  unsigned N = 0;
  SmallDenseMap<CallInst *, CallInst *, 8> SuspendOf;
  SmallPtrSet<CallInst *, 8> PairedSuspends;
  for (auto [CI, H] : Calls)
    if (H == Hook::ResumeIdle)
      if (CallInst *Suspend = pairedSuspend(CI)) {
        SuspendOf[CI] = Suspend;
        PairedSuspends.insert(Suspend);
      }
  SmallSetVector<Function *, 16> Expanded;
  for (auto [CI, H] : Calls) {
    if (PairedSuspends.contains(CI))
      continue; // expanded with its resume
    Function *F = CI->getFunction();
    if (CallInst *Suspend = SuspendOf.lookup(CI)) {
      E.expandIdlePair(CI, Suspend);
      N += 2;
      ++NumIdlePairsSplit;
      Expanded.insert(F);
      continue;
    }
    if (E.expand(CI, H)) {
      ++N;
      Expanded.insert(F);
    }
  }
  // The values the expanded hooks keep live across calls would otherwise
  // push the frame's field addresses to the stack.
  for (Function *F : Expanded)
    sinkFrameAddresses(*F);
  NumHooksInlined += N;
  return N;
}

} // namespace memscope
