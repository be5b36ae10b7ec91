; The ramp before llvm.coro.begin ends the frame allocation window and
; restores the caller's context on every way out that never reaches
; coro.begin: a throwing call there becomes an invoke of a cleanup pad of the
; pass's own (ramp_abort(prev0), resume), and a path that leaves early
; (get_return_object_on_allocation_failure) gets a block on its edge that
; does the same.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; CHECK-LABEL: define void @_Z1fv()
; CHECK:       %ms.prev0 = call i64 @__memscope_ramp_enter(
; CHECK:       %[[FRAME:.*]] = invoke ptr @_Znwm(i64 16)
; CHECK-NEXT:    to label %{{.*}} unwind label %ms.ramp.unwind
; CHECK:       br i1 %failed, label %ret.ms, label %begin
; CHECK:       begin:
; CHECK-NEXT:  %hdl = call ptr @llvm.coro.begin(token %id, ptr %[[FRAME]])
; CHECK-NEXT:  call i64 @llvm.coro.size.i64()
; No llvm.coro.alloc: the frame is taken to be on the heap, no flag bit.
; CHECK-NEXT:  %ms.binding.v = call i64 @__memscope_frame_begin(ptr %hdl, i64 %ms.frame.size)
; A suspend with no await_suspend since its coro.save (suspend_always at
; the initial or final suspend) gets the suspend hook before that save.
; CHECK:       load i64, ptr %ms.prev
; CHECK-NEXT:  call void @__memscope_suspend(
; CHECK-NEXT:  %save = call token @llvm.coro.save(ptr null)
; CHECK-NEXT:  %s = call i8 @llvm.coro.suspend(
; CHECK:       ret.ms:
; CHECK-NEXT:  call void @__memscope_ramp_abort(i64 %ms.prev0)
; CHECK-NEXT:  br label %ret
; CHECK:       ms.ramp.unwind:
; CHECK-NEXT:  %ms.lp = landingpad { ptr, i32 }
; CHECK-NEXT:    cleanup
; CHECK-NEXT:  call void @__memscope_ramp_abort(i64 %ms.prev0)
; CHECK-NEXT:  resume { ptr, i32 } %ms.lp

define void @_Z1fv() presplitcoroutine personality ptr @__gxx_personality_v0 !dbg !5 {
entry:
  %id = call token @llvm.coro.id(i32 16, ptr null, ptr null, ptr null)
  %frame = call ptr @_Znwm(i64 16)
  %failed = icmp eq ptr %frame, null
  br i1 %failed, label %ret, label %begin

begin:
  %hdl = call ptr @llvm.coro.begin(token %id, ptr %frame)
  %save = call token @llvm.coro.save(ptr null)
  %s = call i8 @llvm.coro.suspend(token %save, i1 false)
  switch i8 %s, label %ret [
    i8 0, label %cleanup
    i8 1, label %cleanup
  ]

cleanup:
  %mem = call ptr @llvm.coro.free(token %id, ptr %hdl)
  br label %ret

ret:
  %unused = call i1 @llvm.coro.end(ptr null, i1 false, token none)
  ret void
}

declare token @llvm.coro.id(i32, ptr readnone, ptr nocapture readonly, ptr)
declare ptr @llvm.coro.begin(token, ptr writeonly)
declare token @llvm.coro.save(ptr)
declare i8 @llvm.coro.suspend(token, i1)
declare ptr @llvm.coro.free(token, ptr nocapture readonly)
declare i1 @llvm.coro.end(ptr, i1, token)
declare ptr @_Znwm(i64)
declare i32 @__gxx_personality_v0(...)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "coro.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "f", linkageName: "_Z1fv", scope: !1, file: !1, line: 7, type: !3, scopeLine: 7, spFlags: DISPFlagDefinition, unit: !0)
