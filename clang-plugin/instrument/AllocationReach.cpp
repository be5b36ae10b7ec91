//===- AllocationReach.cpp ------------------------------------------------===//
#include "AllocationReach.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace memscope {

bool AllocationReach::knownAllocationFree(const Function &F) {
  if (F.isIntrinsic() || F.getName().starts_with("__memscope_"))
    return true;
  if (F.doesNotAccessMemory() || F.onlyReadsMemory())
    return true;
  StringRef N = F.getName();
  // operator delete in every form, and destructors (D0/D1/D2): freeing.
  // Likewise std::exception_ptr's reference counting, which every
  // coroutine promise that keeps an exception_ptr calls from its destroy
  // path (Asio's awaitable frames).
  if (N.starts_with("_ZdlPv") || N.starts_with("_ZdaPv") ||
      N.ends_with("D0Ev") || N.ends_with("D1Ev") || N.ends_with("D2Ev") ||
      N == "_ZNSt15__exception_ptr13exception_ptr10_M_releaseEv" ||
      N == "_ZNSt15__exception_ptr13exception_ptr9_M_addrefEv")
    return true;
  return StringSwitch<bool>(N)
      .Cases("memcpy", "memmove", "memset", "memcmp", "bcmp", "memchr", true)
      .Cases("strlen", "strnlen", "strcmp", "strncmp", "strchr", "strrchr",
             true)
      .Cases("strstr", "strcpy", "strncpy", "strcat", "strncat", true)
      .Cases("wcslen", "wmemcpy", "wmemmove", "wmemset", "wmemcmp", "wmemchr",
             true)
      .Cases("free", "__errno_location", "__stack_chk_fail", "abort", true)
      .Cases("__cxa_begin_catch", "__cxa_end_catch", "__cxa_rethrow",
             "__cxa_guard_acquire", "__cxa_guard_release", "__cxa_guard_abort",
             "__cxa_pure_virtual", true)
      .Cases("__clang_call_terminate", "_ZSt9terminatev", "__dynamic_cast",
             "__tls_get_addr", true)
      .Cases("pthread_mutex_lock", "pthread_mutex_unlock",
             "pthread_mutex_trylock", "sched_yield", "clock_gettime", true)
      .Default(false);
}

// Blocks on the way to a throw: every path from them ends in unreachable
// or resume, before any return (a throw, a call of a noreturn function, the
// cleanups of an unwind). What a call there allocates (the exception
// object, its message) is charged to the enclosing site rather than to a
// bracket of its own, so such calls do not make their function
// "allocating": otherwise Asio's throw_error, which throws only for an
// error, and everything that calls it took a bracket.
// A defined function whose entry block is such a block never returns
// (Asio's do_throw_error is not marked noreturn), so its calls count as
// throw paths too: a module-wide fixpoint.
class ThrowPaths {
public:
  explicit ThrowPaths(const Module &M) {
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (const Function &F : M) {
        if (F.isDeclaration() || NeverReturns.contains(&F))
          continue;
        markBlocks(F);
        if (Throwing.contains(&F.getEntryBlock())) {
          NeverReturns.insert(&F);
          Changed = true;
        }
      }
    }
  }
  bool onThrowPath(const CallBase &CB) const {
    return Throwing.contains(CB.getParent());
  }

private:
  bool stops(const Instruction &I) const {
    if (isa<UnreachableInst>(I) || isa<ResumeInst>(I))
      return true;
    const auto *CB = dyn_cast<CallBase>(&I);
    if (!CB || isa<InvokeInst>(CB))
      return false;
    if (CB->doesNotReturn())
      return true;
    const auto *Callee =
        dyn_cast<Function>(CB->getCalledOperand()->stripPointerCasts());
    return Callee && NeverReturns.contains(Callee);
  }
  // The blocks that stop (seeds), then, from each block found throwing,
  // its predecessors whose every successor throws.
  void markBlocks(const Function &F) {
    SmallVector<const BasicBlock *, 16> Work;
    auto Add = [&](const BasicBlock *BB) {
      if (Throwing.insert(BB).second)
        Work.push_back(BB);
    };
    for (const BasicBlock &BB : F)
      if (!Throwing.contains(&BB) &&
          llvm::any_of(BB, [&](const Instruction &I) { return stops(I); }))
        Add(&BB);
    while (!Work.empty())
      for (const BasicBlock *P : predecessors(Work.pop_back_val()))
        if (llvm::all_of(successors(P), [&](const BasicBlock *S) {
              return Throwing.contains(S);
            }))
          Add(P);
  }

  DenseSet<const BasicBlock *> Throwing;
  DenseSet<const Function *> NeverReturns;
};

// A load that clang marks as reading an object's vtable pointer.
static bool readsVtablePointer(const LoadInst &LI) {
  const MDNode *Tag = LI.getMetadata(LLVMContext::MD_tbaa);
  const auto *Base = Tag && Tag->getNumOperands() > 0
                         ? dyn_cast<MDNode>(Tag->getOperand(0))
                         : nullptr;
  const auto *Name = Base && Base->getNumOperands() > 0
                         ? dyn_cast<MDString>(Base->getOperand(0))
                         : nullptr;
  return Name && Name->getString() == "vtable pointer";
}

// The value of V when it is a constant or a load, through constant offsets,
// from constant memory with a definitive initializer; else null. The vtable
// pointer of a global object counts as constant memory: it is set by the
// object's constant initialisation and never changes (the object itself may
// have mutable members, so the global is not `constant`).
static Constant *constantValue(const Value *V, const DataLayout &DL,
                               unsigned Depth = 0) {
  if (auto *C = dyn_cast<Constant>(V))
    return const_cast<Constant *>(C);
  if (Depth > 6)
    return nullptr;
  if (const auto *LI = dyn_cast<LoadInst>(V)) {
    if (!LI->isSimple())
      return nullptr;
    if (const auto *GV = dyn_cast<GlobalVariable>(LI->getPointerOperand());
        GV && readsVtablePointer(*LI) && GV->hasDefinitiveInitializer())
      return ConstantFoldLoadFromConst(
          const_cast<Constant *>(GV->getInitializer()), LI->getType(),
          APInt(64, 0), DL);
    Constant *P = constantValue(LI->getPointerOperand(), DL, Depth + 1);
    return P ? ConstantFoldLoadFromConstPtr(P, LI->getType(), DL) : nullptr;
  }
  if (const auto *GEP = dyn_cast<GetElementPtrInst>(V)) {
    SmallVector<Constant *, 4> Ops;
    for (const Value *Op : GEP->operands()) {
      Constant *C = constantValue(Op, DL, Depth + 1);
      if (!C)
        return nullptr;
      Ops.push_back(C);
    }
    return ConstantFoldInstOperands(const_cast<GetElementPtrInst *>(GEP), Ops,
                                    DL);
  }
  return nullptr;
}

// The function a call calls: its callee, or the slot of a constant vtable
// it loads its callee from (a virtual call on a constant object, such as
// boost::system's error categories, which every error_code built from an
// enum asks whether its value is a failure).
static const Function *calledFunction(const CallBase &CB,
                                      const DataLayout &DL) {
  const Value *Target = CB.getCalledOperand()->stripPointerCasts();
  if (const auto *F = dyn_cast<Function>(Target))
    return F;
  if (Constant *C = constantValue(Target, DL))
    return dyn_cast<Function>(C->stripPointerCasts());
  return nullptr;
}

// Library functions defined in the module whose bodies look allocating to
// the walk but are not: boost::system::error_code's constructors ask the
// category, through a virtual call, whether the value is a failure (an
// indirect call may reach anything), and error categories only compare
// there. Without this, Asio's await_transform for every awaited child took
// a bracket, through the error_code of its cancellation check.
static bool trustedAllocationFree(const Function &F) {
  StringRef N = F.getName();
  return N.starts_with("_ZN5boost6system10error_codeC1") ||
         N.starts_with("_ZN5boost6system10error_codeC2");
}

AllocationReach::AllocationReach(Module &M) {
  const ThrowPaths Throws(M);
  // Callers of each defined function, and the seeds: functions that call
  // something that may allocate by itself.
  DenseMap<const Function *, SmallVector<const Function *, 4>> Callers;
  SmallVector<const Function *, 64> Work;
  auto Seed = [&](const Function &F) {
    if (Allocating.insert(&F).second)
      Work.push_back(&F);
  };
  for (const Function &F : M) {
    if (F.isDeclaration()) {
      if (!knownAllocationFree(F) && !trustedAllocationFree(F))
        Seed(F);
      continue;
    }
    if (trustedAllocationFree(F))
      continue;
    for (const Instruction &I : instructions(F)) {
      const auto *CB = dyn_cast<CallBase>(&I);
      if (!CB || CB->isInlineAsm() || Throws.onThrowPath(*CB))
        continue;
      const Function *Callee = calledFunction(*CB, M.getDataLayout());
      if (!Callee) {
        Seed(F); // an indirect call may reach anything
        continue;
      }
      if (trustedAllocationFree(*Callee))
        continue;
      if (!Callee->isDeclaration())
        Callers[Callee].push_back(&F);
      else if (!knownAllocationFree(*Callee))
        Seed(F);
    }
  }
  while (!Work.empty()) {
    const Function *F = Work.pop_back_val();
    auto It = Callers.find(F);
    if (It == Callers.end())
      continue;
    for (const Function *Caller : It->second)
      Seed(*Caller);
  }
}

} // namespace memscope
