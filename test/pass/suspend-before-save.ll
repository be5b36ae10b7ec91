; Where a suspension's hook goes: before its llvm.coro.save when only
; markers (lifetime, debug, address arithmetic) lie between the save and
; await_suspend, as clang emits it. CoroSplit takes a coro.save for the
; suspension itself, so a hook after it would make the saved context live
; across a suspend point (a frame store at each resume, a load at each
; suspend). With a call between the two, the hook stays right before
; await_suspend: the call runs in the suspending task.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; CHECK-LABEL: define void @_Z1fv()
; The first suspension: a lifetime marker and a GEP between save and await.
; CHECK:       %[[P1:.*]] = load i64, ptr %ms.prev
; CHECK-NEXT:  call void @__memscope_suspend(i64 %[[P1]])
; CHECK-NEXT:  %save = call token @llvm.coro.save(ptr null)
; CHECK-NEXT:  call void @llvm.lifetime.start.p0(i64 1, ptr %awaiter)
; CHECK-NEXT:  %at = getelementptr i8, ptr %awaiter, i64 0
; CHECK-NEXT:  call void @llvm.coro.await.suspend.void(
; The second: a call between them keeps the hook after it.
; CHECK:       %save2 = call token @llvm.coro.save(ptr null)
; CHECK-NEXT:  call void @side()
; CHECK-NEXT:  %[[P2:.*]] = load i64, ptr %ms.prev
; CHECK-NEXT:  call void @__memscope_suspend(i64 %[[P2]])
; CHECK-NEXT:  call void @llvm.coro.await.suspend.void(

define void @_Z1fv() presplitcoroutine !dbg !5 {
entry:
  %awaiter = alloca i8
  %id = call token @llvm.coro.id(i32 16, ptr null, ptr null, ptr null)
  %frame = call ptr @_Znwm(i64 16)
  %hdl = call ptr @llvm.coro.begin(token %id, ptr %frame)
  %save = call token @llvm.coro.save(ptr null)
  call void @llvm.lifetime.start.p0(i64 1, ptr %awaiter)
  %at = getelementptr i8, ptr %awaiter, i64 0
  call void @llvm.coro.await.suspend.void(ptr %at, ptr %hdl, ptr @wrapper)
  %s = call i8 @llvm.coro.suspend(token %save, i1 false)
  switch i8 %s, label %ret [
    i8 0, label %next
    i8 1, label %cleanup
  ]

next:
  %save2 = call token @llvm.coro.save(ptr null)
  call void @side()
  call void @llvm.coro.await.suspend.void(ptr %awaiter, ptr %hdl, ptr @wrapper)
  %s2 = call i8 @llvm.coro.suspend(token %save2, i1 false)
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
}

define internal void @wrapper(ptr %a, ptr %h) {
  ret void
}

declare void @side()
declare token @llvm.coro.id(i32, ptr readnone, ptr nocapture readonly, ptr)
declare ptr @llvm.coro.begin(token, ptr writeonly)
declare token @llvm.coro.save(ptr)
declare void @llvm.coro.await.suspend.void(ptr, ptr, ptr)
declare i8 @llvm.coro.suspend(token, i1)
declare ptr @llvm.coro.free(token, ptr nocapture readonly)
declare i1 @llvm.coro.end(ptr, i1, token)
declare void @llvm.lifetime.start.p0(i64, ptr nocapture)
declare ptr @_Znwm(i64)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "coro.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "f", linkageName: "_Z1fv", scope: !1, file: !1, line: 7, type: !3, scopeLine: 7, spFlags: DISPFlagDefinition, unit: !0)
