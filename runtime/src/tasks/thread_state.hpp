// Per-thread state of the runtime and the encoding of context values.
//
// A context (what __memscope_ramp_enter/__memscope_resume return and
// __memscope_suspend takes) is the pair (task slot, site index):
//   bits  0..31  task slot (== task id; 0 = no task)
//   bits 32..62  site index of the current coroutine (0 = unknown)
// A binding (what __memscope_frame_begin returns) is the frame's context plus
//   bit 63       the frame is its task's root frame.
// MEMSCOPE_NO_CONTEXT (all ones) is never produced: slot 0xFFFFFFFF is
// reserved for the runtime's own (untracked) allocations.
#ifndef MEMSCOPE_RT_THREAD_STATE_HPP
#define MEMSCOPE_RT_THREAD_STATE_HPP

#include "memscope/abi.h"
#include "support/rare_call.hpp"

#include <algorithm>
#include <cstddef>
#include <atomic>
#include <cstdint>
#include <vector>

namespace memscope::detail {

struct TaskRecord;
struct NoTaskShard;
struct SitePage;

inline constexpr std::uint64_t kRootBit = std::uint64_t{1} << 63;
inline constexpr std::uint32_t kSiteMask = 0x7FFFFFFFu;

constexpr std::uint64_t make_context(std::uint32_t slot,
                                     std::uint32_t site) noexcept {
  return std::uint64_t{slot} | (std::uint64_t{site & kSiteMask} << 32);
}
constexpr std::uint32_t context_slot(std::uint64_t ctx) noexcept {
  return static_cast<std::uint32_t>(ctx);
}
constexpr std::uint32_t context_site(std::uint64_t ctx) noexcept {
  return static_cast<std::uint32_t>(ctx >> 32) & kSiteMask;
}

// Trivial and constant-initialised, so that a thread_local of this type needs
// no guard or TLS wrapper call: the hooks read it with one TLS access.
struct ThreadState {
  // The first six at the offsets abi.h gives them: the instrumented
  // code's inline paths use them in place.
  std::uint64_t context; // current (task slot, coroutine site)
  // The task for which __memscope_ramp_enter's checks of a plain child ramp
  // (the task is current and this thread owns it, no spawn is pending, it
  // is not waiting for its deferred root) passed in this run slice:
  // its next ramps test this word alone. kNoRampSlot when none; every
  // change of the current task resets it (context.cpp).
  std::uint32_t ramp_slot;
  std::uint32_t internal;      // != 0 while the runtime allocates for
                               // itself (or a frame is being allocated)
  // The frame batch (frame_batch.hpp): child frames of the owned task at
  // one (site, size), begun and ended again and again in one run slice (a
  // loop co_awaiting a child), counted in one go. batch_word is the frames'
  // binding (kNoBatch: no batch), batch_size their flagged size as the
  // frame hooks get it, batch_reuses the frames begun in place of an ended
  // one that is still counted live (kVirtualFrame in `internal`).
  std::uint64_t batch_word;
  std::uint64_t batch_size;
  std::uint64_t batch_reuses;
  std::uint64_t since_ticks;   // when the current task became current here
  std::uint32_t pending_spawn; // task made by spawn_begin, not yet adopted
  std::uint64_t thread_bit;    // this thread's bit in TaskRecord::threads
  std::uint32_t thread_index;  // index + 1 (0: not assigned yet)
  std::int64_t ramp_live_mark; // root task's live bytes at ramp_enter
  std::uint32_t no_task_shard; // index + 1 in g_no_task_shards; 0 = not yet
  std::uint32_t owned_slot;    // task whose own_* counters this thread
                               // writes (task_table.hpp); 0 = none
  // Cached for the allocation path (pointers, so no chunk or directory
  // lookup per allocation): the owned task's record, this thread's "no
  // task" shard and its counter page for site indices 0..511.
  struct TaskRecord *owned_record;
  struct NoTaskShard *no_task;
  struct SitePage *site_page0;
  // What the free fast path reads instead of site_page0: the same page,
  // except null while this thread owes a peak time (peak_owed), so
  // that the first free then takes the general code, which records it
  // (task_peak.hpp). Set with site_page0 (set_site_page0).
  struct SitePage *free_page0;
  // The task, current here, whose peak of live bytes an allocation raised
  // in this run slice while its time is not recorded yet (null: none), and
  // its creation time. The time is recorded at the first free on this
  // thread or the switch away from the task, whichever comes first
  // (task_peak.hpp).
  struct TaskRecord *peak_owed;
  std::uint64_t peak_owed_created;
  // The last task this thread found it owns, and that task's id (context.cpp:
  // switching back to it skips the record lookup and the ownership checks;
  // the id tells a recycled slot apart).
  struct TaskRecord *last_owned_record;
  std::uint64_t last_owned_id;
  std::uint32_t last_owned_slot;
};

#if defined(__ELF__)
#define MEMSCOPE_TLS_MODEL __attribute__((tls_model("initial-exec")))
#else
#define MEMSCOPE_TLS_MODEL
#endif

// constinit: no dynamic initialisation, so no TLS wrapper call on access.
// Its symbol is the ABI's MEMSCOPE_CONTEXT_SYMBOL_NAME, exported: the
// instrumented code's inline fast paths (abi.h) read and write the context
// word, its first member, in place.
extern thread_local constinit ThreadState t_state asm(
    MEMSCOPE_CONTEXT_SYMBOL_NAME) __attribute__((visibility("default")))
MEMSCOPE_TLS_MODEL;
static_assert(offsetof(ThreadState, context) == 0,
              "abi.h: the context word is the thread state's first word");
static_assert(
    offsetof(ThreadState, ramp_slot) == MEMSCOPE_STATE_RAMP_SLOT_OFFSET &&
        offsetof(ThreadState, internal) == MEMSCOPE_STATE_INTERNAL_OFFSET &&
        offsetof(ThreadState, batch_word) == MEMSCOPE_STATE_BATCH_WORD_OFFSET &&
        offsetof(ThreadState, batch_size) == MEMSCOPE_STATE_BATCH_SIZE_OFFSET &&
        offsetof(ThreadState, batch_reuses) ==
            MEMSCOPE_STATE_BATCH_REUSES_OFFSET,
    "abi.h: the inline paths use these in place");

// Caches this thread's counter page for site indices 0..511 (site_shards.hpp)
// for the allocation and the free fast paths.
inline void set_site_page0(ThreadState &ts, SitePage *page) noexcept {
  ts.site_page0 = page;
  if (!ts.peak_owed)
    ts.free_page0 = page;
}

// Set in ThreadState::internal from __memscope_ramp_enter to
// __memscope_frame_begin: the frame allocation, which the frame hooks
// account instead (context.cpp).
inline constexpr std::uint32_t kFrameWindow = MEMSCOPE_FRAME_WINDOW;
// Every thread's ThreadState::internal starts with this bit (its initial
// value): allocations before the runtime has started are nobody's. A
// thread's first allocation after start-up clears it (allocation_path.hpp),
// so the fast paths need no check of their own.
inline constexpr std::uint32_t kBeforeStart = 1u << 30;
// Set in ThreadState::internal while the frame batch's last frame has ended
// but is still counted live (frame_batch.hpp). Any allocation then takes the
// general path, which settles the batch first, so that no peak includes a
// frame that has ended.
inline constexpr std::uint32_t kVirtualFrame = MEMSCOPE_VIRTUAL_FRAME;
// Set in ThreadState::internal from a __memscope_ramp_enter that created or
// adopted its task to the __memscope_frame_begin that follows: that frame is
// the task's root. (A bit of `internal`, so that the batch's test of it
// also says the frame is not a root.)
inline constexpr std::uint32_t kRampRoot = 1u << 28;

// The flags above change with one read-modify-write of the whole word. As a
// plain `|=` or `&=`, the compiler narrows each to a byte operation on the
// word's top byte, and the next 32-bit read of `internal` (each
// allocation's fast-path test, frame_begin's inline test) cannot take its
// value from that store while it is still in the store buffer: a
// store-forwarding stall of a dozen cycles on every task creation. Relaxed
// atomics are not narrowed, and x86 still makes each one `or`/`and` to
// memory, without a lock.
inline void set_internal_flags(ThreadState &ts, std::uint32_t flags) noexcept {
  __atomic_store_n(&ts.internal,
                   __atomic_load_n(&ts.internal, __ATOMIC_RELAXED) | flags,
                   __ATOMIC_RELAXED);
}
inline void clear_internal_flags(ThreadState &ts,
                                 std::uint32_t flags) noexcept {
  __atomic_store_n(&ts.internal,
                   __atomic_load_n(&ts.internal, __ATOMIC_RELAXED) & ~flags,
                   __ATOMIC_RELAXED);
}

inline constexpr std::uint64_t kNoBatch = ~std::uint64_t{0};
// ThreadState::ramp_slot when no task passed the checks: a slot no context
// holds (kUntrackedSlot is an owner word's, never the current task's).
inline constexpr std::uint32_t kNoRampSlot = 0xFFFFFFFFu;

// Settles this thread's frame batch into the owned task's counters
// (frame_batch.cpp); for readers and switches, which must see exact figures.
// Saves every register it uses (rare_call.hpp): the task switches that
// test for a batch stay leaf code.
MEMSCOPE_RARE_CALL void flush_frame_batch() noexcept;
[[gnu::always_inline]] inline void
settle_frame_batch(ThreadState &ts) noexcept {
  if (ts.batch_word != kNoBatch) [[unlikely]]
    flush_frame_batch();
}

// Marks the runtime's own allocations (report, snapshot) as untracked while it
// lives. Nests. This thread's frame batch is settled first: what the scope
// reads (a snapshot, a report) is exact for the thread's own task too.
class InternalScope {
public:
  InternalScope() noexcept {
    settle_frame_batch(t_state);
    ++t_state.internal;
  }
  ~InternalScope() { --t_state.internal; }
  InternalScope(const InternalScope &) = delete;
  InternalScope &operator=(const InternalScope &) = delete;
};

// This thread's index and bit, assigned on first use (threads 0..62 get
// their own bit, later ones share bit 63).
void assign_thread_index() noexcept;
inline std::uint32_t thread_index1() noexcept { // index + 1
  if (t_state.thread_index == 0) [[unlikely]]
    assign_thread_index();
  return t_state.thread_index;
}

// Which task slot is current on each of the first kPublishedThreads threads
// (0: none), written by that thread at every task switch with a release
// store (no locked instruction), read by snapshots (running or suspended)
// and by the slot sweep (a task current somewhere is never recycled).
// Later threads count in TaskRecord::running instead.
inline constexpr std::uint32_t kPublishedThreads = 4096;
extern std::atomic<std::uint32_t> g_current_slot[kPublishedThreads];

// The task slots current on some thread now (sorted, no 0). Allocates: for
// readers off the hot path.
std::vector<std::uint32_t> current_slots();
// Whether some thread says `slot` is current now (read afresh, seq_cst:
// task_reclaim.cpp's retire).
bool published_current(std::uint32_t slot) noexcept;
// Before an operation's completion resumes the task that started it: says
// on this thread that `slot` is current, then checks that the slot still
// holds task `id`; false (and nothing said) when it does not. A slot held so
// is not reclaimed until this thread leaves it (task_reclaim.cpp).
bool hold_task_for_resume(std::uint32_t slot, std::uint64_t id) noexcept;
inline bool is_current(const std::vector<std::uint32_t> &current,
                       std::uint32_t slot) noexcept {
  return std::binary_search(current.begin(), current.end(), slot);
}

// Run-slice timing (busy_ns): one clock read per task switch. On by
// default; MEMSCOPE_TIMING=off turns it off (a task switch then costs no
// clock read), MEMSCOPE_TRACE turns it back on.
extern std::atomic<bool> g_slice_timing;

// The frame batch (frame_batch.hpp): on by default; MEMSCOPE_FRAME_BATCH=off
// turns it off. Read only where a batch would start.
extern std::atomic<bool> g_frame_batch;

// Number of threads that have touched a task so far.
unsigned threads_seen() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_THREAD_STATE_HPP
