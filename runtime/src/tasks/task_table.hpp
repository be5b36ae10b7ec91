// The task table: one record per task that is alive, or completed and still
// listed, in chunks that are never freed or moved, so a task slot found in an
// allocation header, a frame binding or a saved context stays a valid record
// and lookups need no lock.
//
// Slots are recycled (task_reclaim.hpp): once a completed task holds nothing
// (no live block, no live frame, current nowhere) and is older than the
// newest MAX_TASKS completed tasks, the sampler thread folds its figures into
// per-root-function aggregates and returns its slot for reuse. Nothing can
// name such a slot any more, so no generation check is needed on the hot
// path. Task *ids* (TaskRecord::id) are separate, unique and never reused.
//
// Slot 0 is the "no task" bucket. Chunk 0 is a static reserve; later chunks
// are mapped when the previous one is half used (one system call per 4096
// slots, off the allocation path).
#ifndef MEMSCOPE_RT_TASK_TABLE_HPP
#define MEMSCOPE_RT_TASK_TABLE_HPP

#include "tasks/thread_state.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint32_t kChunkShift = 12;
inline constexpr std::uint32_t kChunkSize = 1u << kChunkShift;
inline constexpr std::uint32_t kMaxChunks = 1u << 18; // 2^30 tasks
inline constexpr std::uint32_t kUntrackedSlot = 0xFFFFFFFFu;

enum TaskFlag : std::uint32_t {
  kPublished = 1u << 0, // fields set at creation are readable
  kSpawned = 1u << 1,   // created by __memscope_spawn_begin
  kAdopted = 1u << 2,   // a root frame belongs to it
  kCompleted = 1u << 3,
  kExplicitType = 1u << 4, // type came from an explicit spawn type
  kDeferredRoot = 1u << 5, // its root frame is the first frame made in it
};

enum class TaskStateCode : std::uint8_t { Running, Suspended, Completed };

// Counters are relaxed atomics: each is exact on its own; a record is
// touched by other threads only for cross-thread frees and snapshots.
//
// Two counter sets. The first thread on which the task becomes current
// claims it (`owner`, one CAS per task) for good; only the owner writes the
// own_* counters, with plain adds (a relaxed load and store, no locked
// instruction), and only while the task is current on it. Every other
// thread (a task that migrated, cross-thread frees, a second thread running
// the same task) uses the shared, locked set. Each figure is the sum of both
// sets, so it stays exact. Ownership never moves, so a task switch needs no
// locked instruction (docs/performance.md). Allocated rather than live
// bytes in the owner set: an allocation and a free then update different
// words, so a new/delete pair is not one chain of read-modify-writes through
// the same memory.
//
// Layout by who touches what (docs/design.md §7): the first cache line is
// all the allocation fast path reads and writes (allocation_path.hpp), the
// second what the owner's task switches and frames write, the third the
// shared set, written by other threads only. Written once per task (the
// creation and completion times, the parent's id): TaskCold.
struct alignas(64) TaskRecord {
  // Line 0: the allocation path.
  std::atomic<std::uint32_t> flags;
  std::atomic<std::uint32_t> root_site; // root coroutine site index
  std::atomic<std::uint32_t> owner; // owner's thread index + 1; 0: none yet
  std::atomic<std::uint32_t> type;  // memscope_task_type
  std::atomic<std::int64_t> live_bytes;      // shared set; signed: a bucket's
  std::atomic<std::int64_t> peak_live_bytes; // frees may precede its allocs
  std::atomic<std::uint64_t> own_allocated_bytes;
  std::atomic<std::uint64_t> own_freed_bytes;
  std::atomic<std::uint64_t> own_alloc_count;
  std::atomic<std::uint64_t> own_free_count;
  // Line 1: the owner's task switches and frames.
  std::atomic<std::uint64_t> own_resume_count;
  std::atomic<std::uint64_t> own_busy_ticks;
  std::atomic<std::uint64_t> own_frame_bytes;
  std::atomic<std::uint32_t> own_frames;
  std::atomic<std::uint32_t> own_frames_ended;
  std::atomic<std::uint64_t> threads; // ThreadState::thread_bit of each
  // Unique, never reused (slots are): what snapshots and reports call the
  // task. Atomic because a slot is reused while readers may look at it.
  std::atomic<std::uint64_t> id;
  std::uint32_t parent = 0;     // parent task's slot (0 = none)
  std::uint32_t spawn_site = 0; // spawn site index (0 = unknown)
  // Threads past kPublishedThreads on which it is current (the others say
  // which task is current on them in g_current_slot, thread_state.hpp).
  std::atomic<std::uint32_t> running;
  // Frames created and destroyed by non-owners (counts up at a creation and
  // down at a destruction; it wraps when the owner created the frame).
  std::atomic<std::uint32_t> live_frames;
  // Line 2: the shared set (allocated = live + freed).
  std::atomic<std::uint64_t> freed_bytes;
  std::atomic<std::uint64_t> alloc_count;
  std::atomic<std::uint64_t> free_count;
  std::atomic<std::uint64_t> frame_bytes;
  std::atomic<std::uint32_t> frames;
  // When peak_live_bytes was last raised: ticks since the task's creation
  // (TaskCold::created_ticks) in task_peak.hpp's 32-bit floating encoding.
  // Written only by an allocation that raises the peak (rare), so it sits
  // with the shared set rather than in the fast path's line.
  std::atomic<std::uint32_t> peak_at;
  std::atomic<std::uint64_t> resume_count;
  std::atomic<std::uint64_t> busy_ticks;
  // Until completion: bytes charged between the root frame's ramp_enter and
  // frame_begin (the root frame's own block, which is freed just after
  // frame_end and so is not memory that outlives the task). At completion:
  // live bytes minus that, i.e. memory that outlived the task.
  std::atomic<std::int64_t> retained_bytes;
};
static_assert(sizeof(TaskRecord) == 192, "a record is three cache lines");
static_assert(offsetof(TaskRecord, own_free_count) < 64 &&
                  offsetof(TaskRecord, own_resume_count) == 64 &&
                  offsetof(TaskRecord, freed_bytes) == 128,
              "the allocation path's fields in the first cache line");

inline std::uint64_t resume_total(const TaskRecord &r) noexcept {
  return r.resume_count.load(std::memory_order_relaxed) +
         r.own_resume_count.load(std::memory_order_relaxed);
}
inline std::uint64_t busy_ticks_total(const TaskRecord &r) noexcept {
  return r.busy_ticks.load(std::memory_order_relaxed) +
         r.own_busy_ticks.load(std::memory_order_relaxed);
}

// Frames of a task: both counter sets.
inline std::uint64_t frames_total(const TaskRecord &r) noexcept {
  return std::uint64_t{r.frames.load(std::memory_order_relaxed)} +
         r.own_frames.load(std::memory_order_relaxed);
}
inline std::uint64_t frame_bytes_total(const TaskRecord &r) noexcept {
  return r.frame_bytes.load(std::memory_order_relaxed) +
         r.own_frame_bytes.load(std::memory_order_relaxed);
}
// Frames not destroyed yet. 32-bit wrap-around arithmetic: the sets' parts
// may each wrap (an owner's frame destroyed by another thread), their sum
// does not.
inline std::uint32_t live_frames_total(
    const TaskRecord &r,
    std::memory_order order = std::memory_order_relaxed) noexcept {
  return r.live_frames.load(order) + r.own_frames.load(order) -
         r.own_frames_ended.load(order);
}

// Live bytes of a task: both counter sets.
inline std::int64_t live_total(const TaskRecord &r) noexcept {
  return static_cast<std::int64_t>(
             r.own_allocated_bytes.load(std::memory_order_relaxed) -
             r.own_freed_bytes.load(std::memory_order_relaxed)) +
         r.live_bytes.load(std::memory_order_relaxed);
}

// Single-writer add: a plain add for the owner, still atomic for readers.
template <class T> inline void owner_add(std::atomic<T> &c, T n) noexcept {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

extern std::atomic<TaskRecord *> g_chunks[kMaxChunks];
extern constinit TaskRecord g_untracked;

// The record of a slot that exists (0, a created task, or untracked).
inline TaskRecord &task(std::uint32_t slot) noexcept {
  if (slot == kUntrackedSlot) [[unlikely]]
    return g_untracked;
  return g_chunks[slot >> kChunkShift].load(
      std::memory_order_relaxed)[slot & (kChunkSize - 1)];
}

// Whether the slot this thread last found it owns (ThreadState::
// last_owned_*) still holds that task: ids are never reused, so a slot
// recycled since fails the test. The hooks' switch shortcut and the free
// path's owner test share it.
inline bool still_owns_last(const ThreadState &ts) noexcept {
  return ts.last_owned_record->id.load(std::memory_order_relaxed) ==
         ts.last_owned_id;
}

// The id of the task in a slot (0 for the "no task" and untracked buckets).
inline std::uint64_t task_id(std::uint32_t slot) noexcept {
  if (slot == 0 || slot == kUntrackedSlot)
    return 0;
  return task(slot).id.load(std::memory_order_relaxed);
}

// For readers walking the table: null when the slot's chunk is not mapped.
TaskRecord *task_if_mapped(std::uint32_t slot) noexcept;

// One past the highest slot handed out so far.
std::uint32_t task_slot_end() noexcept;

// Returns a reclaimed slot for reuse (task_reclaim.cpp only: the record has
// been folded and zeroed). Returns false when the free ring is full (the
// slot then stays unused until a later sweep).
bool release_slot(std::uint32_t slot) noexcept;
// How many slots release_slot() can take now (it only grows until the next
// release: consumers only make room).
std::uint64_t free_ring_room() noexcept;

// Creates a task (state suspended, not current anywhere) and returns its
// slot, or 0 when the table is exhausted (then the work stays where it is).
// `created`: the creation time (ticks()). The creating thread (`owner`,
// thread index + 1, and its thread bit) is the task's owner: it makes the
// task current right away, so no switch has to claim it.
std::uint32_t create_task(std::uint32_t parent, std::uint32_t spawn_site,
                          std::uint32_t root_site, std::uint32_t type,
                          std::uint32_t extra_flags, std::uint64_t created,
                          std::uint32_t owner,
                          std::uint64_t thread_bit) noexcept;

// Marks a task completed (once): completion time and retained bytes.
void complete_task(std::uint32_t slot) noexcept;

std::uint64_t active_tasks() noexcept;
std::uint64_t peak_concurrent_tasks() noexcept;

inline void raise_peak(std::atomic<std::int64_t> &peak,
                       std::int64_t value) noexcept {
  std::int64_t seen = peak.load(std::memory_order_relaxed);
  while (value > seen &&
         !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed))
    ;
}

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TASK_TABLE_HPP
