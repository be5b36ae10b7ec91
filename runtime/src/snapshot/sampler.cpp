#include "snapshot/sampler.hpp"

#include "support/clock.hpp"
#include "support/config.hpp"
#include "accounting/no_task_shards.hpp"
#include "support/runtime_thread.hpp"
#include "tasks/task_reclaim.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>

namespace memscope::detail {
namespace {

// Static storage: no allocation, nothing torn down before the exit report.
Sample g_ring[kSampleCapacity];
std::size_t g_count = 0;     // samples in g_ring (guarded by g_ring_mutex)
std::uint32_t g_stride = 1;  // keep one sample in g_stride (after folding)
std::uint64_t g_tick_no = 0; // samples taken since start
// Guards the ring between the sampler thread and the report writer; the
// program's threads never touch it.
std::mutex g_ring_mutex;

// Raw pthread objects with static initialisers: they are never destroyed,
// so stopping the sampler from the runtime's last destructor is safe.
pthread_mutex_t g_run_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t g_run_cv = PTHREAD_COND_INITIALIZER;
bool g_stop = false;
bool g_running = false;
pthread_t g_thread;
pid_t g_owner = 0; // the process whose thread it is (a forked child has none)
std::uint32_t g_period_ms = 50;
// Whether the thread samples the timeline (an exporter wants it) or only
// sweeps; a sweep-only thread backs off to kSweepOnlyMs while idle, so a
// program without exporters is interrupted ten times a second, not a
// hundred (the echo benchmark's p99 latency showed the difference).
bool g_sampling = true;
constexpr std::uint32_t kSweepOnlyMs = 100;
// Completed tasks kept in their slots (MEMSCOPE_MAX_TASKS), read once at
// start: the sweep runs on this thread, the configuration is the program's.
std::uint64_t g_keep_completed = 0;

void take(Sample &s) noexcept {
  std::memset(&s, 0, sizeof s);
  s.ticks = ticks();
  FoldLock no_reuse_while_reading; // task_reclaim.hpp
  const std::uint32_t end = task_slot_end();
  for (std::uint32_t slot = 0; slot < end; ++slot) {
    const TaskRecord *r = task_if_mapped(slot);
    if (!r)
      continue;
    if (slot == 0) {
      // Outside any task, threads count in their own shards.
      const std::int64_t outside =
          live_total(*r) + no_task_shard_totals().live_bytes;
      s.no_task_live = outside > 0 ? static_cast<std::uint64_t>(outside) : 0;
      continue;
    }
    // Owner-thread and shared counters together (task_table.hpp).
    const std::int64_t live = live_total(*r);
    const std::uint32_t flags = r->flags.load(std::memory_order_acquire);
    if (!(flags & kPublished))
      continue;
    if (!(flags & kCompleted))
      ++s.active_tasks;
    if (live <= 0)
      continue;
    const auto bytes = static_cast<std::uint64_t>(live);
    const std::uint32_t type = r->type.load(std::memory_order_relaxed);
    s.live_by_type[type < kTaskTypeCount ? type : kTaskTypeCount - 1] += bytes;
    // Insert into the small top list (sorted, largest first).
    if (bytes <= s.top_live[kSampleTopTasks - 1])
      continue;
    std::size_t at = kSampleTopTasks - 1;
    while (at > 0 && s.top_live[at - 1] < bytes) {
      s.top_live[at] = s.top_live[at - 1];
      s.top_id[at] = s.top_id[at - 1];
      --at;
    }
    s.top_live[at] = bytes;
    s.top_id[at] = r->id.load(std::memory_order_relaxed);
  }
}

void push(const Sample &s) {
  std::lock_guard lock(g_ring_mutex);
  if (g_tick_no++ % g_stride != 0)
    return;
  if (g_count == kSampleCapacity) {
    // Full: keep every other sample and sample half as often from now on.
    for (std::size_t i = 0; i < kSampleCapacity / 2; ++i)
      g_ring[i] = g_ring[2 * i];
    g_count = kSampleCapacity / 2;
    g_stride *= 2;
  }
  g_ring[g_count++] = s;
}

bool stop_requested() {
  pthread_mutex_lock(&g_run_mutex);
  const bool stop = g_stop;
  pthread_mutex_unlock(&g_run_mutex);
  return stop;
}

void *run(void *) {
  // Everything this thread allocates is the runtime's, never a task's.
  ++t_state.internal;
  const auto period = std::chrono::milliseconds(g_period_ms);
  auto next_sample = std::chrono::steady_clock::now();
  std::chrono::milliseconds idle{1};
  pthread_mutex_lock(&g_run_mutex);
  while (!g_stop) {
    pthread_mutex_unlock(&g_run_mutex);
    // The slot sweep every period (task_reclaim.hpp). A program that
    // completes tasks faster than one batch per period gets more batches:
    // the sweep's work follows the program's task completions.
    std::uint64_t reclaimed = 0;
    for (bool backlog = true; backlog && !stop_requested();) {
      const std::uint64_t n = reclaim_sweep(g_keep_completed, &backlog);
      if (n == 0)
        break;
      reclaimed += n;
    }
    const auto begin = std::chrono::steady_clock::now();
    if (g_sampling && begin >= next_sample) {
      sample_now();
      const auto took = std::chrono::steady_clock::now() - begin;
      // A table of millions of tasks takes a while to walk: keep the
      // sampling's share of one core under ~2% by backing off.
      next_sample = begin + std::max<std::chrono::steady_clock::duration>(
                                period, took * 50);
    }
    // While tasks are being recycled, sweep every millisecond: slots then
    // go back to the free ring before task creation has to take fresh ones.
    // Idle, back off (doubling) to the period, so that a program that spawns
    // nothing is rarely woken and one that starts spawning is soon served.
    idle = reclaimed > 0
               ? std::chrono::milliseconds(1)
               : std::min<std::chrono::milliseconds>(idle * 2, period);
    const auto wait =
        std::chrono::duration_cast<std::chrono::nanoseconds>(idle);
    timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    const long long ns = until.tv_nsec + wait.count();
    until.tv_sec += static_cast<time_t>(ns / 1000000000);
    until.tv_nsec = static_cast<long>(ns % 1000000000);
    pthread_mutex_lock(&g_run_mutex);
    while (!g_stop &&
           pthread_cond_timedwait(&g_run_cv, &g_run_mutex, &until) == 0)
      ;
  }
  pthread_mutex_unlock(&g_run_mutex);
  return nullptr;
}

} // namespace

// fork(): the child must not inherit the mutexes locked by a sampler thread
// that does not exist there; it gets a sampler thread of its own, so that a
// forked worker process (a pre-forking server) keeps recycling task records.
void sampler_fork_prepare() noexcept {
  pthread_mutex_lock(&g_run_mutex);
  g_ring_mutex.lock();
}
void sampler_fork_parent() noexcept {
  g_ring_mutex.unlock();
  pthread_mutex_unlock(&g_run_mutex);
}
void sampler_fork_child() noexcept {
  g_ring_mutex.unlock();
  pthread_cond_init(&g_run_cv, nullptr); // no waiter of the parent's here
  bool had = g_running && !g_stop;
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  had = false; // TSan kills a child that starts threads (die_after_fork)
#endif
#endif
  g_running = false;
  if (had && start_runtime_thread(g_thread, run, "memscope-sample") == 0) {
    g_running = true;
    g_owner = ::getpid();
  }
  pthread_mutex_unlock(&g_run_mutex);
}

void sample_now() noexcept {
  Sample s;
  take(s);
  push(s);
}

std::atomic<std::uint32_t> g_sweeper_deferred_at{0};

void sampler_start(std::uint32_t period_ms, bool sample) noexcept {
  pthread_mutex_lock(&g_run_mutex);
  if (!g_running) {
    g_sampling = sample;
    g_period_ms = !sample ? kSweepOnlyMs : period_ms ? period_ms : 50;
    g_keep_completed = config().max_tasks;
    g_stop = false;
    if (!sample) {
      // Sweep only: nothing to sweep before more than MEMSCOPE_MAX_TASKS
      // tasks exist (the sweep keeps that many completed ones), and a
      // thread started now would cost a single-threaded program glibc's
      // single-thread malloc, which takes no arena lock: any second thread,
      // even an idle one, makes every malloc and free that misses its
      // tcache lock the arena (the alloc_loop_1000 row: 16 -> 27 ns per
      // pair in plain C). So the thread starts with the first fresh task
      // slot past that count (task_table.cpp).
      const std::uint64_t at = g_keep_completed + 1;
      g_sweeper_deferred_at.store(
          at < (std::uint64_t{1} << 31) ? static_cast<std::uint32_t>(at)
                                        : std::uint32_t{1} << 31,
          std::memory_order_relaxed);
    } else if (start_runtime_thread(g_thread, run, "memscope-sample") == 0) {
      g_running = true;
      g_owner = ::getpid();
    }
  }
  pthread_mutex_unlock(&g_run_mutex);
}

void sampler_start_deferred() noexcept {
  InternalScope untracked; // pthread_create allocates
  pthread_mutex_lock(&g_run_mutex);
  if (!g_running && !g_stop &&
      g_sweeper_deferred_at.exchange(0, std::memory_order_relaxed) != 0 &&
      start_runtime_thread(g_thread, run, "memscope-sample") == 0) {
    g_running = true;
    g_owner = ::getpid();
  }
  pthread_mutex_unlock(&g_run_mutex);
}

void sampler_stop() noexcept {
  pthread_mutex_lock(&g_run_mutex);
  // A thread started by this process (a forked child starts its own).
  const bool running = g_running && g_owner == ::getpid();
  g_stop = true;
  g_running = false;
  pthread_cond_broadcast(&g_run_cv);
  pthread_mutex_unlock(&g_run_mutex);
  if (running)
    pthread_join(g_thread, nullptr);
  sample_now(); // the state at the end, whatever the period
}

std::size_t copy_samples(Sample *out, std::size_t max) noexcept {
  std::lock_guard lock(g_ring_mutex);
  const std::size_t n = g_count < max ? g_count : max;
  std::memcpy(out, g_ring, n * sizeof(Sample));
  return n;
}

} // namespace memscope::detail
