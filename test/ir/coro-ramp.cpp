// The ramp before llvm.coro.begin. The frame allocation is never an ALLOC
// site (it stays operator new; the runtime charges it through ramp_enter),
// but a throwing one becomes an invoke whose cleanup pad restores the
// caller's context. With get_return_object_on_allocation_failure the path
// that never reaches coro.begin restores the context on its way out.
// RUN: %memscope_cxx -O0 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s --check-prefix=FINAL
#include "coro.h"
#include <cstdlib>

task plain() { co_return; }

// CHECK-LABEL: define {{.*}}@_Z5plainv(
// CHECK:       [[PREV0:%[0-9]+]] = call i64 @__memscope_ramp_enter(
// CHECK:       call i64 @llvm.coro.size.i64()
// CHECK-NEXT:  invoke noalias noundef nonnull ptr @_Znwm(
// CHECK-NEXT:    to label %{{[0-9]+}} unwind label %[[PAD:[0-9]+]]
// CHECK:       call ptr @llvm.coro.begin(
// CHECK-NOT:   @__memscope_new
// CHECK:       [[PAD]]:
// CHECK-NEXT:  [[LP:%[0-9]+]] = landingpad { ptr, i32 }
// CHECK-NEXT:    cleanup
// CHECK-NEXT:  call void @__memscope_ramp_abort(i64 [[PREV0]])
// CHECK-NEXT:  resume { ptr, i32 } [[LP]]
// CHECK-NEXT:  }

struct fallible {
  struct promise_type {
    fallible get_return_object() { return {}; }
    static fallible get_return_object_on_allocation_failure() { return {}; }
    void *operator new(std::size_t n) noexcept { return std::malloc(n); }
    void operator delete(void *p) { std::free(p); }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

fallible eager() { co_return; }

// CHECK-LABEL: define {{.*}}@_Z5eagerv(
// CHECK:       [[PREV0:%[0-9]+]] = call i64 @__memscope_ramp_enter(
// CHECK:       call noundef ptr @_ZN8fallible12promise_typenwEm(
// CHECK:       br i1 %{{[0-9]+}}, label %{{[0-9]+}}, label %[[FAIL:[0-9]+]]
// CHECK:       [[FAIL]]:
// CHECK-NEXT:  call void @_ZN8fallible12promise_type39get_return_object_on_allocation_failureEv()
// CHECK-NEXT:  br label %[[OUT:[0-9]+]]
// CHECK:       call ptr @llvm.coro.begin(
// CHECK:       [[OUT]]:
// CHECK-NEXT:  call void @__memscope_ramp_abort(i64 [[PREV0]])
// CHECK-NEXT:  br label %[[RET:[0-9]+]]
// CHECK:       [[RET]]:
// CHECK-NEXT:  ret void

// FINAL-LABEL: define {{.*}}@_Z5plainv(
// FINAL:       call i64 @__memscope_ramp_enter(
// FINAL:       invoke {{.*}}ptr @_Znwm(i64 noundef {{[0-9]+}})
// FINAL-NOT:   @__memscope_new
// FINAL:       call i64 @__memscope_frame_begin(ptr {{.*}}, i64 {{[0-9]+}})
