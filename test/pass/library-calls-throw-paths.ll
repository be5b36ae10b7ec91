; A library function that allocates only on its way to a throw (Asio's
; await_transform, which can throw system_error; std::vector's length
; checks) does not count as allocating: calls on a throw path (a noreturn
; callee, a block ending in unreachable) are left out of AllocationReach, so
; the user's call of it takes no bracket. What the throw allocates is
; charged to the enclosing site. A library function that allocates on its
; normal path still gets one.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; CHECK-LABEL: define i32 @_Z4userPi(
; CHECK-NOT:   __memscope_call_enter
; CHECK:       call i32 @_ZN3lib9transformEPi(ptr %p)
; CHECK-NOT:   __memscope_call_exit
; CHECK:       call i32 @_ZN3lib5checkEi(i32 %v)
; CHECK-NEXT:  %ms.call = call i64 @__memscope_call_enter(
; CHECK-NEXT:  %q = call ptr @_ZN3lib4growEi(i32 %w)
; CHECK-NEXT:  call void @__memscope_call_exit(i64 %ms.call)
define i32 @_Z4userPi(ptr %p) !dbg !5 {
entry:
  %v = call i32 @_ZN3lib9transformEPi(ptr %p), !dbg !6
  %w = call i32 @_ZN3lib5checkEi(i32 %v), !dbg !6
  %q = call ptr @_ZN3lib4growEi(i32 %w), !dbg !6
  ret i32 %w
}

; Throws through a helper that never returns (Asio's throw_error shape).
define linkonce_odr i32 @_ZN3lib9transformEPi(ptr %p) !dbg !10 {
entry:
  %bad = icmp eq ptr %p, null
  br i1 %bad, label %throw, label %ok
throw:
  call void @_ZN3lib5raiseEv(), !dbg !14
  br label %ok
ok:
  %v = load i32, ptr %p
  ret i32 %v
}

; Throws in place: the exception object and the throw in one block.
define linkonce_odr i32 @_ZN3lib5checkEi(i32 %v) !dbg !11 {
entry:
  %bad = icmp slt i32 %v, 0
  br i1 %bad, label %throw, label %ok
throw:
  %e = call ptr @__cxa_allocate_exception(i64 8)
  call void @__cxa_throw(ptr %e, ptr null, ptr null)
  unreachable
ok:
  ret i32 %v
}

; Allocates on its normal path.
define linkonce_odr ptr @_ZN3lib4growEi(i32 %n) !dbg !12 {
entry:
  %s = sext i32 %n to i64
  %q = call ptr @malloc(i64 %s)
  ret ptr %q
}

; Never returns, though not marked noreturn (Asio's do_throw_error): it
; builds the exception with an allocating constructor, then throws; its
; entry block leads only to unreachable and resume, so calls of it are throw
; paths too.
define linkonce_odr void @_ZN3lib5raiseEv() personality ptr @__gxx_personality_v0 !dbg !13 {
entry:
  %e = call ptr @__cxa_allocate_exception(i64 8)
  invoke void @_ZN3lib5errorC1Ev(ptr %e)
          to label %built unwind label %lpad
built:
  call void @__cxa_throw(ptr %e, ptr null, ptr null)
  unreachable
lpad:
  %lp = landingpad { ptr, i32 }
          cleanup
  call void @__cxa_free_exception(ptr %e)
  resume { ptr, i32 } %lp
}

declare void @_ZN3lib5errorC1Ev(ptr)
declare void @__cxa_free_exception(ptr)
declare i32 @__gxx_personality_v0(...)
declare ptr @__cxa_allocate_exception(i64)
declare void @__cxa_throw(ptr, ptr, ptr)
declare ptr @malloc(i64)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "user.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "user", linkageName: "_Z4userPi", scope: !1, file: !1, line: 3, type: !3, scopeLine: 3, spFlags: DISPFlagDefinition, unit: !0)
!6 = !DILocation(line: 4, column: 10, scope: !5)
!9 = !DIFile(filename: "lib.hpp", directory: "/usr/include/lib")
!10 = distinct !DISubprogram(name: "transform", linkageName: "_ZN3lib9transformEPi", scope: !9, file: !9, line: 10, type: !3, scopeLine: 10, spFlags: DISPFlagDefinition, unit: !0)
!11 = distinct !DISubprogram(name: "check", linkageName: "_ZN3lib5checkEi", scope: !9, file: !9, line: 20, type: !3, scopeLine: 20, spFlags: DISPFlagDefinition, unit: !0)
!12 = distinct !DISubprogram(name: "grow", linkageName: "_ZN3lib4growEi", scope: !9, file: !9, line: 30, type: !3, scopeLine: 30, spFlags: DISPFlagDefinition, unit: !0)
!13 = distinct !DISubprogram(name: "raise", linkageName: "_ZN3lib5raiseEv", scope: !9, file: !9, line: 40, type: !3, scopeLine: 40, spFlags: DISPFlagDefinition, unit: !0)
!14 = !DILocation(line: 12, column: 5, scope: !10)
