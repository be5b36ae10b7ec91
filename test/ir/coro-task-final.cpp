// After CoroSplit: the resume clone switches context in and restores it
// before the musttail symmetric transfer; the destroy clone switches in and
// ends the frame; the ramp enters, binds the frame and restores. Where
// nothing runs between a destroy clone's resume and its suspend that could
// allocate (a destroy path that only frees), the late pass drops the pair
// (LateInstrumentationPass.cpp, dropIdleResume).
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

// The resume and the suspend are inline (InlineHooks.h): the context word,
// one compare, and the hook's call only on a task switch. They stay even
// though leaf allocates nothing: the resume may be a task switch, whose run
// slice counts (busy time, resume count). Nothing between them allocates,
// so at -O2 they are the idle pair: no store of the context word, and calls
// that save every register; the switching copy's suspend restores what its
// resume call returned.
// CHECK-LABEL: define internal fastcc void @_Z4leafi.resume(
// CHECK:       [[AT:%[0-9]+]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
// CHECK-NEXT:  [[P:%[0-9]+]] = load i64, ptr [[AT]], align 8
// O0:          call i64 @__memscope_resume(i64
// O2:          [[PS:%[0-9]+]] = {{(tail )?}}call preserve_mostcc i64 @__memscope_resume_idle(i64
// O2-NOT:      store i64 {{.*}} ptr [[AT]]
// O2:          call preserve_mostcc void @__memscope_suspend_idle(i64 [[PS]])
// O2-NOT:      call
// O2:          musttail call fastcc void
// O2-NEXT:     ret void
// CHECK:       {{^}$}}

// Its destroy clone only ends the frame: the idle resume/suspend pair of
// the destroy path is dropped at -O2.
// CHECK-LABEL: define internal fastcc void @_Z4leafi.destroy(
// O2-NOT:      call {{.*}}@__memscope_resume
// O2-NOT:      call {{.*}}@__memscope_suspend
// CHECK:       call void @__memscope_frame_end(i64
// CHECK:       {{^}$}}

// keeper allocates, in its resume clone.
// CHECK-LABEL: define internal fastcc void @_Z6keeperi.resume(
// CHECK:       [[AT:%[0-9]+]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
// CHECK-NEXT:  [[P:%[0-9]+]] = load i64, ptr [[AT]], align 8
// CHECK:       call i64 @__memscope_resume(i64
// CHECK:       {{call|invoke}} {{.*}}@__memscope_new(
// O2:          call void @__memscope_suspend(i64 [[P]])
// CHECK:       {{^}$}}
