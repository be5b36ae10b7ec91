// An await_suspend that may throw is invoked; its unwind edge did not
// suspend, so the landing pad switches context back in (the pass splits the
// landing pad first when other invokes share it; clang gives each invoke
// its own pad here).
// RUN: %memscope_cxx -O0 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %presplit %s 2>&1 | FileCheck %s
#include "coro.h"

void may_throw();

task guarded() {
  try {
    may_throw();
    co_await throwing_suspend{};
    may_throw();
  } catch (...) {
  }
}

// CHECK-LABEL: define {{.*}}@_Z7guardedv(
// CHECK:      [[BSLOT:%[0-9]+]] = alloca i64, align 8
// CHECK-NEXT: [[PSLOT:%[0-9]+]] = alloca i64, align 8
// CHECK:      call void @__memscope_suspend(
// CHECK-NEXT: {{.*}}call token @llvm.coro.save(
// CHECK-NEXT: call void @llvm.coro.await.suspend.void(
// CHECK:      call void @__memscope_suspend(
// CHECK-NEXT: {{.*}}call token @llvm.coro.save(
// CHECK-NEXT: invoke void @llvm.coro.await.suspend.void(
// CHECK-NEXT:   to label %{{[0-9]+}} unwind label %[[LP:[0-9a-z.]+]]
// CHECK:      [[LP]]:
// CHECK-NEXT: landingpad
// CHECK-NEXT:   catch ptr null
// CHECK-NEXT: [[B:%[0-9]+]] = load i64, ptr [[BSLOT]]
// CHECK-NEXT: [[R:%[0-9]+]] = call i64 @__memscope_resume(i64 [[B]])
// CHECK-NEXT: store i64 [[R]], ptr [[PSLOT]]
// CHECK:      {{^}$}}
