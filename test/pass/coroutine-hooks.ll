; The context hooks of one presplit coroutine, placed by the IR pass alone
; (no AST facts: the coroutine is user code, its root/child decision is the
; runtime's). Reduced from clang++-19 -O0 -Xclang -disable-llvm-passes of
;   task work() { co_await std::suspend_always{}; }
; to one await_suspend and the final cleanup.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; The COROUTINE site: its name demangled, its line from the debug info,
; kind COROUTINE (2), no task-root flag, type Unknown (8): without facts the
; runtime decides root or child.
; CHECK: @__memscope_str = {{.*}}c"work.cpp\00"
; CHECK: @__memscope_str.1 = {{.*}}c"work()\00"
; CHECK: @__memscope_site.coro = private global {{.*}} { ptr @__memscope_str, ptr @__memscope_str.1, ptr null, i32 11, i32 0, i32 2, i32 0, i32 8, i32 0 }, section "memscope_sites"
; CHECK: @llvm.global_ctors = {{.*}}@memscope.module_ctor.v

; CHECK-LABEL: define void @_Z4workv()
; Ramp entry, after the entry allocas: the frame's task is decided here.
; CHECK:       %ms.binding = alloca i64
; CHECK-NEXT:  %ms.prev = alloca i64
; CHECK-NEXT:  %promise = alloca i8
; CHECK-NEXT:  %ms.prev0 = call i64 @__memscope_ramp_enter(ptr @__memscope_site.coro) #[[FREE:[0-9]+]]
; CHECK-NEXT:  %id = call token @llvm.coro.id(
; Frame begin right after coro.begin; its size has bit 63 set when
; llvm.coro.alloc said the frame is not on the heap.
; CHECK:       %hdl = call ptr @llvm.coro.begin(token %id, ptr %frame)
; CHECK-NEXT:  %ms.frame.size = call i64 @llvm.coro.size.i64()
; CHECK-NEXT:  %[[FLAG:.*]] = or i64 %ms.frame.size, -9223372036854775808
; CHECK-NEXT:  %ms.frame.size.flagged = select i1 %need.alloc, i64 %ms.frame.size, i64 %[[FLAG]]
; CHECK-NEXT:  %ms.binding.v = call i64 @__memscope_frame_begin(ptr %hdl, i64 %ms.frame.size.flagged)
; CHECK-NEXT:  store i64 %ms.binding.v, ptr %ms.binding
; CHECK-NEXT:  store i64 %ms.prev0, ptr %ms.prev
; Suspend before await_suspend (symmetric transfer runs from there), and
; before its coro.save (suspend-before-save.ll says why).
; CHECK:       %[[P:.*]] = load i64, ptr %ms.prev
; CHECK-NEXT:  call void @__memscope_suspend(i64 %[[P]])
; CHECK-NEXT:  %save = call token @llvm.coro.save(ptr null)
; CHECK-NEXT:  call void @llvm.coro.await.suspend.void(
; Resume and destroy edges each get a block of their own.
; CHECK:       switch i8 %s, label %ret [
; CHECK-NEXT:    i8 0, label %resume.ms
; CHECK-NEXT:    i8 1, label %cleanup.ms
; CHECK:       resume.ms:
; CHECK-NEXT:  %[[RB:.*]] = load i64, ptr %ms.binding
; CHECK-NEXT:  %[[RP:.*]] = call i64 @__memscope_resume(i64 %[[RB]])
; CHECK-NEXT:  store i64 %[[RP]], ptr %ms.prev
; CHECK-NEXT:  br label %resume
; The destroy edge's hook has its own name (abi.h).
; CHECK:       cleanup.ms:
; CHECK-NEXT:  load i64, ptr %ms.binding
; CHECK-NEXT:  call i64 @__memscope_resume_destroy(
; Suspend and frame end at llvm.coro.free; the frame is on the heap when
; coro.free returned non-null.
; CHECK:       cleanup:
; CHECK:       call void @__memscope_suspend(
; CHECK-NEXT:  %mem = call ptr @llvm.coro.free(token %id, ptr %hdl)
; CHECK-NEXT:  %ms.frame.on.heap = icmp ne ptr %mem, null
; CHECK-NEXT:  %[[B:.*]] = load i64, ptr %ms.binding
; CHECK-NEXT:  %[[S:.*]] = call i64 @llvm.coro.size.i64()
; CHECK-NEXT:  %[[F2:.*]] = or i64 %[[S]], -9223372036854775808
; CHECK-NEXT:  %[[SZ:.*]] = select i1 %ms.frame.on.heap, i64 %[[S]], i64 %[[F2]]
; CHECK-NEXT:  call void @__memscope_frame_end(i64 %[[B]], i64 %[[SZ]])
; CHECK-NOT:   __memscope_new
; CHECK:       ret void
; CHECK:       declare i64 @__memscope_ramp_enter(ptr) #[[NU:[0-9]+]]
; CHECK:       attributes #[[NU]] = { nounwind }

; Every hook call costs the inliner nothing (it is a few instructions once
; the late pass gives it its inline path), so inlining decides as in the
; plain build.
; CHECK: attributes #[[FREE]] = { "call-inline-cost"="0" }

define void @_Z4workv() presplitcoroutine !dbg !5 {
entry:
  %promise = alloca i8
  %id = call token @llvm.coro.id(i32 16, ptr %promise, ptr null, ptr null)
  %need.alloc = call i1 @llvm.coro.alloc(token %id)
  br i1 %need.alloc, label %alloc, label %begin

alloc:
  %size = call i64 @llvm.coro.size.i64()
  %heap = call ptr @_Znwm(i64 %size)
  br label %begin

begin:
  %frame = phi ptr [ null, %entry ], [ %heap, %alloc ]
  %hdl = call ptr @llvm.coro.begin(token %id, ptr %frame)
  %save = call token @llvm.coro.save(ptr null)
  call void @llvm.coro.await.suspend.void(ptr %promise, ptr %hdl, ptr @_Z4workv.__await_suspend_wrapper__await)
  %s = call i8 @llvm.coro.suspend(token %save, i1 false), !dbg !8
  switch i8 %s, label %ret [
    i8 0, label %resume
    i8 1, label %cleanup
  ]

resume:
  br label %cleanup

cleanup:
  %mem = call ptr @llvm.coro.free(token %id, ptr %hdl)
  call void @_ZdlPv(ptr %mem)
  br label %ret

ret:
  %unused = call i1 @llvm.coro.end(ptr null, i1 false, token none)
  ret void
}

define internal void @_Z4workv.__await_suspend_wrapper__await(ptr %awaiter, ptr %frame) {
  ret void
}

declare token @llvm.coro.id(i32, ptr readnone, ptr nocapture readonly, ptr)
declare i1 @llvm.coro.alloc(token)
declare i64 @llvm.coro.size.i64()
declare ptr @llvm.coro.begin(token, ptr writeonly)
declare token @llvm.coro.save(ptr)
declare void @llvm.coro.await.suspend.void(ptr, ptr, ptr)
declare i8 @llvm.coro.suspend(token, i1)
declare ptr @llvm.coro.free(token, ptr nocapture readonly)
declare i1 @llvm.coro.end(ptr, i1, token)
declare ptr @_Znwm(i64)
declare void @_ZdlPv(ptr)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "work.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "work", linkageName: "_Z4workv", scope: !1, file: !1, line: 11, type: !3, scopeLine: 11, spFlags: DISPFlagDefinition, unit: !0)
!8 = !DILocation(line: 11, column: 15, scope: !5)
