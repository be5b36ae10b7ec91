// After CoroSplit: the resume clone switches context in and restores it
// before the musttail symmetric transfer; the destroy clone switches in and
// ends the frame; the ramp enters, binds the frame and restores.
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s --check-prefixes=CHECK,O2
// RUN: %memscope_cxx -O0 %finalir %s | FileCheck %s --check-prefixes=CHECK
#include "coro.h"

int sink;

task leaf(int i) {
  sink += i;
  co_return;
}

// CHECK-LABEL: define {{.*}}void @_Z4leafi(
// CHECK:       [[PREV0:%[0-9]+]] = {{(tail )?}}call i64 @__memscope_ramp_enter(ptr {{(nonnull )?}}@__memscope_site.coro)
// CHECK:       call i64 @__memscope_frame_begin(ptr {{.*}}, i64 {{%?[0-9]+}})
// CHECK:       call void @__memscope_suspend(
// CHECK:       {{^}$}}

// The resume and the suspend are inline (InlineHooks.h): the context word,
// one compare, and the hook's call only on a task switch.
// CHECK-LABEL: define internal fastcc void @_Z4leafi.resume(
// CHECK:       [[AT:%[0-9]+]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
// CHECK-NEXT:  [[P:%[0-9]+]] = load i64, ptr [[AT]], align 8
// CHECK:       call i64 @__memscope_resume(i64
// O2:          store i64 [[P]]
// O2:          call void @__memscope_suspend(i64 [[P]])
// O2-NOT:      call
// O2:          musttail call fastcc void
// O2-NEXT:     ret void
// CHECK:       {{^}$}}

// CHECK-LABEL: define internal fastcc void @_Z4leafi.destroy(
// CHECK:       call i64 @__memscope_resume(i64
// CHECK:       call void @__memscope_suspend(i64
// CHECK:       call void @__memscope_frame_end(i64
// CHECK:       {{^}$}}

