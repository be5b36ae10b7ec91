; Virtual calls in library code (AllocationReach.cpp): an indirect call may
; reach anything, so it makes its function "allocating", except
; - a virtual call on a global object whose vtable pointer is known from its
;   initializer (clang's "vtable pointer" TBAA tag on the load; the object
;   need not be `constant`): the callee is read from the vtable, and
;   analysed like a direct call;
; - inside boost::system::error_code's constructors, which ask the category
;   whether the value is a failure.
; So Asio's await_transform (its cancellation check builds an error_code)
; takes no bracket, while a library function that calls through an unknown
; pointer, or whose known virtual callee allocates, still does.
; RUN: %memscope_opt -passes=memscope -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

; CHECK-LABEL: define void @_Z4userv(
; CHECK-NOT:   __memscope_call_enter
; CHECK:       call i1 @_ZN3lib12ask_constantEv()
; CHECK-NOT:   __memscope_call_enter
; CHECK:       call void @_ZN3lib8make_ecEi(i32 1)
; CHECK-NEXT:  %ms.call = call i64 @__memscope_call_enter(
; CHECK-NEXT:  call i1 @_ZN3lib13ask_allocatorEv()
; CHECK-NEXT:  call void @__memscope_call_exit(i64 %ms.call)
; CHECK-NEXT:  %ms.call1 = call i64 @__memscope_call_enter(
; CHECK-NEXT:  call void @_ZN3lib9call_backEPFvvE(ptr %f)
; CHECK-NEXT:  call void @__memscope_call_exit(i64 %ms.call1)
define void @_Z4userv(ptr %f) !dbg !5 {
entry:
  %a = call i1 @_ZN3lib12ask_constantEv(), !dbg !6
  call void @_ZN3lib8make_ecEi(i32 1), !dbg !6
  %b = call i1 @_ZN3lib13ask_allocatorEv(), !dbg !6
  call void @_ZN3lib9call_backEPFvvE(ptr %f), !dbg !6
  ret void
}

; Two category-like objects, each with a vtable: slot 0 is `failed`.
@_ZTV4Quiet = linkonce_odr constant { [3 x ptr] } { [3 x ptr] [ptr null, ptr null, ptr @_ZNK5Quiet6failedEi] }
@_ZTV5Noisy = linkonce_odr constant { [3 x ptr] } { [3 x ptr] [ptr null, ptr null, ptr @_ZNK5Noisy6failedEi] }
@quiet = linkonce_odr global { ptr, i64 } { ptr getelementptr inbounds ({ [3 x ptr] }, ptr @_ZTV4Quiet, i32 0, i32 0, i32 2), i64 0 }
@noisy = linkonce_odr global { ptr, i64 } { ptr getelementptr inbounds ({ [3 x ptr] }, ptr @_ZTV5Noisy, i32 0, i32 0, i32 2), i64 0 }

define linkonce_odr i1 @_ZNK5Quiet6failedEi(ptr %this, i32 %v) !dbg !30 {
  %r = icmp ne i32 %v, 0
  ret i1 %r
}
define linkonce_odr i1 @_ZNK5Noisy6failedEi(ptr %this, i32 %v) !dbg !31 {
  %p = call ptr @malloc(i64 32)
  %r = icmp ne ptr %p, null
  ret i1 %r
}

define linkonce_odr i1 @_ZN3lib12ask_constantEv() !dbg !32 {
  %vt = load ptr, ptr @quiet, !tbaa !20
  %fn = load ptr, ptr %vt
  %r = call i1 %fn(ptr @quiet, i32 125)
  ret i1 %r
}
define linkonce_odr i1 @_ZN3lib13ask_allocatorEv() !dbg !33 {
  %vt = load ptr, ptr @noisy, !tbaa !20
  %fn = load ptr, ptr %vt
  %r = call i1 %fn(ptr @noisy, i32 125)
  ret i1 %r
}

; boost::system::error_code::error_code(int, error_category const&): the
; category is a parameter, so the virtual call stays unknown.
define linkonce_odr void @_ZN5boost6system10error_codeC2EiRKNS0_14error_categoryE(ptr %this, i32 %v, ptr %cat) !dbg !34 {
  %vt = load ptr, ptr %cat, !tbaa !20
  %fn = load ptr, ptr %vt
  %r = call i1 %fn(ptr %cat, i32 %v)
  store i1 %r, ptr %this
  ret void
}
define linkonce_odr void @_ZN3lib8make_ecEi(i32 %v) !dbg !35 {
  %ec = alloca { i32, i1 }
  call void @_ZN5boost6system10error_codeC2EiRKNS0_14error_categoryE(ptr %ec, i32 %v, ptr @quiet), !dbg !37
  ret void
}

; Through a pointer the program passes: unknown.
define linkonce_odr void @_ZN3lib9call_backEPFvvE(ptr %f) !dbg !36 {
  call void %f()
  ret void
}

declare ptr @malloc(i64)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "user.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DISubroutineType(types: !4)
!4 = !{}
!5 = distinct !DISubprogram(name: "user", linkageName: "_Z4userv", scope: !1, file: !1, line: 3, type: !3, scopeLine: 3, spFlags: DISPFlagDefinition, unit: !0)
!6 = !DILocation(line: 4, column: 10, scope: !5)
!9 = !DIFile(filename: "lib.hpp", directory: "/usr/include/lib")
!20 = !{!21, !21, i64 0}
!21 = !{!"vtable pointer", !22, i64 0}
!22 = !{!"Simple C++ TBAA"}
!30 = distinct !DISubprogram(name: "_ZNK5Quiet6failedEi", linkageName: "_ZNK5Quiet6failedEi", scope: !9, file: !9, line: 30, type: !3, scopeLine: 30, spFlags: DISPFlagDefinition, unit: !0)
!31 = distinct !DISubprogram(name: "_ZNK5Noisy6failedEi", linkageName: "_ZNK5Noisy6failedEi", scope: !9, file: !9, line: 31, type: !3, scopeLine: 31, spFlags: DISPFlagDefinition, unit: !0)
!32 = distinct !DISubprogram(name: "_ZN3lib12ask_constantEv", linkageName: "_ZN3lib12ask_constantEv", scope: !9, file: !9, line: 32, type: !3, scopeLine: 32, spFlags: DISPFlagDefinition, unit: !0)
!33 = distinct !DISubprogram(name: "_ZN3lib13ask_allocatorEv", linkageName: "_ZN3lib13ask_allocatorEv", scope: !9, file: !9, line: 33, type: !3, scopeLine: 33, spFlags: DISPFlagDefinition, unit: !0)
!34 = distinct !DISubprogram(name: "_ZN5boost6system10error_codeC2EiRKNS0_14error_categoryE", linkageName: "_ZN5boost6system10error_codeC2EiRKNS0_14error_categoryE", scope: !9, file: !9, line: 34, type: !3, scopeLine: 34, spFlags: DISPFlagDefinition, unit: !0)
!35 = distinct !DISubprogram(name: "_ZN3lib8make_ecEi", linkageName: "_ZN3lib8make_ecEi", scope: !9, file: !9, line: 35, type: !3, scopeLine: 35, spFlags: DISPFlagDefinition, unit: !0)
!36 = distinct !DISubprogram(name: "_ZN3lib9call_backEPFvvE", linkageName: "_ZN3lib9call_backEPFvvE", scope: !9, file: !9, line: 36, type: !3, scopeLine: 36, spFlags: DISPFlagDefinition, unit: !0)
!37 = !DILocation(line: 12, column: 3, scope: !35)
