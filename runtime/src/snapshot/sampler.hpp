// Memory over time: a runtime-owned thread samples live bytes per task type
// (and the largest tasks) at a low rate into a bounded, static ring. The
// hooks are untouched: the sampler reads the same relaxed counters a
// snapshot reads, on its own thread, so executor threads never wait for it.
#ifndef MEMSCOPE_RT_SAMPLER_HPP
#define MEMSCOPE_RT_SAMPLER_HPP

#include "memscope/task_type.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::size_t kSampleCapacity = 2048;
inline constexpr std::size_t kSampleTopTasks = 8;

struct Sample {
  std::uint64_t ticks;
  std::uint64_t live_by_type[kTaskTypeCount]; // live bytes of tasks by type
  std::uint64_t no_task_live;                 // live bytes outside any task
  std::uint64_t active_tasks;
  // The largest tasks by live bytes at that moment (id 0 = unused entry).
  std::uint64_t top_id[kSampleTopTasks];
  std::uint64_t top_live[kSampleTopTasks];
};

// Starts the sampler thread (once). Called from the runtime's constructor.
// `sample`: false when no exporter wants the timeline; the thread then only
// recycles task slots (task_reclaim.hpp), at a slower idle period.
void sampler_start(std::uint32_t period_ms, bool sample) noexcept;
// With `sample` false the thread is not started yet: it starts when task
// creation takes the fresh slot g_sweeper_deferred_at (0: none), the first
// past MEMSCOPE_MAX_TASKS, through sampler_start_deferred(): until then
// the sweep would have nothing to do, and a process without a second
// thread keeps glibc's lock-free single-thread malloc (sampler.cpp).
extern std::atomic<std::uint32_t> g_sweeper_deferred_at;
void sampler_start_deferred() noexcept;
// Stops and joins it, taking one last sample. Idempotent.
void sampler_stop() noexcept;

// fork() (lifecycle.cpp's handler): prepare takes the run mutex, then the
// ring's; the parent releases both; the child releases both and starts its
// own sampler thread when the parent had one.
void sampler_fork_prepare() noexcept;
void sampler_fork_parent() noexcept;
void sampler_fork_child() noexcept;

// Takes one sample now (also used by tests and at exit).
void sample_now() noexcept;

// Copies the samples (oldest first) into out[0..max) and returns how many.
// When the ring fills, every other sample is dropped and the period doubles,
// so the series always covers the whole run with at most kSampleCapacity
// points.
std::size_t copy_samples(Sample *out, std::size_t max) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_SAMPLER_HPP
