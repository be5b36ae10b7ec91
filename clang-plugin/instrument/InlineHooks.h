//===- InlineHooks.h - The hooks' common paths, inline ---------*- C++ -*-===//
//
// Most hook calls change nothing but the thread's context word: a resume or
// a suspend of a frame of the task already current (a child co_await, and
// every resume Asio's pump makes inside a task), and the site half of a
// library call bracket. Out of line, each of those is a call, a return, and
// the saves and restores of the caller's registers around it, for two or
// three instructions of work. expandInlineHooks rewrites each call of
// __memscope_resume, __memscope_suspend, their idle forms,
// __memscope_call_enter and __memscope_call_exit into that work done in
// place on the context word
// (abi.h, "Inline fast paths"), calling the hook only on the other path (a
// task switch, a site not registered yet), the way ASan inlines its shadow
// check and calls its report function. Run at the end of the pipeline
// (LateInstrumentationPass), after CoroSplit and inlining, so the optimizer
// sees only the calls and no pass before codegen moves the TLS accesses.
// The functions it expanded then get their frame field addresses at their
// uses (FrameAddressSinking.h), which the hooks' saved contexts would
// otherwise push to the stack.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_INLINEHOOKS_H
#define MEMSCOPE_INLINEHOOKS_H

namespace llvm {
class Instruction;
class Module;
class Value;
} // namespace llvm

namespace memscope {

// Returns the number of hook calls rewritten.
unsigned expandInlineHooks(llvm::Module &M);

// A load of the thread's context word, inserted before `Before` (what
// __memscope_resume would have returned there if it changed nothing); null
// where the hooks are not inlined (not ELF, -memscope-inline-hooks=0).
llvm::Value *loadContextWord(llvm::Instruction *Before);

} // namespace memscope

#endif // MEMSCOPE_INLINEHOOKS_H
