; Skip reason NoCoroIdOrBegin: "no llvm.coro.id/llvm.coro.begin".
;
; Marked presplitcoroutine but without the intrinsics that make a frame.
; The pass says so in one remark and leaves the function unchanged.
; RUN: %memscope_opt -passes=memscope -pass-remarks-missed=memscope -S %s -o %t.ll 2>&1 | FileCheck %s
; RUN: FileCheck --check-prefix=UNCHANGED %s < %t.ll
; CHECK: remark: coro.cpp:7:0: coroutine 'f()' not instrumented: skipped: no llvm.coro.id/llvm.coro.begin
; CHECK-NOT: remark
; UNCHANGED-NOT: __memscope_

target triple = "x86_64-unknown-linux-gnu"

define void @_Z1fv() presplitcoroutine !dbg !5 {
entry:
  ret void
}


!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "coro.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "f", linkageName: "_Z1fv", scope: !1, file: !1, line: 7, type: !3, scopeLine: 7, spFlags: DISPFlagDefinition, unit: !0)
