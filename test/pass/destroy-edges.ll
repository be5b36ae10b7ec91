; The resume hook of a destroy edge has its own name,
; __memscope_resume_destroy (abi.h): a suspend's destroy case, and both
; cases of a final suspend (a frame suspended there can only be destroyed).
; The late pass then knows destroy code also where the inliner has taken a
; destroy clone into its caller (idle-resume.ll).
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; CHECK-LABEL: define void @_Z1fv()
; CHECK:       first.resume.ms:
; CHECK-NEXT:  load i64, ptr %ms.binding
; CHECK-NEXT:  call i64 @__memscope_resume(
; CHECK:       final.resume.ms:
; CHECK-NEXT:  load i64, ptr %ms.binding
; CHECK-NEXT:  call i64 @__memscope_resume_destroy(
; CHECK:       final.destroy.ms:
; CHECK-NEXT:  load i64, ptr %ms.binding
; CHECK-NEXT:  call i64 @__memscope_resume_destroy(
; CHECK:       first.destroy.ms:
; CHECK-NEXT:  load i64, ptr %ms.binding
; CHECK-NEXT:  call i64 @__memscope_resume_destroy(

define void @_Z1fv() presplitcoroutine !dbg !5 {
entry:
  %id = call token @llvm.coro.id(i32 16, ptr null, ptr null, ptr null)
  %frame = call ptr @_Znwm(i64 16)
  %hdl = call ptr @llvm.coro.begin(token %id, ptr %frame)
  %save = call token @llvm.coro.save(ptr null)
  %s = call i8 @llvm.coro.suspend(token %save, i1 false)
  switch i8 %s, label %ret [
    i8 0, label %first.resume
    i8 1, label %first.destroy
  ]

first.resume:
  %save2 = call token @llvm.coro.save(ptr null)
  %s2 = call i8 @llvm.coro.suspend(token %save2, i1 true)
  switch i8 %s2, label %ret [
    i8 0, label %final.resume
    i8 1, label %final.destroy
  ]

final.resume:
  br label %cleanup

final.destroy:
  br label %cleanup

first.destroy:
  br label %cleanup

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

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "coro.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "f", linkageName: "_Z1fv", scope: !1, file: !1, line: 7, type: !3, scopeLine: 7, spFlags: DISPFlagDefinition, unit: !0)
