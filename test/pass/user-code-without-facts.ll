; Without AST facts (opt) the pass decides what is user code from the debug
; info: a coroutine defined in a system header (/usr/include, /usr/lib) is
; library code, transparent like Asio's: no hooks, no remark. One with no
; debug info at all is user code (under clang every function has a
; DISubprogram: the plugin turns on location tracking).
; RUN: %memscope_opt -passes=memscope -pass-remarks-missed=memscope -S %s 2>&1 | FileCheck %s
; CHECK-NOT:   remark
; CHECK-LABEL: define void @_ZSt9generatorv()
; CHECK-NOT:   __memscope_
; CHECK-LABEL: define void @_Z5plainv()
; CHECK:       call i64 @__memscope_ramp_enter(

target triple = "x86_64-unknown-linux-gnu"

define void @_ZSt9generatorv() presplitcoroutine !dbg !5 {
entry:
  %id = call token @llvm.coro.id(i32 16, ptr null, ptr null, ptr null)
  %hdl = call ptr @llvm.coro.begin(token %id, ptr null)
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

define void @_Z5plainv() presplitcoroutine {
entry:
  %id = call token @llvm.coro.id(i32 16, ptr null, ptr null, ptr null)
  %hdl = call ptr @llvm.coro.begin(token %id, ptr null)
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

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "generator", directory: "/usr/include/c++/12")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "generator", linkageName: "_ZSt9generatorv", scope: !1, file: !1, line: 40, type: !3, scopeLine: 40, spFlags: DISPFlagDefinition, unit: !0)
