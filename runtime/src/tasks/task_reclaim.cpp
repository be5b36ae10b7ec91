#include "tasks/task_reclaim.hpp"

#include "accounting/internal_allocator.hpp"

#include "accounting/root_sites.hpp"
#include "accounting/sites.hpp"
#include "support/clock.hpp"
#include "tasks/task_cold.hpp"
#include "tasks/task_fold.hpp"
#include "tasks/task_names.hpp"
#include "tasks/task_peak.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_map>

namespace memscope::detail {
namespace {

pthread_mutex_t g_fold_mutex = PTHREAD_MUTEX_INITIALIZER;

// Completed slots in completion order: any thread that completes a task
// appends (complete_task, a hook: a CAS on the tail, no lock, no
// allocation); the sweep drains them. An entry holds slot + 1, 0 while its
// producer has not written it yet.
constexpr std::uint64_t kDoneRing = 1u << 16;
std::atomic<std::uint32_t> g_done[kDoneRing];
std::atomic<std::uint64_t> g_done_head{0};
std::atomic<std::uint64_t> g_done_tail{0};

// Tasks reclaimed per sweep at most (about a millisecond of work).
constexpr std::size_t kSweepBatch = 8192;

// Sampler thread only, under g_fold_mutex (readers copy under it too).
// Its containers grow on the sampler thread while the program runs: their
// memory comes from the allocator underneath (internal_allocator.hpp).
template <typename T> using Internal = InternalAllocator<T>;
struct Folds {
  std::vector<FoldedTasks, Internal<FoldedTasks>> groups;
  std::unordered_map<std::uint64_t, std::size_t, std::hash<std::uint64_t>,
                     std::equal_to<>,
                     Internal<std::pair<const std::uint64_t, std::size_t>>>
      index; // (root site, type)
  // Completed tasks still in their slots, oldest completion first.
  std::deque<std::uint32_t, Internal<std::uint32_t>> completed;
  // Completed tasks that still held memory when their turn came: memory
  // that outlived its task, kept listed until it is freed.
  std::vector<std::uint32_t, Internal<std::uint32_t>> holding;
  std::size_t holding_next = 0; // round-robin re-check position
  std::uint64_t last_key = 0;   // the group the last fold went to
  std::size_t last_group = 0;
};

Folds &folds() {
  static Folds *f = [] {
    // Never destroyed: snapshots may run at exit.
    return new (Internal<Folds>().allocate(1)) Folds;
  }();
  return *f;
}

std::uint64_t sum(const std::atomic<std::uint64_t> &a,
                  const std::atomic<std::uint64_t> &b) noexcept {
  return a.load(std::memory_order_acquire) + b.load(std::memory_order_acquire);
}

// Holds nothing and can never be charged again (see the header). `current`
// was read after the slot's completion was seen (drain_done), so a thread
// that had the task current then is in it, or its writes are visible.
bool reclaimable(std::uint32_t slot,
                 const std::vector<std::uint32_t> &current) noexcept {
  const TaskRecord &r = task(slot);
  const TaskCold *cold = task_cold(slot);
  if (is_current(current, slot) || !cold ||
      cold->completed_ticks.load(std::memory_order_acquire) == 0 ||
      r.running.load(std::memory_order_acquire) != 0 ||
      live_frames_total(r, std::memory_order_acquire) != 0)
    return false;
  // Free counts first: their release pairs with this acquire.
  const std::uint64_t frees = sum(r.free_count, r.own_free_count);
  const std::uint64_t allocs = sum(r.alloc_count, r.own_alloc_count);
  return frees == allocs && live_total(r) == 0;
}

FoldedTasks new_group(std::uint32_t root, std::uint32_t type) {
  FoldedTasks g;
  g.type = static_cast<TaskType>(type);
  if (const memscope_site *site = site_at(root)) {
    if (site->file)
      g.root_site.file = site->file;
    if (site->function)
      g.root_site.function = site->function;
    g.root_site.line = site->line;
    g.root_site.column = site->column;
  }
  g.name = g.root_site.function;
  return g;
}

void fold(Folds &f, std::uint32_t slot, const TaskRecord &r,
          const TickConverter &clock) {
  const std::uint32_t root = r.root_site.load(std::memory_order_relaxed);
  std::uint32_t type = r.type.load(std::memory_order_relaxed);
  if (type >= kTaskTypeCount)
    type = kTaskTypeCount - 1;
  const std::uint64_t key = (std::uint64_t{root} << 8) | type;
  // Consecutive tasks mostly share a root: skip the hash lookup then.
  if (f.last_key != key || f.groups.empty()) {
    auto [it, fresh] = f.index.try_emplace(key, f.groups.size());
    if (fresh)
      f.groups.push_back(new_group(root, type));
    f.last_key = key;
    f.last_group = it->second;
  }
  const std::uint64_t freed = sum(r.freed_bytes, r.own_freed_bytes);
  FoldInput in;
  in.figures.allocated_bytes = freed; // balanced: allocated == freed
  in.figures.freed_bytes = freed;
  in.figures.alloc_count = sum(r.alloc_count, r.own_alloc_count);
  in.figures.free_count = sum(r.free_count, r.own_free_count);
  in.figures.peak_live_bytes = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, r.peak_live_bytes.load(std::memory_order_relaxed)));
  if (const std::uint64_t at = task_peak_ticks(r, slot))
    in.peak_live_at_ns = clock.timestamp_ns(at);
  in.frame_bytes = frame_bytes_total(r);
  in.retained_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, r.retained_bytes.load(std::memory_order_relaxed)));
  in.resume_count = resume_total(r);
  in.busy_ns = clock.duration_ns(busy_ticks_total(r));
  const TaskCold *cold = task_cold(slot);
  const std::uint64_t done =
      cold ? cold->completed_ticks.load(std::memory_order_relaxed) : 0;
  const std::uint64_t created = cold ? cold->created_ticks : done;
  const std::uint64_t life =
      done > created ? clock.duration_ns(done - created) : 0;
  in.wait_ns = life > in.busy_ns ? life - in.busy_ns : 0;
  if (cold)
    for (const auto &n : cold->started)
      in.operations += n.load(std::memory_order_relaxed);
  add_to_group(f.groups[f.last_group], in);
}

} // namespace

FoldLock::FoldLock() noexcept { pthread_mutex_lock(&g_fold_mutex); }
FoldLock::~FoldLock() { pthread_mutex_unlock(&g_fold_mutex); }

void folds_fork_prepare() noexcept { pthread_mutex_lock(&g_fold_mutex); }
void folds_fork_release() noexcept { pthread_mutex_unlock(&g_fold_mutex); }

void note_completed(std::uint32_t slot) noexcept {
  std::uint64_t tail = g_done_tail.load(std::memory_order_relaxed);
  do {
    // `head` is read after `tail`, so it can be past a stale `tail` (this
    // thread was preempted while others completed tasks and a sweep drained
    // them): then the unsigned difference wraps and used to look "full",
    // and the slot was dropped although the ring was nearly empty (a
    // completed task listed for good, about one TSan run in 30 of
    // TaskReclaim.ConcurrentTasksFreesAndSweepsStayExact). A stale `tail`
    // only makes the CAS below fail and retry with the current one.
    const std::uint64_t head = g_done_head.load(std::memory_order_acquire);
    // Full (more than kDoneRing completions between two sweeps, which run
    // every millisecond while tasks complete): this slot is never reused.
    // Finding it again would need a walk of the table that races with reuse.
    if (tail >= head && tail - head >= kDoneRing)
      return;
  } while (!g_done_tail.compare_exchange_weak(tail, tail + 1,
                                              std::memory_order_relaxed));
  g_done[tail % kDoneRing].store(slot + 1, std::memory_order_release);
}

namespace {

// Moves finished entries of the ring into the FIFO; stops at an entry whose
// producer is still writing it.
void drain_done(Folds &f) {
  std::uint64_t head = g_done_head.load(std::memory_order_relaxed);
  const std::uint64_t tail = g_done_tail.load(std::memory_order_acquire);
  for (; head != tail; ++head) {
    std::atomic<std::uint32_t> &e = g_done[head % kDoneRing];
    const std::uint32_t v = e.load(std::memory_order_acquire);
    if (v == 0)
      break;
    e.store(0, std::memory_order_relaxed);
    f.completed.push_back(v - 1);
  }
  g_done_head.store(head, std::memory_order_release);
}

// Reclaims a slot reclaimable() accepted, unless an operation's completion
// holds it (hold_task_for_resume): the id goes first (retired), then the
// threads' published slots are read afresh, so that a completion either
// sees the id gone or is seen here. Returns false, the id back, when held.
bool reclaim(Folds &f, std::uint32_t slot, const TickConverter &clock) {
  TaskRecord &r = task(slot);
  const std::uint64_t id = r.id.exchange(0, std::memory_order_seq_cst);
  if (published_current(slot)) {
    r.id.store(id, std::memory_order_relaxed);
    return false;
  }
  fold(f, slot, r, clock);
  move_pending(slot); // its (root, site) counts outlive the slot
  forget_task_name(id);
  // Zero, then publish the slot for reuse (release in release_slot). The
  // id is zero already; the memset leaves it alone: an operation that
  // outlived its task reads it from another thread, atomically.
  char *const base = reinterpret_cast<char *>(&r);
  char *const at = reinterpret_cast<char *>(&r.id);
  std::memset(base, 0, static_cast<std::size_t>(at - base));
  std::memset(at + sizeof r.id, 0,
              sizeof r - static_cast<std::size_t>(at - base) - sizeof r.id);
  if (TaskCold *cold = task_cold(slot))
    std::memset(static_cast<void *>(cold), 0, sizeof *cold);
  release_slot(slot);
  return true;
}

} // namespace

std::uint64_t reclaim_sweep(std::uint64_t keep, bool *backlog) noexcept {
  InternalScope untracked;
  FoldLock lock;
  Folds &f = folds();
  std::uint64_t reclaimed = 0;
  try {
    drain_done(f);
    if (f.completed.size() <= keep && f.holding.empty()) {
      if (backlog)
        *backlog = false;
      return 0; // nothing to do: the common idle wake-up stops here
    }
    const std::vector<std::uint32_t> current = current_slots();
    const TickConverter clock = make_tick_converter();
    // Tasks that held memory earlier: reclaim those that freed it all
    // (a bounded share per sweep, so a leaky program costs little).
    for (std::size_t checked = 0;
         checked < 4096 && !f.holding.empty() && free_ring_room() > 0;
         ++checked) {
      if (f.holding_next >= f.holding.size())
        f.holding_next = 0;
      const std::uint32_t slot = f.holding[f.holding_next];
      if (!reclaimable(slot, current) || !reclaim(f, slot, clock)) {
        ++f.holding_next;
        continue;
      }
      ++reclaimed;
      f.holding[f.holding_next] = f.holding.back();
      f.holding.pop_back();
    }
    // The oldest completed tasks past the newest `keep`, a batch at a time
    // so that a snapshot never waits long for the lock.
    for (std::size_t batch = 0;
         batch < kSweepBatch && f.completed.size() > keep &&
         free_ring_room() > 0;
         ++batch) {
      const std::uint32_t slot = f.completed.front();
      f.completed.pop_front();
      if (reclaimable(slot, current) && reclaim(f, slot, clock)) {
        ++reclaimed;
      } else {
        f.holding.push_back(slot);
      }
    }
  } catch (...) {
    // Out of memory for the sweep's own lists: try again next time.
  }
  if (backlog)
    *backlog = f.completed.size() > keep && free_ring_room() > 0;
  return reclaimed;
}

void copy_folded(std::vector<FoldedTasks> &out) {
  out.assign(folds().groups.begin(), folds().groups.end());
}

} // namespace memscope::detail
