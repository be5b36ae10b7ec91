// After CoroSplit: the resume clone switches context in and restores it
// before the musttail symmetric transfer; the destroy clone switches in and
// ends the frame; the ramp enters, binds the frame and restores. Where
// nothing runs between a resume and its suspend that could allocate (the
// body of a coroutine that only computes, a destroy path that only frees),
// the late pass drops the pair (LateInstrumentationPass.cpp,
// dropIdleResume).
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s --check-prefixes=CHECK,O2
// RUN: %memscope_cxx -O0 %finalir %s | FileCheck %s --check-prefixes=CHECK,O0
#include "coro.h"

int sink;
int *kept;

task leaf(int i) {
  sink += i;
  co_return;
}

task keeper(int i) {
  kept = new int(i); // escapes: the allocation stays
  co_return;
}

// CHECK-LABEL: define {{.*}}void @_Z4leafi(
// CHECK:       [[PREV0:%[0-9]+]] = {{(tail )?}}call i64 @__memscope_ramp_enter(ptr {{(nonnull )?}}@__memscope_site.coro)
// CHECK:       call i64 @__memscope_frame_begin(ptr {{.*}}, i64 {{%?[0-9]+}})
// CHECK:       call void @__memscope_suspend(
// CHECK:       {{^}$}}

// leaf's body allocates nothing: at -O2 no hook runs in its resume clone;
// the context it would have saved is the word as it is.
// CHECK-LABEL: define internal fastcc void @_Z4leafi.resume(
// O2:          [[AT:%[0-9]+]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
// O2-NEXT:     [[P:%[0-9]+]] = load i64, ptr [[AT]], align 8
// O2-NOT:      call {{.*}}@__memscope_
// O2:          musttail call fastcc void
// O2-NEXT:     ret void
// O0:          call i64 @__memscope_resume(i64
// CHECK:       {{^}$}}

// Its destroy clone only ends the frame.
// CHECK-LABEL: define internal fastcc void @_Z4leafi.destroy(
// O2-NOT:      call {{.*}}@__memscope_resume
// O2-NOT:      call {{.*}}@__memscope_suspend
// CHECK:       call void @__memscope_frame_end(i64
// CHECK:       {{^}$}}

// keeper allocates: the resume and the suspend are inline (InlineHooks.h):
// the context word, one compare, and the hook's call only on a task switch.
// CHECK-LABEL: define internal fastcc void @_Z6keeperi.resume(
// CHECK:       [[AT:%[0-9]+]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
// CHECK-NEXT:  [[P:%[0-9]+]] = load i64, ptr [[AT]], align 8
// CHECK:       call i64 @__memscope_resume(i64
// CHECK:       {{call|invoke}} {{.*}}@__memscope_new(
// O2:          call void @__memscope_suspend(i64 [[P]])
// CHECK:       {{^}$}}
