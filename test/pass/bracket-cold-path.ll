; A library call bracket opened right before a branch whose other side
; reaches the exit without a call that may allocate (an inlined library
; function that allocates only on a cold path) has its enter moved onto the
; edges that may allocate; the exits restore the word loaded where the
; enter was, which is what it would have returned, and an exit that no
; moved enter reaches goes. Where every side may allocate, or a call that
; may allocate comes before the branch, the enter stays.
; RUN: %memscope_opt -passes=memscope-late -S %s | FileCheck %s
; RUN: %memscope_opt -passes=memscope-late -memscope-sink-bracket-enters=0 -S %s | FileCheck %s --check-prefix=OFF
; RUN: %memscope_opt -passes=memscope-late %s | llc -O2 -o /dev/null

target triple = "x86_64-unknown-linux-gnu"

@site = private global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 } zeroinitializer, section "memscope_sites"

declare i64 @__memscope_call_enter(ptr)
declare void @__memscope_call_exit(i64)
declare void @library()
declare i1 @cond() readnone nounwind willreturn

; CHECK-LABEL: define void @hot_cold(i1 %c)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    [[AT:%.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
; CHECK-NEXT:    [[OLD:%.*]] = load i64, ptr [[AT]], align 8
; CHECK-NEXT:    br i1 %c, label %cold, label %hot
; CHECK:       cold:
; CHECK:         load atomic i32, ptr getelementptr {{.*}} @site
; CHECK:         call void @library()
; CHECK:       done:
; CHECK-NOT:     @site
; CHECK:         store i64 [[OLD]], ptr
; CHECK:         call void @__memscope_call_exit(i64 [[OLD]])
define void @hot_cold(i1 %c) {
entry:
  %saved = call i64 @__memscope_call_enter(ptr @site)
  br i1 %c, label %cold, label %hot

cold:
  call void @library()
  br label %done

hot:
  br label %done

done:
  call void @__memscope_call_exit(i64 %saved)
  ret void
}

; A loop's latch opens the bracket again each time round (benchmark::State's
; range loop): each enter goes onto its edge to the cold end of the loop (a
; critical edge, split), and the exits' phis take the words loaded before
; the branches. The hot side, round the loop, has no enter left, and its
; exit, which no moved enter reaches, would only put back the word as it
; is: it goes too.
; CHECK-LABEL: define void @latch(i64 %n, i1 %d)
; CHECK:       top:
; CHECK-NEXT:    %first = icmp eq i64 %n, 0
; CHECK-NEXT:    [[AT1:%.*]] = call ptr @llvm.threadlocal.address.p0
; CHECK-NEXT:    [[OLD1:%.*]] = load i64, ptr [[AT1]]
; CHECK-NEXT:    br i1 %first, label %top.finish_crit_edge, label %body
; CHECK:       top.finish_crit_edge:
; CHECK:         load atomic i32, ptr getelementptr {{.*}} @site
; CHECK:       latch:
; CHECK-NEXT:    %j = add i64 %i, 1
; CHECK-NEXT:    [[AT2:%.*]] = call ptr @llvm.threadlocal.address.p0
; CHECK-NEXT:    [[OLD2:%.*]] = load i64, ptr [[AT2]]
; CHECK-NEXT:    %again = icmp ult i64 %j, %n
; CHECK-NEXT:    br i1 %again, label %body, label %latch.finish_crit_edge
; CHECK:       latch.finish_crit_edge:
; CHECK:         load atomic i32, ptr getelementptr {{.*}} @site
; CHECK:       finish:
; CHECK-NEXT:    %s = phi i64 [ [[OLD1]], %{{.*}} ], [ [[OLD2]], %{{.*}} ]
; CHECK:       alloc:
; CHECK-NEXT:    call void @library()
; The exit round the loop, which no moved enter reaches, goes.
; CHECK:       body:
; CHECK-NEXT:    %i = phi i64 [ 0, %top ], [ %j, %latch ]
; CHECK-NEXT:    br label %latch
; OFF-LABEL:   define void @latch(
; OFF:         latch:
; OFF-NEXT:      %j = add i64 %i, 1
; OFF-NEXT:      call ptr @llvm.threadlocal.address.p0
; OFF-NEXT:      load i64
; OFF-NEXT:      load atomic i32, ptr getelementptr {{.*}} @site
define void @latch(i64 %n, i1 %d) {
top:
  %first = icmp eq i64 %n, 0
  %e0 = call i64 @__memscope_call_enter(ptr @site)
  br i1 %first, label %finish, label %body

latch:
  %j = add i64 %i, 1
  %e1 = call i64 @__memscope_call_enter(ptr @site)
  %again = icmp ult i64 %j, %n
  br i1 %again, label %body, label %finish

finish:
  %s = phi i64 [ %e0, %top ], [ %e1, %latch ]
  br i1 %d, label %alloc, label %skip

alloc:
  call void @library()
  br label %skip

skip:
  call void @__memscope_call_exit(i64 %s)
  ret void

body:
  %i = phi i64 [ 0, %top ], [ %j, %latch ]
  %b = phi i64 [ %e0, %top ], [ %e1, %latch ]
  call void @__memscope_call_exit(i64 %b)
  br label %latch
}

; Each side with an exit of its own: the hot side's, which restores the
; loaded word itself (no phi), goes; the cold side's stays.
; CHECK-LABEL: define void @own_exits(i1 %c)
; CHECK:       cold:
; CHECK:         load atomic i32, ptr getelementptr {{.*}} @site
; CHECK:         call void @library()
; CHECK:         call void @__memscope_call_exit(
; CHECK:       hot:
; CHECK-NEXT:    ret void
define void @own_exits(i1 %c) {
entry:
  %saved = call i64 @__memscope_call_enter(ptr @site)
  br i1 %c, label %cold, label %hot

cold:
  call void @library()
  call void @__memscope_call_exit(i64 %saved)
  ret void

hot:
  call void @__memscope_call_exit(i64 %saved)
  ret void
}

; An exit that also restores a word from elsewhere (here one read from
; memory, as a spilled context is) stays, though no moved enter reaches it:
; only the words loaded where moved enters were are known to be the word
; as it is.
; CHECK-LABEL: define void @restores_other(i32 %k, ptr %slot)
; CHECK:       done:
; CHECK-NEXT:    %s = phi i64
; CHECK:         call void @__memscope_call_exit(i64 %s)
define void @restores_other(i32 %k, ptr %slot) {
entry:
  %saved = call i64 @__memscope_call_enter(ptr @site)
  switch i32 %k, label %cold [ i32 0, label %hot
                               i32 1, label %spill ]

cold:
  call void @library()
  call void @__memscope_call_exit(i64 %saved)
  ret void

hot:
  br label %done

spill:
  %spilled = load i64, ptr %slot
  br label %done

done:
  %s = phi i64 [ %saved, %hot ], [ %spilled, %spill ]
  call void @__memscope_call_exit(i64 %s)
  ret void
}

; Both sides may allocate: the bracket stays as it is.
; CHECK-LABEL: define void @both_busy(i1 %c)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    [[AT:%.*]] = call ptr @llvm.threadlocal.address.p0
; CHECK-NEXT:    load i64, ptr [[AT]]
; CHECK-NEXT:    load atomic i32, ptr getelementptr {{.*}} @site
define void @both_busy(i1 %c) {
entry:
  %saved = call i64 @__memscope_call_enter(ptr @site)
  br i1 %c, label %a, label %b

a:
  call void @library()
  br label %done

b:
  call void @library()
  br label %done

done:
  call void @__memscope_call_exit(i64 %saved)
  ret void
}

; A call that may allocate between the enter and the branch keeps it there.
; CHECK-LABEL: define void @call_first(i1 %c)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    [[AT:%.*]] = call ptr @llvm.threadlocal.address.p0
; CHECK-NEXT:    load i64, ptr [[AT]]
; CHECK-NEXT:    load atomic i32, ptr getelementptr {{.*}} @site
define void @call_first(i1 %c) {
entry:
  %saved = call i64 @__memscope_call_enter(ptr @site)
  call void @library()
  br i1 %c, label %cold, label %done

cold:
  call void @library()
  br label %done

done:
  call void @__memscope_call_exit(i64 %saved)
  ret void
}
