// await_suspend returning bool: the `false` edge of
// llvm.coro.await.suspend.bool did not suspend, so it switches context back
// in; the `true` edge goes on to llvm.coro.suspend untouched.
// RUN: %memscope_cxx -O0 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %presplit %s 2>&1 | FileCheck %s
#include "coro.h"

task maybe(bool s) {
  co_await maybe_suspend{s};
}

// CHECK-LABEL: define {{.*}}@_Z5maybeb(
// CHECK:      [[BSLOT:%[0-9]+]] = alloca i64, align 8
// CHECK-NEXT: [[PSLOT:%[0-9]+]] = alloca i64, align 8
// CHECK:      call void @__memscope_suspend(
// CHECK-NEXT: {{.*}}call token @llvm.coro.save(
// CHECK-NEXT: call void @llvm.coro.await.suspend.void(
// CHECK:      [[P:%[0-9]+]] = load i64, ptr [[PSLOT]]
// CHECK-NEXT: call void @__memscope_suspend(i64 [[P]])
// CHECK-NEXT: {{.*}}call token @llvm.coro.save(
// CHECK-NEXT: [[OK:%[0-9]+]] = call i1 @llvm.coro.await.suspend.bool(
// CHECK-NEXT: br i1 [[OK]], label %[[SUSP:[0-9]+]], label %[[NOSUSP:[0-9]+]]
// CHECK:      [[SUSP]]:
// CHECK-NEXT: call i8 @llvm.coro.suspend(
// CHECK:      [[NOSUSP]]:
// CHECK-NEXT: [[B:%[0-9]+]] = load i64, ptr [[BSLOT]]
// CHECK-NEXT: [[R:%[0-9]+]] = call i64 @__memscope_resume(i64 [[B]])
// CHECK-NEXT: store i64 [[R]], ptr [[PSLOT]]
// CHECK-NEXT: br label
