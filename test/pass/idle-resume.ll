; In a coroutine's destroy (or cleanup) clone, a resume whose context is
; used only by suspends that every path from it reaches, with nothing
; between that may allocate or is memscope's, is dropped with its suspends
; (LateInstrumentationPass.cpp, dropIdleResume): a destroy path that only
; frees. A spill of the saved context into the frame then stores the
; context word as it is. Anything that may allocate between, a path that
; leaves without a suspend, or a resume clone (a task switch there is busy
; time and a resume count) keeps the pair.
; RUN: %memscope_opt -passes=memscope-late -memscope-inline-hooks=0 -S %s | FileCheck %s
; RUN: %memscope_opt -passes=memscope-late -S %s | FileCheck %s --check-prefix=INLINE

target triple = "x86_64-unknown-linux-gnu"

; Frees on one branch: dropped.
; CHECK-LABEL: define void @f.destroy(
; CHECK-NOT:   @__memscope_resume
; CHECK-NOT:   @__memscope_suspend
; CHECK:       call void @__memscope_frame_end(
define void @f.destroy(i64 %binding, ptr %p) {
entry:
  %prev = call i64 @__memscope_resume(i64 %binding)
  %null = icmp eq ptr %p, null
  br i1 %null, label %done, label %free
free:
  call void @_ZdlPv(ptr %p)
  br label %done
done:
  call void @__memscope_suspend(i64 %prev)
  call void @__memscope_frame_end(i64 %binding, i64 64)
  ret void
}

; The saved context spilled into the frame: with the hooks inline, the
; spill stores the word as it is and both hooks go; without, the pair stays.
; CHECK-LABEL: define void @g.cleanup(
; CHECK:       call i64 @__memscope_resume(
; INLINE-LABEL: define void @g.cleanup(
; INLINE:       %[[AT:.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
; INLINE-NEXT:  %[[CTX:.*]] = load i64, ptr %[[AT]], align 8
; INLINE-NEXT:  store i64 %[[CTX]], ptr %frame
; INLINE-NOT:   @__memscope_
; INLINE:       ret void
define void @g.cleanup(i64 %binding, ptr %frame) {
entry:
  %prev = call i64 @__memscope_resume(i64 %binding)
  store i64 %prev, ptr %frame
  store i32 1, ptr @sink
  call void @__memscope_suspend(i64 %prev)
  ret void
}

; An allocation between: kept.
; CHECK-LABEL: define ptr @h.destroy(
; CHECK:       call i64 @__memscope_resume(
; CHECK:       call ptr @malloc(
; CHECK:       call void @__memscope_suspend(
define ptr @h.destroy(i64 %binding) {
entry:
  %prev = call i64 @__memscope_resume(i64 %binding)
  %q = call ptr @malloc(i64 16)
  call void @__memscope_suspend(i64 %prev)
  ret ptr %q
}

; A path that returns without the suspend: kept.
; CHECK-LABEL: define void @i.destroy(
; CHECK:       call i64 @__memscope_resume(
; CHECK:       call void @__memscope_suspend(
define void @i.destroy(i64 %binding, i1 %c) {
entry:
  %prev = call i64 @__memscope_resume(i64 %binding)
  br i1 %c, label %out, label %back
back:
  call void @__memscope_suspend(i64 %prev)
  ret void
out:
  ret void
}

; The same as g.cleanup in a resume clone: kept, as the idle pair (abi.h),
; whose calls save every register they use.
; CHECK-LABEL: define void @g.resume(
; CHECK:       call preserve_mostcc i64 @__memscope_resume_idle(
; CHECK:       call preserve_mostcc void @__memscope_suspend_idle(
define void @g.resume(i64 %binding, ptr %frame) {
entry:
  %prev = call i64 @__memscope_resume(i64 %binding)
  store i64 %prev, ptr %frame
  store i32 1, ptr @sink
  call void @__memscope_suspend(i64 %prev)
  ret void
}

; A destroy clone the inliner took into its caller: the function's name no
; longer says destroy, the hook's does (abi.h). Dropped as in f.destroy.
; CHECK-LABEL: define void @destroy_inlined(
; CHECK-NOT:   @__memscope_resume
; CHECK-NOT:   @__memscope_suspend
; CHECK:       call void @__memscope_frame_end(
define void @destroy_inlined(i64 %binding, ptr %p) {
entry:
  %prev = call i64 @__memscope_resume_destroy(i64 %binding)
  call void @_ZdlPv(ptr %p)
  call void @__memscope_suspend(i64 %prev)
  call void @__memscope_frame_end(i64 %binding, i64 64)
  ret void
}

; An allocation between: kept, with its own name.
; CHECK-LABEL: define ptr @destroy_inlined_allocating(
; CHECK:       call i64 @__memscope_resume_destroy(
; CHECK:       call void @__memscope_suspend(
define ptr @destroy_inlined_allocating(i64 %binding) {
entry:
  %prev = call i64 @__memscope_resume_destroy(i64 %binding)
  %q = call ptr @malloc(i64 16)
  call void @__memscope_suspend(i64 %prev)
  ret ptr %q
}

@sink = global i32 0
declare i64 @__memscope_resume(i64)
declare i64 @__memscope_resume_destroy(i64)
declare void @__memscope_suspend(i64)
declare void @__memscope_frame_end(i64, i64)
declare void @_ZdlPv(ptr)
declare ptr @malloc(i64)
