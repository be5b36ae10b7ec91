; Library call brackets: a call from user code into a function that may
; allocate and is not user code (a declaration: strdup, a std:: function)
; is bracketed by __memscope_call_enter/exit with an ALLOC site naming the
; user line; an invoke's exit also runs on its unwind edge, through a phi of
; the saved contexts. Calls known not to allocate (strlen) and operator new
; itself (its own site, see allocation-sites.ll) are not bracketed.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; ALLOC sites (kind 1) at the user's lines, in the user's function.
; CHECK: @__memscope_str = {{.*}}c"calls.cpp\00"
; CHECK: @__memscope_str.1 = {{.*}}c"copy(char const*)\00"
; CHECK: @__memscope_site.alloc = private global {{.*}} { ptr @__memscope_str, ptr @__memscope_str.1, ptr null, i32 4, i32 10, i32 1, i32 0, i32 {{[0-9]+}}, i32 0 }, section "memscope_sites"
; CHECK: @__memscope_site.alloc.{{[0-9]+}} = private global {{.*}} { ptr @__memscope_str, ptr @__memscope_str.1, ptr null, i32 5, i32 3, i32 1,

; CHECK-LABEL: define ptr @_Z4copyPKc(
; CHECK:       %ms.call = call i64 @__memscope_call_enter(ptr @__memscope_site.alloc)
; CHECK-NEXT:  %copy = call ptr @strdup(ptr %s)
; CHECK-NEXT:  call void @__memscope_call_exit(i64 %ms.call)
; CHECK-NEXT:  %n = call i64 @strlen(ptr %copy)
; CHECK-NEXT:  %ms.call1 = call i64 @__memscope_call_enter(
; CHECK-NEXT:  invoke void @_ZNSt6vectorIiE9push_backEv(ptr %copy)
; CHECK-NEXT:    to label %ok unwind label %lpad
; CHECK:       ok:
; CHECK-NEXT:  call void @__memscope_call_exit(i64 %ms.call1)
; CHECK:       lpad:
; CHECK-NEXT:  %ms.call.unwind = phi i64 [ %ms.call1, %entry ]
; CHECK-NEXT:  %lp = landingpad
; CHECK-NEXT:    cleanup
; CHECK-NEXT:  call void @__memscope_call_exit(i64 %ms.call.unwind)

; The brackets only touch the runtime's thread-local context.
; CHECK: declare i64 @__memscope_call_enter(ptr) #[[ATTRS:[0-9]+]]
; CHECK: attributes #[[ATTRS]] = { nounwind willreturn memory(inaccessiblemem: readwrite) }

define ptr @_Z4copyPKc(ptr %s) personality ptr @__gxx_personality_v0 !dbg !5 {
entry:
  %copy = call ptr @strdup(ptr %s), !dbg !6
  %n = call i64 @strlen(ptr %copy), !dbg !6
  invoke void @_ZNSt6vectorIiE9push_backEv(ptr %copy)
          to label %ok unwind label %lpad, !dbg !7

ok:
  ret ptr %copy

lpad:
  %lp = landingpad { ptr, i32 }
          cleanup
  resume { ptr, i32 } %lp
}

declare ptr @strdup(ptr)
declare i64 @strlen(ptr)
declare void @_ZNSt6vectorIiE9push_backEv(ptr)
declare i32 @__gxx_personality_v0(...)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "calls.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "copy", linkageName: "_Z4copyPKc", scope: !1, file: !1, line: 3, type: !3, scopeLine: 3, spFlags: DISPFlagDefinition, unit: !0)
!6 = !DILocation(line: 4, column: 10, scope: !5)
!7 = !DILocation(line: 5, column: 3, scope: !5)
