; A function whose hooks were expanded inline gets a copy of each
; entry-block field address of an argument (a resume clone's frame) in every
; other block that uses it, before its first user there, or at the end of
; the incoming block for a phi (FrameAddressSinking.h). The entry block's own
; uses keep the original; an original left without uses is erased, its
; debug records salvaged to the argument plus the offset. Functions without
; expanded hooks, addresses of other values and addresses with a variable
; index are left as they are.
; RUN: %memscope_opt -passes=memscope-late -S %s | FileCheck %s
; RUN: %memscope_opt -passes=memscope-late -memscope-sink-frame-addresses=0 -S %s | FileCheck %s --check-prefix=OFF
; RUN: %memscope_opt -passes=memscope-late %s -o %t.bc
; RUN: llc -O2 %t.bc -o /dev/null

target triple = "x86_64-unknown-linux-gnu"

declare i64 @__memscope_resume(i64)
declare void @__memscope_suspend(i64)
declare void @use(ptr)
declare i1 @cond()

; CHECK-LABEL: define void @resume_clone(ptr %frame, i64 %i)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %kept = getelementptr inbounds i8, ptr %frame, i64 8
; CHECK-NEXT:    %v = getelementptr inbounds i8, ptr %frame, i64 %i
; CHECK-NOT:     getelementptr inbounds i8, ptr %frame, i64 16
; CHECK:       then:
; CHECK-NEXT:    [[A:%.*]] = getelementptr inbounds i8, ptr %frame, i64 16
; CHECK-NEXT:    call void @use(ptr [[A]])
; CHECK-NEXT:    call void @use(ptr [[A]])
; CHECK-NEXT:    [[KEPT:%.*]] = getelementptr inbounds i8, ptr %frame, i64 8
; CHECK-NEXT:    call void @use(ptr [[KEPT]])
; CHECK-NEXT:    br label %join
; CHECK:       else:
; CHECK-NEXT:    call void @use(ptr %v)
; CHECK:       join:
; CHECK-NEXT:    %p = phi ptr [ [[A]], %then ], [ %other, %else ]
; CHECK-NEXT:    #dbg_value(ptr %frame, !{{[0-9]+}}, !DIExpression(DW_OP_plus_uconst, 16, DW_OP_stack_value),
; OFF-LABEL:   define void @resume_clone(ptr %frame, i64 %i)
; OFF-NEXT:    entry:
; OFF-NEXT:      %a = getelementptr inbounds i8, ptr %frame, i64 16
define void @resume_clone(ptr %frame, i64 %i) !dbg !5 {
entry:
  %a = getelementptr inbounds i8, ptr %frame, i64 16
  %kept = getelementptr inbounds i8, ptr %frame, i64 8
  %v = getelementptr inbounds i8, ptr %frame, i64 %i
  %other = alloca i8
  call void @use(ptr %kept)
  %b = load i64, ptr %frame
  %old = call i64 @__memscope_resume(i64 %b)
  %c = call i1 @cond()
  br i1 %c, label %then, label %else

then:
  call void @use(ptr %a)
  call void @use(ptr %a)
  call void @use(ptr %kept)
  br label %join

else:
  call void @use(ptr %v)
  br label %join

join:
  %p = phi ptr [ %a, %then ], [ %other, %else ]
    #dbg_value(ptr %a, !9, !DIExpression(), !10)
  call void @use(ptr %p)
  call void @__memscope_suspend(i64 %old)
  ret void
}

; CHECK-LABEL: define void @no_hooks(ptr %frame)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %a = getelementptr inbounds i8, ptr %frame, i64 16
define void @no_hooks(ptr %frame) {
entry:
  %a = getelementptr inbounds i8, ptr %frame, i64 16
  br label %next

next:
  call void @use(ptr %a)
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, producer: "clang", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "t.cpp", directory: "/")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!4 = !{i32 7, !"Dwarf Version", i32 5}
!5 = distinct !DISubprogram(name: "resume_clone", scope: !1, file: !1, line: 1, type: !6, scopeLine: 1, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{null}
!8 = !DIBasicType(name: "char", size: 8, encoding: DW_ATE_signed_char)
!9 = !DILocalVariable(name: "field", scope: !5, file: !1, line: 2, type: !11)
!10 = !DILocation(line: 2, scope: !5)
!11 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !8, size: 64)
