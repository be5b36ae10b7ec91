//===- FrameAddressSinking.h - Frame addresses at their uses ---*- C++ -*-===//
//
// A resume clone addresses its coroutine frame's fields with constant-offset
// GEPs that CoroSplit puts in the entry block. Codegen keeps each of them in
// a callee-saved register from there to its last use (x86 does not
// rematerialize an LEA of a virtual register), which in plain code costs
// nothing. The inline hooks (InlineHooks.h) add values that live across the
// same calls (the context a resume returned, the one a ramp returned), and
// in a resume clone that creates a child frame the register allocator then
// puts the frame addresses on the stack: a child co_await under Asio spent
// ten of its instructions over plain code on those spills and reloads.
// sinkFrameAddresses gives each block that uses such an address its own
// copy, right where it is used (one LEA, or none where it folds into an
// addressing mode), in the functions whose hooks were expanded. What the
// function computes does not change.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_FRAMEADDRESSSINKING_H
#define MEMSCOPE_FRAMEADDRESSSINKING_H

namespace llvm {
class Function;
} // namespace llvm

namespace memscope {

// Returns the number of uses given a copy of their address.
unsigned sinkFrameAddresses(llvm::Function &F);

} // namespace memscope

#endif // MEMSCOPE_FRAMEADDRESSSINKING_H
