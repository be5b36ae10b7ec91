; Skip reason AwaitBoolNotOneBranch: "llvm.coro.await.suspend.bool result not used by one conditional branch".
;
; await_suspend returning bool: its false edge ("do not suspend") needs a
; resume hook, and is found as the one conditional branch on the result.
; Here the result is stored instead.
; The pass says so in one remark and leaves the function unchanged.
; RUN: %memscope_opt -passes=memscope -pass-remarks-missed=memscope -S %s -o %t.ll 2>&1 | FileCheck %s
; RUN: FileCheck --check-prefix=UNCHANGED %s < %t.ll
; CHECK: remark: coro.cpp:7:0: coroutine 'f()' not instrumented: skipped: llvm.coro.await.suspend.bool result not used by one conditional branch
; CHECK-NOT: remark
; UNCHANGED-NOT: __memscope_

target triple = "x86_64-unknown-linux-gnu"

define void @_Z1fv() presplitcoroutine !dbg !5 {
entry:
  %id = call token @llvm.coro.id(i32 16, ptr null, ptr null, ptr null)
  %hdl = call ptr @llvm.coro.begin(token %id, ptr null)
  %save = call token @llvm.coro.save(ptr null)
  %go = call i1 @llvm.coro.await.suspend.bool(ptr null, ptr %hdl, ptr @wrapper)
  %kept = zext i1 %go to i8
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

define internal i1 @wrapper(ptr %awaiter, ptr %frame) {
  ret i1 true
}

declare token @llvm.coro.id(i32, ptr readnone, ptr nocapture readonly, ptr)
declare ptr @llvm.coro.begin(token, ptr writeonly)
declare token @llvm.coro.save(ptr)
declare i8 @llvm.coro.suspend(token, i1)
declare ptr @llvm.coro.free(token, ptr nocapture readonly)
declare i1 @llvm.coro.end(ptr, i1, token)
declare i1 @llvm.coro.await.suspend.bool(ptr, ptr, ptr)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "coro.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "f", linkageName: "_Z1fv", scope: !1, file: !1, line: 7, type: !3, scopeLine: 7, spFlags: DISPFlagDefinition, unit: !0)
