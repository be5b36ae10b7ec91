// -fno-exceptions: no personality, nothing can unwind. The coroutine still
// gets every hook; the frame allocation stays a plain call (there is no
// landing pad to restore the context from).
// RUN: %memscope_cxx -O0 -fno-exceptions %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 -fno-exceptions %presplit %s 2>&1 | FileCheck %s
#include "coro.h"

int sink;
task quiet(int v) {
  sink += v;
  co_await maybe_suspend{v > 0};
}

// CHECK-LABEL: define {{.*}}@_Z5quieti(
// CHECK-NOT:   personality
// CHECK:       call i64 @__memscope_ramp_enter(
// CHECK:       call {{.*}}ptr @_Znwm(
// CHECK:       call i64 @__memscope_frame_begin(
// CHECK:       call void @__memscope_suspend(
// CHECK-NEXT:  {{.*}}call token @llvm.coro.save(
// CHECK-NEXT:  call void @llvm.coro.await.suspend.void(
// CHECK:       call i64 @__memscope_resume(
// CHECK:       call void @__memscope_suspend(
// CHECK-NEXT:  {{.*}}call token @llvm.coro.save(
// CHECK-NEXT:  call i1 @llvm.coro.await.suspend.bool(
// CHECK:       call void @__memscope_frame_end(
// CHECK-NOT:   landingpad
// CHECK:       {{^}$}}
