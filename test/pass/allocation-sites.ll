; Allocation sites: the IR pass only marks a user `new` with its site
; (metadata memscope.site: file, line, column, function), so the optimizer
; still sees builtin operator new; the late pass rewrites the marked calls
; that survived into __memscope_new* with a compile-time ALLOC site, and
; drops library call brackets left with nothing that may allocate.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s --check-prefix=MARK
; Between the two, inlining and simplifycfg stand for the optimizer: they
; leave the bracket around the library call with nothing in it.
; RUN: %memscope_opt -passes='memscope,always-inline,function(simplifycfg),memscope-late' -S %s | FileCheck %s --check-prefix=LATE

target triple = "x86_64-unknown-linux-gnu"

; MARK-LABEL: define ptr @_Z4makev(
; MARK:       %p = call ptr @_Znwm(i64 24), {{.*}}!memscope.site ![[SITE:[0-9]+]]
; MARK:       %q = call ptr @_ZnamSt11align_val_t(i64 64, i64 32), {{.*}}!memscope.site ![[SITE2:[0-9]+]]
; MARK:       call i64 @__memscope_call_enter(
; MARK-NEXT:  call void @_ZNSt6vectorIiE7reserveEm(
; MARK-NEXT:  call void @__memscope_call_exit(
; MARK:       ![[SITE]] = !{!"alloc.cpp", i32 4, i32 12, !"make()"}
; MARK:       ![[SITE2]] = !{!"alloc.cpp", i32 5, i32 12, !"make()"}

; LATE: @[[S1:__memscope_site.alloc.[0-9]+]] = private global {{.*}} i32 4, i32 12, i32 1,
; LATE: @[[S2:__memscope_site.alloc.[0-9]+]] = private global {{.*}} i32 5, i32 12, i32 1,
; LATE-LABEL: define ptr @_Z4makev(
; LATE:       %p = call ptr @__memscope_new(i64 24, ptr @[[S1]])
; LATE:       %q = call ptr @__memscope_new_array_aligned(i64 64, i64 32, ptr @[[S2]])
; reserve() (library code, from a system header) allocates only on a path
; that is dead once inlined here: its bracket brackets nothing and is
; dropped.
; LATE-NOT:   __memscope_call_enter
; LATE:       ret ptr %p

define ptr @_Z4makev() !dbg !5 {
entry:
  %p = call ptr @_Znwm(i64 24), !dbg !6
  %q = call ptr @_ZnamSt11align_val_t(i64 64, i64 32), !dbg !7
  call void @_ZNSt6vectorIiE7reserveEm(ptr %p, i64 0), !dbg !8
  ret ptr %p
}

define linkonce_odr void @_ZNSt6vectorIiE7reserveEm(ptr %v, i64 %n) alwaysinline !dbg !10 {
entry:
  %grow = icmp ugt i64 %n, 0
  br i1 %grow, label %alloc, label %done

alloc:
  %mem = call ptr @malloc(i64 %n)
  br label %done

done:
  ret void
}

declare ptr @_Znwm(i64)
declare ptr @_ZnamSt11align_val_t(i64, i64)
declare ptr @malloc(i64)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "alloc.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "make", linkageName: "_Z4makev", scope: !1, file: !1, line: 3, type: !3, scopeLine: 3, spFlags: DISPFlagDefinition, unit: !0)
!6 = !DILocation(line: 4, column: 12, scope: !5)
!7 = !DILocation(line: 5, column: 12, scope: !5)
!8 = !DILocation(line: 6, column: 3, scope: !5)
!9 = !DIFile(filename: "vector", directory: "/usr/include/c++/12/bits")
!10 = distinct !DISubprogram(name: "reserve", linkageName: "_ZNSt6vectorIiE7reserveEm", scope: !9, file: !9, line: 70, type: !3, scopeLine: 70, spFlags: DISPFlagDefinition, unit: !0)
