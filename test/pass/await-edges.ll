; Resume hooks beyond the suspend switch: on the false edge of
; await_suspend returning bool (it said "do not suspend"), and on the unwind
; edge of an await_suspend that throws (an invoked await intrinsic); a
; suspend hook before an unwinding llvm.coro.end.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; CHECK-LABEL: define void @_Z1fv()
; CHECK:       call void @__memscope_suspend(
; CHECK-NEXT:  {{.*}}call token @llvm.coro.save(
; CHECK-NEXT:  %go = call i1 @llvm.coro.await.suspend.bool(
; CHECK-NEXT:  br i1 %go, label %suspend, label %[[FALSE:ready.ms[0-9]+]]
; CHECK:       [[FALSE]]:
; CHECK-NEXT:  load i64, ptr %ms.binding
; CHECK-NEXT:  call i64 @__memscope_resume(
; CHECK:       ready:
; CHECK:       call void @__memscope_suspend(
; CHECK-NEXT:  {{.*}}call token @llvm.coro.save(
; CHECK-NEXT:  invoke void @llvm.coro.await.suspend.void(
; CHECK-NEXT:    to label %suspend2 unwind label %lpad
; CHECK:       lpad:
; CHECK-NEXT:  %lp = landingpad
; CHECK-NEXT:    cleanup
; CHECK-NEXT:  load i64, ptr %ms.binding
; CHECK-NEXT:  call i64 @__memscope_resume(
; CHECK:       call void @__memscope_suspend(
; CHECK-NEXT:  %unwound = call i1 @llvm.coro.end(ptr null, i1 true, token none)

define void @_Z1fv() presplitcoroutine personality ptr @__gxx_personality_v0 !dbg !5 {
entry:
  %id = call token @llvm.coro.id(i32 16, ptr null, ptr null, ptr null)
  %hdl = call ptr @llvm.coro.begin(token %id, ptr null)
  %save = call token @llvm.coro.save(ptr null)
  %go = call i1 @llvm.coro.await.suspend.bool(ptr null, ptr %hdl, ptr @bool_wrapper)
  br i1 %go, label %suspend, label %ready

suspend:
  %s = call i8 @llvm.coro.suspend(token %save, i1 false)
  switch i8 %s, label %ret [
    i8 0, label %ready
    i8 1, label %cleanup
  ]

ready:
  %save2 = call token @llvm.coro.save(ptr null)
  invoke void @llvm.coro.await.suspend.void(ptr null, ptr %hdl, ptr @void_wrapper)
          to label %suspend2 unwind label %lpad

suspend2:
  %s2 = call i8 @llvm.coro.suspend(token %save2, i1 true)
  switch i8 %s2, label %ret [
    i8 0, label %cleanup
    i8 1, label %cleanup
  ]

cleanup:
  %mem = call ptr @llvm.coro.free(token %id, ptr %hdl)
  br label %ret

ret:
  %unused = call i1 @llvm.coro.end(ptr null, i1 false, token none)
  ret void

lpad:
  %lp = landingpad { ptr, i32 }
          cleanup
  %unwound = call i1 @llvm.coro.end(ptr null, i1 true, token none)
  resume { ptr, i32 } %lp
}

define internal i1 @bool_wrapper(ptr %awaiter, ptr %frame) {
  ret i1 true
}

define internal void @void_wrapper(ptr %awaiter, ptr %frame) {
  ret void
}

declare token @llvm.coro.id(i32, ptr readnone, ptr nocapture readonly, ptr)
declare ptr @llvm.coro.begin(token, ptr writeonly)
declare token @llvm.coro.save(ptr)
declare i1 @llvm.coro.await.suspend.bool(ptr, ptr, ptr)
declare void @llvm.coro.await.suspend.void(ptr, ptr, ptr)
declare i8 @llvm.coro.suspend(token, i1)
declare ptr @llvm.coro.free(token, ptr nocapture readonly)
declare i1 @llvm.coro.end(ptr, i1, token)
declare i32 @__gxx_personality_v0(...)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "coro.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "f", linkageName: "_Z1fv", scope: !1, file: !1, line: 7, type: !3, scopeLine: 7, spFlags: DISPFlagDefinition, unit: !0)
