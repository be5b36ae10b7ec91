; The end of the pipeline takes the common path of the resume, suspend,
; ramp and library call hooks inline (abi.h, "Inline fast paths"): the
; thread's context word (initial-exec TLS), one compare, the new word stored
; only where it passed (a value that does not come from the word's load, so
; that a loop's hooks do not chain through the word), and the hook itself
; called only on the other path (a task switch, a site not registered yet),
; where it finds the word as it was. The idle pair stores nothing. Nothing
; else changes.
; RUN: %memscope_opt -passes=memscope-late -S %s | FileCheck %s
; RUN: %memscope_opt -passes=memscope-late -memscope-inline-hooks=0 -S %s | FileCheck %s --check-prefix=OFF
; RUN: %memscope_opt -passes=memscope-late %s | llc -O2 -o - | FileCheck %s --check-prefix=X86

target triple = "x86_64-unknown-linux-gnu"

@site = private global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 } zeroinitializer, section "memscope_sites"
@root = private global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 } { ptr null, ptr null, ptr null, i32 0, i32 0, i32 2, i32 1, i32 8, i32 0 }, section "memscope_sites"
@elsewhere = external global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 }

; The thread state as abi.h gives it: the context word, ramp_slot, internal,
; the frame batch's binding, size and reuses.
; CHECK: @__memscope_thread_state = external thread_local(initialexec) global { i64, i32, i32, i64, i64, i64 }

; CHECK-LABEL: define i64 @resume(i64 %b)
; CHECK-NEXT:  [[AT:%.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
; CHECK-NEXT:  [[OLD:%.*]] = load i64, ptr [[AT]], align 8
; The root bit is in the binding's high half: the slots compare as they are.
; CHECK-NEXT:  [[S1:%.*]] = trunc i64 [[OLD]] to i32
; CHECK-NEXT:  [[S2:%.*]] = trunc i64 %b to i32
; CHECK-NEXT:  [[SAME:%.*]] = icmp eq i32 [[S1]], [[S2]]
; CHECK-NEXT:  br i1 [[SAME]], label %[[FAST:.*]], label %[[COLD:.*]], !prof ![[LIKELY:[0-9]+]]
; The bit cleared on the fast path only, so that %b's register is free there
; (the call still takes %b): one btr on x86-64, whose `and` cannot take the
; mask.
; CHECK:       [[FAST]]:
; CHECK-NEXT:  [[NOROOT:%.*]] = call i64 asm "btrq $$63, $0", "=r,0,~{flags}"(i64 %b)
; CHECK-NEXT:  store i64 [[NOROOT]], ptr [[AT]], align 8
; CHECK-NEXT:  br label %[[JOIN:.*]]
; CHECK:       [[COLD]]:
; CHECK-NEXT:  call i64 @__memscope_resume(i64 %b)
; CHECK-NEXT:  br label %[[JOIN]]
; CHECK:       [[JOIN]]:
; CHECK-NEXT:  ret i64 [[OLD]]
; OFF-LABEL:   define i64 @resume(i64 %b)
; OFF-NEXT:    %p = call i64 @__memscope_resume(i64 %b)
define i64 @resume(i64 %b) {
  %p = call i64 @__memscope_resume(i64 %b)
  ret i64 %p
}

; A destroy edge's resume (abi.h): the same inline path, its own hook.
; CHECK-LABEL: define i64 @resume_destroy(i64 %b)
; CHECK:       [[SAME:%.*]] = icmp eq i32
; CHECK:       br i1 [[SAME]]
; CHECK:       store i64
; CHECK:       call i64 @__memscope_resume_destroy(i64 %b)
define i64 @resume_destroy(i64 %b) {
  %p = call i64 @__memscope_resume_destroy(i64 %b)
  ret i64 %p
}

; CHECK-LABEL: define void @suspend(i64 %s)
; CHECK:       [[OLD:%.*]] = load i64, ptr
; CHECK:       [[SAME:%.*]] = icmp eq i32
; CHECK-NEXT:  br i1 [[SAME]], label %[[FAST:.*]], label %[[COLD:.*]], !prof
; CHECK:       [[FAST]]:
; CHECK-NEXT:  store i64 %s, ptr
; CHECK:       [[COLD]]:
; CHECK-NEXT:  call void @__memscope_suspend(i64 %s)
; CHECK-NOT:   @__memscope_suspend(
; CHECK:       ret void
define void @suspend(i64 %s) {
  call void @__memscope_suspend(i64 %s)
  ret void
}

; The site's registered index (its last field, read relaxed) goes into the
; site half when it is not 0 (the runtime stores none past
; MEMSCOPE_MAX_SITES - 1), and the hook is called otherwise; the result is
; the old word on both paths. call_exit stores the saved word where its slot
; is the word's (then it differs only in the site half), and calls the hook
; otherwise (MEMSCOPE_NO_CONTEXT, whose slot no current word has, or another
; task).
; CHECK-LABEL: define void @bracket()
; CHECK:       [[OLD:%.*]] = load i64, ptr [[AT:%.*]], align 8
; CHECK-NEXT:  [[I:%.*]] = load atomic i32, ptr getelementptr inbounds ({ ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 }, ptr @site, i32 0, i32 8) monotonic, align 4
; CHECK:       [[NEW:%.*]] = or i64
; CHECK-NEXT:  [[OK:%.*]] = icmp ne i32 [[I]], 0
; CHECK-NEXT:  br i1 [[OK]], label %[[SET:.*]], label %[[REG:.*]], !prof ![[LIKELY]]
; CHECK:       [[SET]]:
; CHECK-NEXT:  store i64 [[NEW]], ptr [[AT]], align 8
; CHECK:       [[REG]]:
; CHECK-NEXT:  call i64 @__memscope_call_enter(ptr @site)
; CHECK:       call void @library()
; CHECK:       [[NOW:%.*]] = load i64, ptr [[AT2:%.*]], align 8
; CHECK-NEXT:  [[S1:%.*]] = trunc i64 [[NOW]] to i32
; CHECK-NEXT:  [[S2:%.*]] = trunc i64 [[OLD]] to i32
; CHECK-NEXT:  [[SAME:%.*]] = icmp eq i32 [[S1]], [[S2]]
; CHECK-NEXT:  br i1 [[SAME]], label %[[BACK:.*]], label %[[CALL:.*]], !prof ![[LIKELY]]
; CHECK:       [[BACK]]:
; CHECK-NEXT:  store i64 [[OLD]], ptr [[AT2]], align 8
; CHECK:       [[CALL]]:
; CHECK-NEXT:  call void @__memscope_call_exit(i64 [[OLD]])
; CHECK:       ret void
; OFF-LABEL:   define void @bracket()
; OFF:         call i64 @__memscope_call_enter(ptr @site)
; OFF:         call void @__memscope_call_exit(
define void @bracket() {
  %saved = call i64 @__memscope_call_enter(ptr @site)
  call void @library()
  call void @__memscope_call_exit(i64 %saved)
  ret void
}

; The idle pair: the compare alone, the calls (saving every register) only
; on a task switch; the result is the old word. A suspend in the resume's
; own block that restores its result: where the test passed, nothing in
; between can change the task, so the slice is duplicated and its common
; copy tests nothing more; the other copy calls both hooks. Values the
; slice defines come from either copy.
; CHECK-LABEL: define i64 @idle(i64 %b)
; CHECK:       [[OLD:%.*]] = load i64, ptr [[AT:%.*]], align 8
; CHECK-NEXT:  [[S1:%.*]] = trunc i64 [[OLD]] to i32
; CHECK-NEXT:  [[S2:%.*]] = trunc i64 %b to i32
; CHECK-NEXT:  [[SAME:%.*]] = icmp eq i32 [[S1]], [[S2]]
; CHECK-NEXT:  br i1 [[SAME]], label %[[COMMON:.*]], label %[[SWITCH:.*]], !prof ![[LIKELY]]
; CHECK:       [[COMMON]]:
; CHECK-NEXT:  [[X:%.*]] = mul i64 %b, 3
; CHECK-NEXT:  br label %[[JOIN:.*]]
; CHECK:       [[SWITCH]]:
; The switching copy restores what its resume call returned (the same word),
; so that the inline load feeds only the test.
; CHECK-NEXT:  [[P:%.*]] = call preserve_mostcc i64 @__memscope_resume_idle(i64 %b)
; CHECK-NEXT:  [[XS:%.*]] = mul i64 %b, 3
; CHECK-NEXT:  call preserve_mostcc void @__memscope_suspend_idle(i64 [[P]])
; CHECK-NEXT:  br label %[[JOIN]]
; CHECK:       [[JOIN]]:
; CHECK-NEXT:  [[XB:%.*]] = phi i64 [ [[X]], %[[COMMON]] ], [ [[XS]], %[[SWITCH]] ]
; CHECK-NEXT:  [[R:%.*]] = add i64 [[XB]], [[OLD]]
; CHECK-NEXT:  ret i64 [[R]]
define i64 @idle(i64 %b) {
  %p = call preserve_mostcc i64 @__memscope_resume_idle(i64 %b)
  %x = mul i64 %b, 3
  call preserve_mostcc void @__memscope_suspend_idle(i64 %p)
  %r = add i64 %x, %p
  ret i64 %r
}

; Nothing is duplicated across a call that may not be: both tests stay.
; CHECK-LABEL: define i64 @idle_across_convergent(i64 %b)
; CHECK:       call preserve_mostcc i64 @__memscope_resume_idle(i64 %b)
; CHECK:       call void @barrier()
; CHECK:       [[NOW:%.*]] = load i64, ptr
; CHECK:       call preserve_mostcc void @__memscope_suspend_idle(
; CHECK-NOT:   @__memscope_resume_idle(
; CHECK:       ret i64
define i64 @idle_across_convergent(i64 %b) {
  %p = call preserve_mostcc i64 @__memscope_resume_idle(i64 %b)
  call void @barrier() convergent
  call preserve_mostcc void @__memscope_suspend_idle(i64 %p)
  ret i64 %p
}

; A suspend in another block keeps its own test: the word is read again.
; CHECK-LABEL: define i64 @idle_apart(i64 %b, i1 %c)
; CHECK:       [[OLD:%.*]] = load i64, ptr [[AT:%.*]], align 8
; CHECK:       icmp eq i32
; CHECK-NOT:   store
; CHECK:       call preserve_mostcc i64 @__memscope_resume_idle(i64 %b)
; CHECK:       [[NOW:%.*]] = load i64, ptr
; CHECK-NEXT:  [[N1:%.*]] = trunc i64 [[NOW]] to i32
; CHECK-NEXT:  [[N2:%.*]] = trunc i64 [[OLD]] to i32
; CHECK-NEXT:  icmp eq i32 [[N1]], [[N2]]
; CHECK-NOT:   store
; CHECK:       call preserve_mostcc void @__memscope_suspend_idle(i64 [[OLD]])
; CHECK-NOT:   store
; CHECK:       ret i64 [[OLD]]
define i64 @idle_apart(i64 %b, i1 %c) {
  %p = call preserve_mostcc i64 @__memscope_resume_idle(i64 %b)
  br i1 %c, label %then, label %done
then:
  call void @library()
  br label %done
done:
  call preserve_mostcc void @__memscope_suspend_idle(i64 %p)
  ret i64 %p
}

; A ramp of a child site: when the context's slot is the thread's ramp_slot
; (the state's second word), the site half moves to the site's index, not
; tested (the module's constructor registered it: 0 is a full table), and
; the frame window (bit 31 of internal, the third word) opens; the hook is
; called otherwise. The result is the old word on both paths.
; CHECK-LABEL: define i64 @ramp()
; CHECK:       [[AT:%.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
; CHECK-NEXT:  [[OLD:%.*]] = load i64, ptr [[AT]], align 8
; CHECK-NEXT:  [[I:%.*]] = load atomic i32, ptr getelementptr inbounds ({ ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 }, ptr @site, i32 0, i32 8) monotonic, align 4
; CHECK-NEXT:  [[RSAT:%.*]] = getelementptr inbounds { i64, i32, i32, i64, i64, i64 }, ptr [[AT]], i32 0, i32 1
; CHECK-NEXT:  [[RS:%.*]] = load i32, ptr [[RSAT]], align 4
; CHECK-NEXT:  [[SLOT:%.*]] = trunc i64 [[OLD]] to i32
; CHECK-NEXT:  [[FAST:%.*]] = icmp eq i32 [[SLOT]], [[RS]]
; The slot half from ramp_slot (equal to the word's where the test passes).
; CHECK-NEXT:  [[RSW:%.*]] = zext i32 [[RS]] to i64
; CHECK-NEXT:  [[TASK:%.*]] = and i64 [[RSW]], 4294967295
; CHECK-NEXT:  [[IW:%.*]] = zext i32 [[I]] to i64
; CHECK-NEXT:  [[SITE:%.*]] = shl i64 [[IW]], 32
; CHECK-NEXT:  [[NEW:%.*]] = or i64 [[TASK]], [[SITE]]
; CHECK-NEXT:  br i1 [[FAST]], label %[[THEN:.*]], label %[[ELSE:.*]], !prof ![[LIKELY]]
; CHECK:       [[THEN]]:
; CHECK-NEXT:  store i64 [[NEW]], ptr [[AT]], align 8
; CHECK-NEXT:  [[INAT:%.*]] = getelementptr inbounds { i64, i32, i32, i64, i64, i64 }, ptr [[AT]], i32 0, i32 2
; Relaxed atomics, so that codegen does not narrow the `or` to a byte store
; that the frame hook's 32-bit load could not forward from.
; CHECK-NEXT:  [[IN:%.*]] = load atomic i32, ptr [[INAT]] monotonic, align 4
; CHECK-NEXT:  [[WIN:%.*]] = or i32 [[IN]], -2147483648
; CHECK-NEXT:  store atomic i32 [[WIN]], ptr [[INAT]] monotonic, align 4
; CHECK:       [[ELSE]]:
; CHECK-NEXT:  call i64 @__memscope_ramp_enter(ptr @site)
; CHECK:       ret i64 [[OLD]]
; What codegen makes of it: the window opened by one 32-bit `or` to memory,
; not a byte `or` of the word's top byte.
; X86-LABEL:   ramp:
; X86-NOT:     orb
; X86:         orl $-2147483648, %fs:12(
; X86-NOT:     orb
; X86:         .cfi_endproc
; OFF-LABEL:   define i64 @ramp()
; OFF-NEXT:    %p = call i64 @__memscope_ramp_enter(ptr @site)
define i64 @ramp() {
  %p = call i64 @__memscope_ramp_enter(ptr @site)
  ret i64 %p
}

; A task root's ramp, or one of a site defined elsewhere, stays a call.
; CHECK-LABEL: define i64 @ramps_called()
; CHECK-NEXT:  %p = call i64 @__memscope_ramp_enter(ptr @root)
; CHECK-NEXT:  %q = call i64 @__memscope_ramp_enter(ptr @elsewhere)
define i64 @ramps_called() {
  %p = call i64 @__memscope_ramp_enter(ptr @root)
  %q = call i64 @__memscope_ramp_enter(ptr @elsewhere)
  %r = add i64 %p, %q
  ret i64 %r
}

; A frame begun in place of the batch's ended frame (frame_batch.hpp): when
; internal is exactly the frame window and the virtual-frame bit and the
; context is the batch's binding, internal goes to 0 and the reuses up by
; one, and the binding is the context; the hook is called otherwise. A heap
; frame of a constant size is not compared with the batch's size (abi.h:
; the binding's site says it).
; CHECK-LABEL: define i64 @frame_begin(ptr %f)
; CHECK:       [[INAT:%.*]] = getelementptr inbounds { i64, i32, i32, i64, i64, i64 }, ptr [[AT:%.*]], i32 0, i32 2
; CHECK-NEXT:  [[IN:%.*]] = load i32, ptr [[INAT]], align 4
; CHECK-NEXT:  [[BWAT:%.*]] = getelementptr inbounds { i64, i32, i32, i64, i64, i64 }, ptr [[AT]], i32 0, i32 3
; CHECK-NEXT:  [[BW:%.*]] = load i64, ptr [[BWAT]], align 8
; CHECK-NEXT:  [[OLD:%.*]] = load i64, ptr [[AT]], align 8
; CHECK-NEXT:  [[V:%.*]] = icmp eq i32 [[IN]], -1610612736
; CHECK-NEXT:  [[W:%.*]] = icmp eq i64 [[OLD]], [[BW]]
; CHECK-NEXT:  [[FAST:%.*]] = and i1 [[V]], [[W]]
; CHECK-NEXT:  br i1 [[FAST]], label %[[THEN:.*]], label %[[ELSE:.*]], !prof ![[LIKELY]]
; CHECK:       [[THEN]]:
; CHECK-NEXT:  getelementptr
; CHECK-NEXT:  store i32 0, ptr {{.*}}, align 4
; CHECK-NEXT:  [[RAT:%.*]] = getelementptr inbounds { i64, i32, i32, i64, i64, i64 }, ptr [[AT]], i32 0, i32 5
; CHECK-NEXT:  [[R:%.*]] = load i64, ptr [[RAT]], align 8
; CHECK-NEXT:  [[R1:%.*]] = add i64 [[R]], 1
; CHECK-NEXT:  store i64 [[R1]], ptr [[RAT]], align 8
; CHECK:       [[ELSE]]:
; CHECK-NEXT:  [[CALLED:%.*]] = call i64 @__memscope_frame_begin(ptr %f, i64 104)
; CHECK:       [[B:%.*]] = phi i64 [ [[OLD]], %[[THEN]] ], [ [[CALLED]], %[[ELSE]] ]
; CHECK-NEXT:  ret i64 [[B]]
; OFF-LABEL:   define i64 @frame_begin(ptr %f)
; OFF-NEXT:    %b = call i64 @__memscope_frame_begin(ptr %f, i64 104)
define i64 @frame_begin(ptr %f) {
  %b = call i64 @__memscope_frame_begin(ptr %f, i64 104)
  ret i64 %b
}

; A size that is not a known heap size (a frame that may be elided, or one
; that is not on the heap) is compared with the batch's.
; CHECK-LABEL: define i64 @frame_begin_maybe_elided(ptr %f, i64 %n)
; CHECK:       [[BS:%ms.batch.size]] = load i64, ptr
; CHECK-NEXT:  [[SAMESIZE:%.*]] = icmp eq i64 %n, [[BS]]
; CHECK:       [[VW:%.*]] = and i1
; CHECK-NEXT:  [[FAST:%.*]] = and i1 [[VW]], [[SAMESIZE]]
; CHECK-NEXT:  br i1 [[FAST]]
; CHECK-LABEL: define i64 @frame_begin_not_on_heap(ptr %f)
; CHECK:       icmp eq i64 -9223372036854775704, {{%.*}}
define i64 @frame_begin_maybe_elided(ptr %f, i64 %n) {
  %b = call i64 @__memscope_frame_begin(ptr %f, i64 %n)
  ret i64 %b
}
define i64 @frame_begin_not_on_heap(ptr %f) {
  %b = call i64 @__memscope_frame_begin(ptr %f, i64 -9223372036854775704)
  ret i64 %b
}

; The batch's frame ends: binding the batch's and internal 0 set the
; virtual-frame bit; the hook is called otherwise. The size is compared
; where it is not a known heap size.
; CHECK-LABEL: define void @frame_end(i64 %b)
; CHECK:       [[IN:%.*]] = load i32, ptr
; CHECK-NEXT:  getelementptr
; CHECK-NEXT:  [[BW:%.*]] = load i64, ptr
; CHECK-NEXT:  [[SAMEB:%.*]] = icmp eq i64 %b, [[BW]]
; CHECK-NEXT:  [[ZERO:%.*]] = icmp eq i32 [[IN]], 0
; CHECK-NEXT:  [[FAST:%.*]] = and i1 [[SAMEB]], [[ZERO]]
; CHECK-NEXT:  br i1 [[FAST]], label %[[THEN:.*]], label %[[ELSE:.*]], !prof ![[LIKELY]]
; CHECK:       [[THEN]]:
; CHECK-NEXT:  getelementptr
; CHECK-NEXT:  store i32 536870912, ptr {{.*}}, align 4
; CHECK:       [[ELSE]]:
; CHECK-NEXT:  call void @__memscope_frame_end(i64 %b, i64 104)
; CHECK:       ret void
; CHECK-LABEL: define void @frame_end_maybe_elided(i64 %b, i64 %n)
; CHECK:       [[BS:%ms.batch.size]] = load i64, ptr
; CHECK-NEXT:  [[SAMESIZE:%.*]] = icmp eq i64 %n, [[BS]]
; CHECK-NEXT:  [[SAMEB:%.*]] = icmp eq i64 %b,
; CHECK-NEXT:  [[BOTH:%.*]] = and i1 [[SAMEB]], [[SAMESIZE]]
define void @frame_end(i64 %b) {
  call void @__memscope_frame_end(i64 %b, i64 104)
  ret void
}
define void @frame_end_maybe_elided(i64 %b, i64 %n) {
  call void @__memscope_frame_end(i64 %b, i64 %n)
  ret void
}

; CHECK: ![[LIKELY]] = !{!"branch_weights", i32 1048576, i32 1}
; CHECK: !{{[0-9]+}} = !{!"branch_weights", i32 1, i32 1048576}

declare i64 @__memscope_resume(i64)
declare i64 @__memscope_resume_destroy(i64)
declare void @__memscope_suspend(i64)
declare void @barrier() convergent
declare preserve_mostcc i64 @__memscope_resume_idle(i64)
declare preserve_mostcc void @__memscope_suspend_idle(i64)
declare i64 @__memscope_ramp_enter(ptr)
declare i64 @__memscope_frame_begin(ptr, i64)
declare void @__memscope_frame_end(i64, i64)
declare i64 @__memscope_call_enter(ptr)
declare void @__memscope_call_exit(i64)
declare void @library()
