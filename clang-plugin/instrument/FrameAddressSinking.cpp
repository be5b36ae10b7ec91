//===- FrameAddressSinking.cpp - Frame field addresses at their uses -----===//
//
// See FrameAddressSinking.h.
//
//===----------------------------------------------------------------------===//
#include "FrameAddressSinking.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Argument.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Transforms/Utils/Local.h"

#define DEBUG_TYPE "memscope"

using namespace llvm;

STATISTIC(NumFrameAddressesSunk,
          "Uses of an entry block's frame field address given their own copy");

static cl::opt<bool> SinkFrameAddresses(
    "memscope-sink-frame-addresses",
    cl::desc("Give each block of an instrumented function its own copy of the "
             "frame field addresses it uses (FrameAddressSinking.h)"),
    cl::init(true), cl::Hidden);

namespace memscope {

namespace {

// A field address of an argument (a resume clone's frame): what a copy can
// compute anywhere in the function.
bool isFieldAddress(const Instruction &I) {
  const auto *GEP = dyn_cast<GetElementPtrInst>(&I);
  return GEP && isa<Argument>(GEP->getPointerOperand()) &&
         GEP->hasAllConstantIndices();
}

// Where the copy for a use goes: before its user, or for a phi at the end of
// the block the value comes from; null where no copy can go.
Instruction *copyPoint(Use &U) {
  auto *User = cast<Instruction>(U.getUser());
  if (auto *Phi = dyn_cast<PHINode>(User))
    return Phi->getIncomingBlock(U)->getTerminator();
  if (User->isEHPad())
    return nullptr;
  return User;
}

} // namespace

unsigned sinkFrameAddresses(Function &F) {
  if (!SinkFrameAddresses || F.empty())
    return 0;
  BasicBlock &Entry = F.getEntryBlock();
  SmallVector<GetElementPtrInst *, 8> Addresses;
  for (Instruction &I : Entry)
    if (isFieldAddress(I))
      Addresses.push_back(cast<GetElementPtrInst>(&I));
  unsigned N = 0;
  for (GetElementPtrInst *GEP : Addresses) {
    // One copy per block, before the block's first user. (The uses are
    // collected first: setting one takes it off the list being walked.)
    SmallVector<std::pair<Use *, Instruction *>, 8> Outside;
    for (Use &U : GEP->uses())
      if (Instruction *At = copyPoint(U); At && At->getParent() != &Entry)
        Outside.emplace_back(&U, At);
    DenseMap<BasicBlock *, Instruction *> CopyIn;
    for (auto [U, At] : Outside) {
      Instruction *&Copy = CopyIn[At->getParent()];
      if (!Copy) {
        Copy = GEP->clone();
        Copy->setName(GEP->getName());
        Copy->insertBefore(At);
      } else if (At->comesBefore(Copy)) {
        Copy->moveBefore(At);
      }
      U->set(Copy);
      ++N;
    }
    if (GEP->use_empty()) {
      // The debug records that name it name the frame plus the offset.
      salvageDebugInfo(*GEP);
      GEP->eraseFromParent();
    }
  }
  NumFrameAddressesSunk += N;
  return N;
}

} // namespace memscope
