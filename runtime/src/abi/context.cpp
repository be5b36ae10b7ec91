// The coroutine-context hooks (abi.h): which task is current on this thread,
// which coroutine site is running, and task creation/completion around
// spawns and root frames. No locks, no allocation, no system calls: each hook
// is a few TLS accesses and relaxed atomic adds on the task's record.
#include "accounting/allocation_path.hpp"
#include "accounting/frame_batch.hpp"
#include "accounting/root_sites.hpp"
#include "accounting/sites.hpp"
#include "export/trace_events.hpp"
#include "lifecycle.hpp"
#include "support/clock.hpp"
#include "tasks/task_peak.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/abi.h"
#include "memscope/snapshot.hpp"

namespace memscope::detail {

constinit thread_local ThreadState t_state MEMSCOPE_TLS_MODEL = {
    .ramp_slot = kNoRampSlot, .internal = kBeforeStart, .batch_word = kNoBatch};
constinit std::atomic<bool> g_runtime_started{false};
std::atomic<std::uint32_t> g_current_slot[kPublishedThreads];
constinit std::atomic<bool> g_slice_timing{true};
constinit std::atomic<bool> g_frame_batch{true};

namespace {

std::atomic<std::uint32_t> g_thread_count{0};

// Says which task is now current on this thread (thread_state.hpp). Release:
// whoever reads that this thread left a task sees every write this thread
// made to its record while it was current.
inline void publish_current(std::uint32_t index1, std::uint32_t from,
                            std::uint32_t to) noexcept {
  if (index1 <= kPublishedThreads) [[likely]] {
    g_current_slot[index1 - 1].store(to, std::memory_order_release);
    return;
  }
  if (from != 0)
    task(from).running.fetch_sub(1, std::memory_order_acq_rel);
  if (to != 0)
    task(to).running.fetch_add(1, std::memory_order_acq_rel);
}

// What names a task's run slices in the trace: its root coroutine, or,
// inside a spawn before that coroutine has started, the spawning function.
inline std::uint32_t trace_site(const TaskRecord &t) noexcept {
  const std::uint32_t root = t.root_site.load(std::memory_order_relaxed);
  return root != 0 ? root : t.spawn_site;
}

// Claims a task for this thread if no thread owns it yet (the first thread
// on which it is current owns it for good), and marks this thread in its
// thread set.
inline void claim_owner(ThreadState &ts, std::uint32_t to,
                        std::uint32_t me) noexcept {
  TaskRecord &t = task(to);
  std::uint32_t owner = t.owner.load(std::memory_order_relaxed);
  if (owner == 0 &&
      t.owner.compare_exchange_strong(owner, me, std::memory_order_relaxed))
    owner = me;
  if (owner == me) {
    ts.owned_slot = to;
    ts.owned_record = &t;
    ts.last_owned_slot = to;
    ts.last_owned_record = &t;
    ts.last_owned_id = t.id.load(std::memory_order_relaxed);
  }
  // Read first: the common case (already seen here) then writes nothing.
  if (!(t.threads.load(std::memory_order_relaxed) & ts.thread_bit))
    t.threads.fetch_or(ts.thread_bit, std::memory_order_relaxed);
}

// A task create_task just made with this thread as its owner (and in its
// thread set): the switch into it takes the path of a task this thread
// last owned, without claim_owner's checks.
inline void owns_new_task(ThreadState &ts, std::uint32_t slot) noexcept {
  TaskRecord &t = task(slot);
  ts.last_owned_slot = slot;
  ts.last_owned_record = &t;
  ts.last_owned_id = t.id.load(std::memory_order_relaxed);
}

// Runs only when the task current on this thread changes (a resume of a
// child frame of the same task returns before this). No locked instruction
// unless the task is owned by another thread (task_table.hpp), and no clock
// read unless run-slice timing is on (MEMSCOPE_TIMING, the default).
// `clock`: a cycle count the caller has just read, or 0.
[[gnu::always_inline]] inline void switch_to(ThreadState &ts,
                                             std::uint64_t next,
                                             std::uint64_t clock = 0) noexcept {
  const std::uint32_t from = context_slot(ts.context);
  const std::uint32_t to = context_slot(next);
  if (from != to)
    settle_frame_batch(ts); // before the owned task changes
  ts.context = next;
  if (from == to)
    return;
  ts.ramp_slot = kNoRampSlot;
  std::uint64_t now = 0;
  if (g_slice_timing.load(std::memory_order_relaxed)) {
    now = clock != 0 ? clock : ticks();
    if (from != 0) {
      // The owner's own copy, like resume_count: a plain add.
      if (from == ts.owned_slot)
        owner_add(ts.owned_record->own_busy_ticks, now - ts.since_ticks);
      else
        task(from).busy_ticks.fetch_add(now - ts.since_ticks,
                                        std::memory_order_relaxed);
    }
    ts.since_ticks = now;
  }
  settle_owed_peak(ts, now); // owed only for `from`, current until now
  const std::uint32_t me = thread_index1();
  publish_current(me, from, to);
  ts.owned_slot = 0;
  if (to != 0) {
    // Back to the task this thread last found it owns (the scheduler
    // resuming the same task again): its slot still holds that task while
    // the id matches (ids are never reused), and this thread's bit is in its
    // thread set since then.
    if (to == ts.last_owned_slot && still_owns_last(ts)) [[likely]] {
      ts.owned_slot = to;
      ts.owned_record = ts.last_owned_record;
    } else {
      claim_owner(ts, to, me);
    }
  }
  // MEMSCOPE_TRACE: a run-slice boundary (one predictable branch when off).
  if (g_trace_on.load(std::memory_order_relaxed)) [[unlikely]]
    trace_switch(to == 0 ? 0 : trace_word(task_id(to), trace_site(task(to))),
                 now);
}

inline std::uint32_t site_type(const memscope_site *site) noexcept {
  return site && site->task_type <= MEMSCOPE_TYPE_UNKNOWN
             ? site->task_type
             : std::uint32_t{MEMSCOPE_TYPE_UNKNOWN};
}

// A spawned task's root coroutine starts: it names the task, and gives it its
// type unless the spawn gave an explicit one. Returns false when the task had
// a root already.
inline bool adopt(std::uint32_t slot, std::uint32_t site_idx,
                  const memscope_site *site) noexcept {
  TaskRecord &r = task(slot);
  const std::uint32_t flags =
      r.flags.fetch_or(kAdopted, std::memory_order_relaxed);
  if (flags & kAdopted)
    return false;
  std::uint32_t none = 0;
  // Release: a free that reads the root sees the pending counts it moves.
  if (r.root_site.compare_exchange_strong(none, site_idx,
                                          std::memory_order_acq_rel) &&
      site_idx != 0)
    move_pending(slot); // what it allocated before (root_sites.hpp)
  if (!(flags & kExplicitType) && site)
    r.type.store(site_type(site), std::memory_order_relaxed);
  return true;
}

// The current task was made by a deferred spawn and has no root frame yet.
inline bool awaits_root(std::uint32_t slot) noexcept {
  if (slot == 0 || slot == kUntrackedSlot)
    return false;
  const std::uint32_t flags = task(slot).flags.load(std::memory_order_relaxed);
  return (flags & (kDeferredRoot | kAdopted)) == kDeferredRoot;
}

// A resume that changes the task current on this thread, every case.
[[gnu::noinline]] std::uint64_t resume_switch(std::uint64_t next) noexcept {
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  switch_to(ts, next);
  if (const std::uint32_t to = context_slot(next); to != 0) {
    if (ts.owned_slot == to) // owner_add: task_table.hpp
      owner_add(ts.owned_record->own_resume_count, std::uint64_t{1});
    else
      task(to).resume_count.fetch_add(1, std::memory_order_relaxed);
  }
  return prev;
}

[[gnu::noinline]] void suspend_switch(std::uint64_t saved) noexcept {
  switch_to(t_state, saved);
}

// The two switches a scheduler makes most, with what switch_to does for
// them and nothing else: from no task into the task this thread last found
// it owns (a scheduler resuming it again), and from a task this thread owns
// back to no task. Leaf code: switch_to's rare calls (a first claim, a
// trace event, a thread's first index) made every switch save and restore
// five registers (inlining switch_to under these tests instead, for the
// compiler to fold, measured 132 instructions for a resume and suspend
// against 109). A thread in either case has its index (it owns a task), so
// publishing is publish_current's; tracing takes the general code.
[[gnu::always_inline]] inline bool tracing() noexcept {
  return g_trace_on.load(std::memory_order_relaxed);
}

[[gnu::always_inline]] inline bool
resume_last_owned(ThreadState &ts, std::uint64_t prev,
                  std::uint64_t next) noexcept {
  const std::uint32_t to = context_slot(next);
  if (context_slot(prev) == 0 && to != 0 && to == ts.last_owned_slot &&
      !tracing() && still_owns_last(ts)) [[likely]] {
    // No frame batch to settle: a batch lives only while its task is
    // current (every change of the current task settles it first).
    ts.context = next;
    ts.ramp_slot = kNoRampSlot;
    if (g_slice_timing.load(std::memory_order_relaxed))
      ts.since_ticks = ticks();
    publish_current(ts.thread_index, 0, to);
    TaskRecord *r = ts.last_owned_record;
    ts.owned_slot = to;
    ts.owned_record = r;
    owner_add(r->own_resume_count, std::uint64_t{1});
    return true;
  }
  return false;
}

[[gnu::always_inline]] inline bool
suspend_owned_to_none(ThreadState &ts, std::uint64_t saved) noexcept {
  const std::uint32_t from = context_slot(ts.context);
  if (context_slot(saved) == 0 && from != 0 && from == ts.owned_slot &&
      !tracing()) [[likely]] {
    settle_frame_batch(ts);
    ts.context = saved;
    ts.ramp_slot = kNoRampSlot;
    std::uint64_t now = 0;
    if (g_slice_timing.load(std::memory_order_relaxed)) {
      now = ticks();
      owner_add(ts.owned_record->own_busy_ticks, now - ts.since_ticks);
      ts.since_ticks = now;
    }
    settle_owed_peak(ts, now);
    publish_current(ts.thread_index, from, 0);
    ts.owned_slot = 0;
    return true;
  }
  return false;
}

[[gnu::noinline]] std::uint64_t resume_other_task(std::uint64_t next) noexcept {
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  if (resume_last_owned(ts, prev, next)) [[likely]]
    return prev;
  return resume_switch(next);
}

[[gnu::noinline]] void suspend_to_other_task(std::uint64_t saved) noexcept {
  if (suspend_owned_to_none(t_state, saved)) [[likely]]
    return;
  suspend_switch(saved);
}

// The general switches for the idle hooks, which save every register they
// use: these save the rest around the plain code.
[[gnu::noinline]] MEMSCOPE_SAVES_REGISTERS std::uint64_t
resume_switch_saving(std::uint64_t next) noexcept {
  return resume_switch(next);
}
[[gnu::noinline]] MEMSCOPE_SAVES_REGISTERS void
suspend_switch_saving(std::uint64_t saved) noexcept {
  suspend_switch(saved);
}

// __memscope_call_enter for a site whose table is not registered yet.
[[gnu::noinline]] std::uint64_t
call_enter_registering(const memscope_site *call) noexcept {
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  ts.context = make_context(context_slot(prev), site_index(call));
  return prev;
}

// __memscope_ramp_enter, every case: a spawn's or a deferred root, a new
// root task, a child of a task this thread does not own.
[[gnu::noinline]] std::uint64_t
ramp_enter_general(const memscope_site *coroutine) noexcept {
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  const std::uint32_t current = context_slot(prev);
  const std::uint32_t site_idx = site_index(coroutine);
  std::uint32_t slot = current;
  bool root = false;
  bool fresh_task = false;
  std::uint64_t now = 0; // read by switch_to unless read here
  if (ts.pending_spawn != 0) {
    // The coroutine created by the spawn call being bracketed.
    slot = ts.pending_spawn;
    ts.pending_spawn = 0;
    adopt(slot, site_idx, coroutine);
    root = true;
  } else if (awaits_root(current) && adopt(current, site_idx, coroutine)) {
    root = true; // the coroutine a spawned function object returns
  } else if (current == 0 ||
             (coroutine && (coroutine->flags & MEMSCOPE_FLAG_TASK_ROOT))) {
    const memscope_site *spawn = coroutine ? coroutine->spawn : nullptr;
    std::uint32_t flags = kAdopted;
    if (coroutine && (coroutine->flags & MEMSCOPE_FLAG_EXPLICIT_TYPE))
      flags |= kExplicitType;
    // One clock read for the creation time and the run slice it starts.
    now = ticks();
    const std::uint32_t fresh =
        create_task(current, site_index(spawn), site_idx, site_type(coroutine),
                    flags, now, thread_index1(), ts.thread_bit);
    if (fresh != 0) {
      slot = fresh;
      root = true;
      fresh_task = true;
      owns_new_task(ts, fresh);
    }
  }
  // Always written, so a ramp whose frame allocation failed cannot leave a
  // stale root mark for the next frame_begin.
  if (root)
    set_internal_flags(ts, kRampRoot);
  else
    clear_internal_flags(ts, kRampRoot);
  // A plain child ramp of the task this thread owns: the task's next ramps
  // in this run slice take __memscope_ramp_enter's test alone. (The checks
  // that do not depend on the coroutine hold until the current task
  // changes: a pending spawn or a deferred root is only ever made current by
  // a switch, and a task's kAdopted flag is never cleared.)
  if (!root && current != 0 && current == ts.owned_slot &&
      ts.pending_spawn == 0 && !awaits_root(current))
    ts.ramp_slot = current;
  if (root) // a task made just now has charged nothing yet
    ts.ramp_live_mark = fresh_task ? 0 : live_total(task(slot));
  switch_to(ts, make_context(slot, site_idx), now);
  // The frame allocation comes next: frame_begin charges the frame by its
  // size, so what the allocation function allocates (a block of Asio's
  // recycling allocator, or not even that when it reuses one) is not
  // counted for the task (allocation_path.hpp: the untracked bucket).
  set_internal_flags(ts, kFrameWindow);
  return prev;
}

// __memscope_frame_begin, every case: a root frame, a frame of a task this
// thread does not own, a frame outside any task.
[[gnu::noinline]] std::uint64_t
frame_begin_general(std::uint64_t frame_size_flagged) noexcept {
  ThreadState &ts = t_state;
  const bool on_heap = (frame_size_flagged & MEMSCOPE_FRAME_NOT_ON_HEAP) == 0;
  const std::uint64_t frame_size =
      frame_size_flagged & ~std::uint64_t{MEMSCOPE_FRAME_NOT_ON_HEAP};
  const std::uint32_t slot = context_slot(ts.context);
  TaskRecord &r = task(slot);
  if (slot != 0 && slot == ts.owned_slot) [[likely]] {
    // The owner, with the task current: plain adds (task_table.hpp).
    owner_add(r.own_frame_bytes, frame_size);
    owner_add(r.own_frames, std::uint32_t{1});
  } else {
    r.frame_bytes.fetch_add(frame_size, std::memory_order_relaxed);
    r.frames.fetch_add(1, std::memory_order_relaxed);
    r.live_frames.fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t binding = ts.context;
  if (ts.internal & kRampRoot) {
    binding |= kRootBit;
    r.retained_bytes.store(live_total(r) - ts.ramp_live_mark,
                           std::memory_order_relaxed); // the root frame's

    clear_internal_flags(ts, kRampRoot);
  }
  if (on_heap)
    charge_frame(frame_size);
  return binding;
}

// __memscope_frame_begin of every frame the batch does not take.
[[gnu::noinline]] std::uint64_t
frame_begin_counted(std::uint64_t frame_size_flagged) noexcept {
  ThreadState &ts = t_state;
  clear_internal_flags(ts, kFrameWindow);
  const std::uint32_t slot = context_slot(ts.context);
  // A child frame of the task this thread owns, current here: its owner
  // counters are plain adds (task_table.hpp), and the binding is the context.
  if (slot != 0 && slot == ts.owned_slot && !(ts.internal & kRampRoot))
      [[likely]] {
    const std::uint64_t frame_size =
        frame_size_flagged & ~std::uint64_t{MEMSCOPE_FRAME_NOT_ON_HEAP};
    TaskRecord &r = *ts.owned_record;
    owner_add(r.own_frame_bytes, frame_size);
    owner_add(r.own_frames, std::uint32_t{1});
    if ((frame_size_flagged & MEMSCOPE_FRAME_NOT_ON_HEAP) == 0) {
      charge_frame(frame_size);
      maybe_start_batch(ts, frame_size_flagged);
    }
    return ts.context;
  }
  return frame_begin_general(frame_size_flagged);
}

// __memscope_frame_end of every frame the batch does not take.
[[gnu::noinline]] void
frame_end_counted(std::uint64_t binding,
                  std::uint64_t frame_size_flagged) noexcept {
  ThreadState &ts = t_state;
  const std::uint32_t slot = context_slot(binding);
  if ((frame_size_flagged & MEMSCOPE_FRAME_NOT_ON_HEAP) == 0)
    credit_frame(binding & ~kRootBit, frame_size_flagged);
  // The owner with the task still current (a child frame, or a root frame
  // whose resumer runs in the same task) uses its plain counter; anyone
  // else the locked one. Either way the frame is counted as ended before
  // complete_task may queue the slot for the sweep.
  if (slot != 0 && slot == ts.owned_slot && slot == context_slot(ts.context))
      [[likely]]
    owner_add(ts.owned_record->own_frames_ended, std::uint32_t{1});
  else
    task(slot).live_frames.fetch_sub(1, std::memory_order_relaxed);
  if (binding & kRootBit) {
    settle_frame_batch(ts); // the task's own figures are final now
    complete_task(slot);
  }
}

} // namespace

void assign_thread_index() noexcept {
  const std::uint32_t index =
      g_thread_count.fetch_add(1, std::memory_order_relaxed);
  t_state.thread_bit = std::uint64_t{1} << (index < 63 ? index : 63);
  t_state.thread_index = index + 1;
}

std::vector<std::uint32_t> current_slots() {
  std::vector<std::uint32_t> out;
  const std::uint32_t n = std::min<std::uint32_t>(
      g_thread_count.load(std::memory_order_acquire), kPublishedThreads);
  for (std::uint32_t i = 0; i < n; ++i)
    if (const std::uint32_t slot =
            g_current_slot[i].load(std::memory_order_acquire))
      out.push_back(slot);
  std::sort(out.begin(), out.end());
  return out;
}

bool published_current(std::uint32_t slot) noexcept {
  const std::uint32_t n = std::min<std::uint32_t>(
      g_thread_count.load(std::memory_order_acquire), kPublishedThreads);
  for (std::uint32_t i = 0; i < n; ++i)
    if (g_current_slot[i].load(std::memory_order_seq_cst) == slot)
      return true;
  return false;
}

bool hold_task_for_resume(std::uint32_t slot, std::uint64_t id) noexcept {
  if (slot == 0 || slot == kUntrackedSlot)
    return false;
  const std::uint32_t me = thread_index1();
  if (me > kPublishedThreads) // not published: the id check alone
    return task_id(slot) == id;
  // Say first, then check (the sweep retires first, then looks: one of the
  // two sees the other). seq_cst operations rather than fences: on x86 the
  // exchange is one locked instruction, where a fence measured 27 ns per
  // completion.
  std::atomic<std::uint32_t> &mine = g_current_slot[me - 1];
  const std::uint32_t was = mine.exchange(slot, std::memory_order_seq_cst);
  if (task(slot).id.load(std::memory_order_seq_cst) == id)
    return true; // __memscope_resume publishes it again as it switches
  mine.store(was, std::memory_order_release);
  return false;
}

unsigned threads_seen() noexcept {
  return g_thread_count.load(std::memory_order_relaxed);
}

} // namespace memscope::detail

using namespace memscope::detail;

// The ABI hooks are the library's interface: exported despite
// -fvisibility=hidden.
#pragma GCC visibility push(default)
extern "C" {

uint64_t __memscope_ramp_enter(const memscope_site *coroutine) {
  // A child frame of the task current here, which this thread owns (a child
  // co_await: most ramps), once ramp_enter_general has checked that in this
  // run slice (ThreadState::ramp_slot): the task stays, only the site
  // moves, and the frame allocation window opens. Everything else takes
  // the general path.
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  if (context_slot(prev) == ts.ramp_slot && coroutine != nullptr) [[likely]] {
    const std::uint32_t index =
        __atomic_load_n(&coroutine->index, __ATOMIC_RELAXED);
    if (index - 1 < kMaxSites - 1 &&
        !(coroutine->flags & MEMSCOPE_FLAG_TASK_ROOT)) [[likely]] {
      // kRampRoot is clear here: only the general path sets it, for a
      // root, and a root either starts a new task (a switch, which resets
      // ramp_slot) or is adopted by a task that never passed the checks.
      ts.context = make_context(context_slot(prev), index);
      set_internal_flags(ts, kFrameWindow);
      return prev;
    }
  }
  return ramp_enter_general(coroutine);
}

uint64_t __memscope_frame_begin(void *, uint64_t frame_size_flagged) {
  ThreadState &ts = t_state;
  // The same child frame again, in a loop (most child co_awaits): counted
  // by the batch (frame_batch.hpp). Leaf code, and a tail call otherwise.
  if (reuse_batch_frame(ts, frame_size_flagged)) [[likely]]
    return ts.context;
  return frame_begin_counted(frame_size_flagged);
}

uint64_t __memscope_resume(uint64_t binding) {
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  const std::uint64_t next = binding & ~kRootBit;
  if (context_slot(next) == context_slot(prev)) [[likely]] {
    ts.context = next; // same task: only the site moves
    return prev;
  }
  // Tail call: the common path above needs no stack frame.
  return resume_other_task(next);
}

// The same function under a second name (abi.h): no second copy of its
// code, no call layer.
uint64_t __memscope_resume_destroy(uint64_t binding)
    __attribute__((alias("__memscope_resume")));

void __memscope_suspend(uint64_t saved) {
  if (saved == MEMSCOPE_NO_CONTEXT) [[unlikely]]
    return;
  ThreadState &ts = t_state;
  if (context_slot(saved) == context_slot(ts.context)) [[likely]] {
    ts.context = saved; // same task: only the site moves
    return;
  }
  suspend_to_other_task(saved);
}

// The idle pair (abi.h): what __memscope_resume and __memscope_suspend do,
// with the scheduler's two common switches as leaf code (every register it
// uses saved) and the rest through the saving wrappers.
MEMSCOPE_SAVES_REGISTERS uint64_t __memscope_resume_idle(uint64_t binding) {
  // The inline path calls only for a change of task: the scheduler's switch
  // is tested first.
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  const std::uint64_t next = binding & ~kRootBit;
  if (resume_last_owned(ts, prev, next)) [[likely]]
    return prev;
  if (context_slot(next) == context_slot(prev)) {
    ts.context = next;
    return prev;
  }
  [[clang::musttail]] return resume_switch_saving(next);
}

MEMSCOPE_SAVES_REGISTERS void __memscope_suspend_idle(uint64_t saved) {
  ThreadState &ts = t_state;
  if (suspend_owned_to_none(ts, saved)) [[likely]]
    return;
  if (saved == MEMSCOPE_NO_CONTEXT)
    return;
  if (context_slot(saved) == context_slot(ts.context)) {
    ts.context = saved;
    return;
  }
  [[clang::musttail]] return suspend_switch_saving(saved);
}

void __memscope_ramp_abort(uint64_t saved) {
  // The frame allocation failed: frame_begin, which ends the window, never
  // runs for this ramp, nor clears a root mark.
  clear_internal_flags(t_state, kFrameWindow | kRampRoot);
  __memscope_suspend(saved);
}

void __memscope_frame_end(uint64_t binding, uint64_t frame_size_flagged) {
  // The batch's frame again (frame_batch.hpp): leaf code, and a tail call
  // otherwise.
  if (end_batch_frame(t_state, binding, frame_size_flagged)) [[likely]]
    return;
  frame_end_counted(binding, frame_size_flagged);
}

uint64_t __memscope_spawn_begin(const memscope_site *spawn) {
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  const std::uint32_t site_idx = site_index(spawn);
  std::uint32_t flags = kSpawned;
  if (spawn && (spawn->flags & MEMSCOPE_FLAG_EXPLICIT_TYPE))
    flags |= kExplicitType;
  const bool deferred = spawn && (spawn->flags & MEMSCOPE_FLAG_DEFERRED_ROOT);
  if (deferred)
    flags |= kDeferredRoot;
  const std::uint64_t now = ticks();
  const std::uint32_t slot =
      create_task(context_slot(prev), site_idx, 0, site_type(spawn), flags, now,
                  thread_index1(), ts.thread_bit);
  if (slot == 0) [[unlikely]]
    return MEMSCOPE_NO_CONTEXT; // table full: the spawn is not bracketed
  owns_new_task(ts, slot);
  // A spawn that was never adopted (its coroutine is not instrumented) is
  // still pending here; it ends now, as spawn_end would have ended it.
  if (ts.pending_spawn != 0) {
    settle_frame_batch(ts);
    complete_task(ts.pending_spawn);
  }
  // A deferred spawn's root comes later, in the code the spawn runs, not in
  // this bracket: spawn_end leaves it alive.
  ts.pending_spawn = deferred ? 0 : slot;
  // Until the coroutine's ramp runs, allocations (the spawn's own state) are
  // the new task's, at the spawn site.
  switch_to(ts, make_context(slot, site_idx), now);
  return prev;
}

void __memscope_spawn_end(uint64_t saved) {
  if (saved == MEMSCOPE_NO_CONTEXT)
    return;
  ThreadState &ts = t_state;
  if (ts.pending_spawn != 0) {
    settle_frame_batch(ts);
    complete_task(ts.pending_spawn);
    ts.pending_spawn = 0;
  }
  switch_to(ts, saved);
}

// Library call brackets: only the site half (bits 32..62) changes. The
// hooks compare and switch task slots alone, so a resume or suspend inside
// the bracketed call saves and restores this site with the rest of the
// context, and a bracket can never change which task is current.
uint64_t __memscope_call_enter(const memscope_site *call) {
  // The registered index, read in place (site_index's own fast path,
  // without its call); a site not registered yet takes the slow path.
  const std::uint32_t index =
      call ? __atomic_load_n(&call->index, __ATOMIC_RELAXED) : 0;
  if (index == 0 || index >= kMaxSites) [[unlikely]]
    return call_enter_registering(call);
  ThreadState &ts = t_state;
  const std::uint64_t prev = ts.context;
  ts.context = make_context(context_slot(prev), index);
  return prev;
}

void __memscope_call_exit(uint64_t saved) {
  if (saved == MEMSCOPE_NO_CONTEXT) [[unlikely]]
    return;
  ThreadState &ts = t_state;
  ts.context = make_context(context_slot(ts.context), context_site(saved));
}

} // extern "C"
#pragma GCC visibility pop

namespace memscope {
std::uint64_t current_task_id() noexcept {
  return task_id(context_slot(t_state.context));
}
} // namespace memscope

// Static links: an instrumented program pulls this object for the hooks; the
// reference pulls the start-up/exit object with it.
[[gnu::used]] static const int *const memscope_context_anchor =
    &memscope::detail::g_lifecycle_anchor;
