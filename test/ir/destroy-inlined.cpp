// A task created, run and destroyed in one function, through the real
// pipeline at -O2: the frame is elided and the inliner takes its destroy
// clone into the caller, where the clone's name is gone. The destroy edge's
// hook has its own name (__memscope_resume_destroy, abi.h), so the late pass
// still drops the destroy's idle pair: the function switches into the task
// once (the resume, an idle pair) and the destroy switches nothing before
// frame_end.
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s
#include "coro.h"

int sink;

task step(int i) {
  sink += i;
  co_return;
}

void create_run_destroy(int i) {
  task t = step(i);
  t.h.resume();
}

// CHECK-LABEL: define {{.*}}@_Z18create_run_destroyi(
// CHECK-NOT:   call {{.*}}@__memscope_resume_destroy(
// CHECK:       call preserve_mostcc i64 @__memscope_resume_idle(
// CHECK-NOT:   call {{.*}}@__memscope_resume_idle(
// CHECK-NOT:   call {{.*}}@__memscope_resume_destroy(
// CHECK:       call void @__memscope_frame_end(
// CHECK:       {{^}$}}
