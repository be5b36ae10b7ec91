; Skip reason NotSwitchLowered: "not a switch-lowered coroutine".
;
; A returned-continuation coroutine (llvm.coro.id.retcon.once, Swift's kind):
; the hooks are placed for the switch lowering that C++ coroutines use.
; The pass says so in one remark and leaves the function unchanged.
; RUN: %memscope_opt -passes=memscope -pass-remarks-missed=memscope -S %s -o %t.ll 2>&1 | FileCheck %s
; RUN: FileCheck --check-prefix=UNCHANGED %s < %t.ll
; CHECK: remark: coro.cpp:7:0: coroutine 'f()' not instrumented: skipped: not a switch-lowered coroutine
; CHECK-NOT: remark
; UNCHANGED-NOT: __memscope_

target triple = "x86_64-unknown-linux-gnu"

define void @_Z1fv() presplitcoroutine !dbg !5 {
entry:
  %id = call token @llvm.coro.id.retcon.once(i32 8, i32 8, ptr null, ptr @proto, ptr @alloc, ptr @dealloc)
  %hdl = call ptr @llvm.coro.begin(token %id, ptr null)
  %unused = call i1 @llvm.coro.end(ptr %hdl, i1 false, token none)
  ret void
}

declare void @proto(ptr, i1)
declare ptr @alloc(i64)
declare void @dealloc(ptr)

declare token @llvm.coro.id.retcon.once(i32, i32, ptr, ptr, ptr, ptr)
declare ptr @llvm.coro.begin(token, ptr writeonly)
declare i1 @llvm.coro.end(ptr, i1, token)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "coro.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "f", linkageName: "_Z1fv", scope: !1, file: !1, line: 7, type: !3, scopeLine: 7, spFlags: DISPFlagDefinition, unit: !0)
