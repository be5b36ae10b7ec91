//===- AllocationReach.h - Which callees may allocate ----------*- C++ -*-===//
//
// The library call brackets (InstrumentationPass) go only around calls that
// may allocate: a function defined in the module that transitively reaches
// an allocation, an indirect call, or an external declaration not known to
// be allocation-free. Computed once per module, before any change, by
// propagating "may allocate" from the functions that do it directly to
// their callers (one walk over the module's calls). Calls on the way to a
// throw (a noreturn callee, a block ending in unreachable) are left out:
// what a throw allocates is charged to the enclosing site. A virtual call
// on a global object whose vtable pointer its initializer gives is taken as
// a call of the function in that vtable slot; boost::system::error_code's
// constructors (a virtual call on the category they are given) are known
// not to allocate.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_ALLOCATIONREACH_H
#define MEMSCOPE_ALLOCATIONREACH_H

#include "llvm/ADT/DenseSet.h"

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace memscope {

class AllocationReach {
public:
  explicit AllocationReach(llvm::Module &M);

  // Whether calling F may allocate heap memory.
  bool mayAllocate(const llvm::Function &F) const {
    return Allocating.contains(&F);
  }

  // External functions that never allocate: intrinsics, memcpy/strlen and
  // other libc functions of the kind, operator delete, destructors, the
  // C++ ABI's catch and guard functions, functions that only read memory.
  static bool knownAllocationFree(const llvm::Function &F);

private:
  llvm::DenseSet<const llvm::Function *> Allocating;
};

} // namespace memscope

#endif // MEMSCOPE_ALLOCATIONREACH_H
