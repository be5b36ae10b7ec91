// The exact recipe on a lazy task with symmetric transfer, as the pass leaves
// it (before CoroSplit), at -O0 and -O2: the pass runs first in both.
// RUN: %memscope_cxx -O0 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O1 -g %presplit %s 2>&1 | FileCheck %s
#include "coro.h"

int sink;

task leaf(int i) {
  sink += i;
  co_return;
}

// CHECK-LABEL: define {{.*}}@_Z4leafi(
// Entry: the two slots, then ramp_enter before anything else.
// CHECK:      [[BSLOT:%[0-9]+]] = alloca i64, align 8
// CHECK-NEXT: [[PSLOT:%[0-9]+]] = alloca i64, align 8
// CHECK-NOT:  call
// CHECK:      [[PREV0:%[0-9]+]] = call i64 @__memscope_ramp_enter(ptr [[SITE:@__memscope_site.coro[.0-9]*]])
// CHECK-NOT:  @__memscope_
// CHECK:      [[HDL:%[0-9]+]] = call ptr @llvm.coro.begin(
// The size, flagged "not on the heap" when llvm.coro.alloc said no (elided).
// CHECK-NEXT: [[SIZE:%[0-9]+]] = call i64 @llvm.coro.size.i64()
// CHECK-NEXT: [[FLAGGED:%[0-9]+]] = or i64 [[SIZE]], -9223372036854775808
// CHECK-NEXT: [[ONHEAP:%[0-9]+]] = select i1 {{%[0-9]+}}, i64 [[SIZE]], i64 [[FLAGGED]]
// CHECK-NEXT: [[BIND:%[0-9]+]] = call i64 @__memscope_frame_begin(ptr [[HDL]], i64 [[ONHEAP]])
// CHECK-NEXT: store i64 [[BIND]], ptr [[BSLOT]]
// CHECK-NEXT: store i64 [[PREV0]], ptr [[PSLOT]]
//
// Initial suspend: restore before coro.save, and so before await_suspend
// runs; resume on both edges.
// CHECK:      [[P1:%[0-9]+]] = load i64, ptr [[PSLOT]]
// CHECK-NEXT: call void @__memscope_suspend(i64 [[P1]])
// CHECK-NEXT: call token @llvm.coro.save(
// CHECK-NEXT: call void @llvm.coro.await.suspend.void(
// CHECK-NEXT: [[S1:%[0-9]+]] = call i8 @llvm.coro.suspend(token {{%[0-9]+}}, i1 false)
// CHECK-NEXT: switch i8 [[S1]], label %{{[0-9]+}} [
// CHECK-NEXT:   i8 0, label %[[RESUME0:[0-9]+]]
// CHECK-NEXT:   i8 1, label %[[DESTROY0:[0-9]+]]
// CHECK:      [[DESTROY0]]:
// CHECK-NEXT: [[B1:%[0-9]+]] = load i64, ptr [[BSLOT]]
// CHECK-NEXT: [[R1:%[0-9]+]] = call i64 @__memscope_resume_destroy(i64 [[B1]])
// CHECK-NEXT: store i64 [[R1]], ptr [[PSLOT]]
// CHECK:      [[RESUME0]]:
// CHECK-NEXT: [[B2:%[0-9]+]] = load i64, ptr [[BSLOT]]
// CHECK-NEXT: [[R2:%[0-9]+]] = call i64 @__memscope_resume(i64 [[B2]])
// CHECK-NEXT: store i64 [[R2]], ptr [[PSLOT]]
//
// Final suspend (symmetric transfer): restore before the invoked
// await.suspend.handle, never after it (that is where CoroSplit puts the
// musttail resume of the next coroutine).
// CHECK:      [[P2:%[0-9]+]] = load i64, ptr [[PSLOT]]
// CHECK-NEXT: call void @__memscope_suspend(i64 [[P2]])
// CHECK-NEXT: call token @llvm.coro.save(
// CHECK-NEXT: invoke void @llvm.coro.await.suspend.handle(
// CHECK-NEXT:   to label %[[FINNORM:[0-9]+]] unwind label %[[FINLP:[0-9]+]]
// CHECK:      [[FINNORM]]:
// CHECK-NEXT: call i8 @llvm.coro.suspend(token {{%[0-9]+}}, i1 true)
// The unwind edge of await_suspend: it did not suspend, the frame runs on.
// CHECK:      [[FINLP]]:
// CHECK-NEXT: landingpad
// CHECK-NEXT:   cleanup
// CHECK-NEXT: [[B3:%[0-9]+]] = load i64, ptr [[BSLOT]]
// CHECK-NEXT: [[R3:%[0-9]+]] = call i64 @__memscope_resume(i64 [[B3]])
// CHECK-NEXT: store i64 [[R3]], ptr [[PSLOT]]
//
// Frame freed on the normal path: restore, then end the frame right after
// coro.free, whose null result says "not on the heap".
// CHECK:      [[P3:%[0-9]+]] = load i64, ptr [[PSLOT]]
// CHECK-NEXT: call void @__memscope_suspend(i64 [[P3]])
// CHECK-NEXT: [[MEM4:%[0-9]+]] = call ptr @llvm.coro.free(
// CHECK-NEXT: [[HEAP4:%[0-9]+]] = icmp ne ptr [[MEM4]], null
// CHECK-NEXT: [[B4:%[0-9]+]] = load i64, ptr [[BSLOT]]
// CHECK-NEXT: [[SIZE4:%[0-9]+]] = call i64 @llvm.coro.size.i64()
// CHECK-NEXT: [[FLAG4:%[0-9]+]] = or i64 [[SIZE4]], -9223372036854775808
// CHECK-NEXT: [[SEL4:%[0-9]+]] = select i1 [[HEAP4]], i64 [[SIZE4]], i64 [[FLAG4]]
// CHECK-NEXT: call void @__memscope_frame_end(i64 [[B4]], i64 [[SEL4]])
// Unwinding coro.end.
// CHECK:      [[P4:%[0-9]+]] = load i64, ptr [[PSLOT]]
// CHECK-NEXT: call void @__memscope_suspend(i64 [[P4]])
// CHECK-NEXT: call i1 @llvm.coro.end(ptr null, i1 true, token none)
// Frame freed on the unwind path.
// CHECK:      call void @__memscope_suspend(
// CHECK-NEXT: call ptr @llvm.coro.free(
// CHECK-NEXT: icmp ne ptr
// CHECK-NEXT: [[B5:%[0-9]+]] = load i64, ptr [[BSLOT]]
// CHECK:      call void @__memscope_frame_end(i64 [[B5]], i64
// The frame allocation throws before coro.begin: restore and rethrow.
// CHECK:        cleanup
// CHECK-NEXT: call void @__memscope_ramp_abort(i64 [[PREV0]])
// CHECK-NEXT: resume
// CHECK:      {{^}$}}
