// Reading memscope's figures from inside the program: a snapshot of every
// task, site and task type, and the JSON report (docs/design.md §5, §6).
//
// Taking a snapshot reads the runtime's atomic counters; it never stops or
// blocks the program's threads. The snapshot's own memory is not charged to
// any task. Figures of tasks that are running while the snapshot is taken are
// each exact at the moment they were read, not all at one instant.
#ifndef MEMSCOPE_SNAPSHOT_HPP
#define MEMSCOPE_SNAPSHOT_HPP

#include "memscope/operation_kind.hpp"
#include "memscope/task_type.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memscope {

class MemorySnapshot;
namespace detail {
struct TickConverter;
// get_memory_snapshot() with the converter of ticks to nanoseconds given, so
// that an exporter that converts times of its own (the trace) converts them
// exactly as the snapshot did.
MemorySnapshot snapshot_with_clock(const TickConverter &clock);
} // namespace detail

enum class TaskState { Running, Suspended, Completed };

// "running", "suspended", "completed" (the JSON spelling).
MEMSCOPE_API std::string_view to_string(TaskState state) noexcept;

// A place in the source, from the compiler's static site tables. The names
// point into those tables, which live as long as the program, so a snapshot
// copies no strings (100,000 tasks in a few milliseconds).
struct SourceSite {
  std::string_view file;     // empty when unknown
  std::string_view function; // enclosing function (coroutine: itself)
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  bool known() const noexcept { return !file.empty() || line != 0; }
};

// Memory figures of one accounting bucket (a task, or the "no task" bucket).
struct MemoryFigures {
  std::uint64_t allocated_bytes = 0;
  std::uint64_t freed_bytes = 0;
  std::uint64_t live_bytes = 0;
  std::uint64_t peak_live_bytes = 0;
  std::uint64_t alloc_count = 0;
  std::uint64_t free_count = 0;
};

// The threads a task ran on, as small per-process thread indices (0..63; 63
// also stands for "63 or later"), in increasing order. A bit mask, so that a
// snapshot allocates nothing per task; iterates like a container of unsigned.
class ThreadSet {
public:
  constexpr ThreadSet() noexcept = default;
  constexpr explicit ThreadSet(std::uint64_t mask) noexcept : mask_(mask) {}

  class iterator {
  public:
    using value_type = unsigned;
    using difference_type = std::ptrdiff_t;
    using reference = unsigned;
    using pointer = void;
    using iterator_category = std::forward_iterator_tag;
    constexpr iterator() noexcept = default;
    constexpr explicit iterator(std::uint64_t rest) noexcept : rest_(rest) {}
    unsigned operator*() const noexcept {
      return static_cast<unsigned>(std::countr_zero(rest_));
    }
    iterator &operator++() noexcept {
      rest_ &= rest_ - 1; // drop the lowest thread
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend constexpr bool operator==(iterator a, iterator b) noexcept {
      return a.rest_ == b.rest_;
    }

  private:
    std::uint64_t rest_ = 0;
  };

  iterator begin() const noexcept { return iterator(mask_); }
  iterator end() const noexcept { return iterator(0); }
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(std::popcount(mask_));
  }
  bool empty() const noexcept { return mask_ == 0; }
  bool contains(unsigned thread) const noexcept {
    return thread < 64 && (mask_ >> thread) & 1u;
  }
  std::uint64_t mask() const noexcept { return mask_; }
  // For code written against the former std::vector<unsigned>.
  operator std::vector<unsigned>() const {
    return std::vector<unsigned>(begin(), end());
  }

private:
  std::uint64_t mask_ = 0;
};

struct TaskProfile : MemoryFigures {
  std::uint64_t id = 0;
  std::string_view name; // root coroutine's readable name ("" if none ran)
  SourceSite spawn_site; // where it was spawned (known() false if unknown)
  SourceSite root_site;  // the root coroutine
  TaskType type = TaskType::Unknown;
  std::uint64_t parent_id = 0; // 0: spawned while no task was current
  TaskState state = TaskState::Suspended;
  std::uint64_t frame_bytes = 0; // sum of llvm.coro.size of its frames
  std::uint64_t frames = 0;      // frames created
  std::uint64_t live_frames = 0; // frames not yet destroyed
  std::uint64_t created_ns = 0;  // since the runtime started
  std::optional<std::uint64_t> completed_ns;
  // When peak_live_bytes was reached (since the runtime started; recorded
  // by the allocation that raised it, not sampled). 0 when it has no peak.
  std::uint64_t peak_live_at_ns = 0;
  std::uint64_t resume_count = 0;   // times a thread switched to this task
  std::uint64_t busy_ns = 0;        // time some thread was running it
  ThreadSet threads;                // threads it ran on (see ThreadSet)
  std::uint64_t retained_bytes = 0; // live bytes when it completed
  // Asynchronous operations it started, by kind of I/O object (run time).
  std::array<std::uint32_t, kOperationKindCount> operations{};
  // The name the program gave it (set_task_name, spawn_tracked's name
  // argument); "" when it has none. `name` stays the root function's.
  std::string label;

  // freed / allocated, in [0, 1]; 1 when nothing was allocated.
  double memory_efficiency() const noexcept {
    return allocated_bytes == 0 ? 1.0
                                : static_cast<double>(freed_bytes) /
                                      static_cast<double>(allocated_bytes);
  }
};

// The task type that a task's observed operations suggest: sockets,
// acceptors, resolvers -> NetworkIntensive; descriptors and files ->
// IoIntensive; channels -> Streaming; several of these -> Mixed; only timers
// -> Background. nullopt when it started no I/O operation.
MEMSCOPE_API std::optional<TaskType>
observed_task_type(const std::array<std::uint32_t, kOperationKindCount>
                       &operations) noexcept;

// The compiler's inferred type and the observed one disagree: observed
// operations suggest a type, and the inferred one is neither it nor Mixed
// nor Unknown.
MEMSCOPE_API bool type_contradicted(const TaskProfile &task) noexcept;

// Completed tasks that are no longer listed one by one: past
// MEMSCOPE_MAX_TASKS completed tasks, the runtime folds the oldest ones that
// hold no memory any more into one entry per (root coroutine, type) and
// reuses their records, so runtime memory stays flat however many tasks a
// long-running program spawns (docs/design.md §6). Memory figures are sums
// over the folded tasks, except peak_live_bytes (the largest task peak).
struct FoldedTasks : MemoryFigures {
  std::string_view name; // root coroutine's readable name ("" if none ran)
  SourceSite root_site;
  TaskType type = TaskType::Unknown;
  std::uint64_t count = 0;               // tasks folded here
  std::uint64_t peak_live_bytes_sum = 0; // for the mean peak
  std::uint64_t peak_live_at_ns = 0;     // when the largest peak was reached
  std::uint64_t frame_bytes = 0;
  std::uint64_t retained_bytes = 0; // live at completion, freed since
  std::uint64_t resume_count = 0;
  std::uint64_t busy_ns = 0;
  std::uint64_t wait_ns = 0; // lifetime minus busy time, summed
  std::uint64_t operations = 0; // asynchronous operations they started
};

enum class SiteKind { Unknown = 0, Alloc = 1, Coroutine = 2, Spawn = 3 };

struct SiteProfile {
  std::uint32_t index = 0; // 0: the "unknown" site
  SiteKind kind = SiteKind::Unknown;
  SourceSite where;
  std::uint64_t allocated_bytes = 0;
  std::uint64_t freed_bytes = 0;
  std::uint64_t live_bytes = 0;
  std::uint64_t alloc_count = 0;
  std::uint64_t free_count = 0;
};

// What the tasks of one root coroutine (or the "no task" bucket) allocated
// at one site, over the whole run: tasks listed, completed, folded and
// recycled alike. A block is counted for the root of the task that
// allocated it, whichever task frees it, so live_bytes is memory that root's
// tasks allocated there and nobody has freed yet (for a root whose tasks
// have all completed: memory that outlived its task, by the line that
// allocated it). Summed over roots, a site's figures are the site's.
enum class RootKind {
  Coroutine, // root_site names the root coroutine
  NoTask,    // allocations made while no task was current
  Unknown,   // tasks whose root coroutine is not known (not instrumented)
};

struct RootSiteProfile {
  RootKind root_kind = RootKind::Unknown;
  std::uint32_t root_index = 0; // root coroutine's site index (Coroutine)
  SourceSite root_site;         // the root coroutine (Coroutine)
  std::uint32_t site = 0;       // index of the allocation site (sites())
  std::uint64_t allocated_bytes = 0;
  std::uint64_t freed_bytes = 0;
  std::uint64_t live_bytes = 0;
  std::uint64_t alloc_count = 0;
  std::uint64_t free_count = 0;
};

struct TaskTypeMetrics {
  TaskType type = TaskType::Unknown;
  std::uint64_t task_count = 0;
  std::uint64_t active_count = 0;
  std::uint64_t completed_count = 0;
  double avg_memory_mb = 0;           // mean peak_live_bytes, MiB
  double peak_memory_mb = 0;          // max peak_live_bytes, MiB
  double completion_rate_percent = 0; // completed / tasks * 100
  double avg_wait_time_ms = 0;        // mean (lifetime - busy), ms
  double throughput_per_sec = 0;      // completed / runtime uptime
};

// How the runtime ran: what a report needs to say beside the figures so a
// reader knows what they cover (docs/reading-the-numbers.md).
struct RuntimeStatus {
  std::uint64_t task_records = 0;    // task slots the table holds
  std::uint64_t operations_lost = 0; // started when the table was full
  bool busy_time_measured = true;    // MEMSCOPE_TIMING
  // The allocator mode (docs/reading-the-numbers.md, "Allocator modes"):
  // "full", "malloc", "operator_new" or "safe", and whose operator new and
  // malloc the program binds to.
  std::string_view allocator_mode;
  std::string_view operator_new_owner;
  std::string_view malloc_owner;
  bool frees_observed = true;
  bool c_allocations_observed = true;
  // Live when the runtime started (allocations made before it are nobody's).
  std::uint64_t startup_live_bytes = 0;
};

class MEMSCOPE_API MemorySnapshot {
public:
  std::size_t active_task_count() const noexcept { return active_; }
  // Totals and get_task_metrics() include folded tasks.
  // All memory tracked: the bytes every task of the snapshot and the "no
  // task" bucket have allocated over the run (what the Rust crate's users
  // print as "total memory tracked / allocated"; folded tasks included).
  std::uint64_t total_memory_bytes() const noexcept { return total_allocated_; }
  // What of it is live now (allocated and not yet freed).
  std::uint64_t live_memory_bytes() const noexcept { return total_live_; }
  std::size_t peak_concurrent_tasks() const noexcept {
    return peak_concurrent_;
  }
  // operator new calls of every task and of the "no task" bucket.
  std::uint64_t total_allocations() const noexcept { return total_allocs_; }
  std::uint64_t total_frees() const noexcept { return total_frees_; }
  std::uint64_t total_allocated_bytes() const noexcept {
    return total_allocated_;
  }
  std::uint64_t total_freed_bytes() const noexcept { return total_freed_; }
  // freed / allocated * 100 over everything tracked; 100 when nothing was.
  double memory_efficiency_percent() const noexcept;
  TaskTypeMetrics get_task_metrics(TaskType type) const noexcept {
    return by_type_[static_cast<std::size_t>(type) % kTaskTypeCount];
  }
  // Completed tasks listed in tasks(); folded ones are counted apart.
  std::size_t completed_task_count() const noexcept { return completed_; }
  // Tasks folded at run time (see FoldedTasks) and their aggregates.
  std::uint64_t folded_task_count() const noexcept { return folded_count_; }
  const std::vector<FoldedTasks> &folded() const noexcept { return folded_; }
  // Moves the oldest completed tasks past the newest `keep` out of tasks()
  // into folded(): one aggregate per (root coroutine, type), the aggregates
  // the runtime folds recycled records into, so a task is folded the same
  // way wherever it is folded. The report does this with MEMSCOPE_MAX_TASKS.
  void fold_completed(std::size_t keep);
  const RuntimeStatus &runtime_status() const noexcept { return status_; }
  std::uint64_t uptime_ns() const noexcept { return uptime_ns_; }
  // The process-wide peak of live bytes (every task and the "no task"
  // bucket together) over the run so far, and when it was reached (since
  // the runtime started). Exact when one thread allocates; with several,
  // within peak_live_bound_bytes() of the true peak (0 when exact).
  std::uint64_t peak_live_bytes() const noexcept { return peak_live_; }
  std::uint64_t peak_live_at_ns() const noexcept { return peak_live_at_ns_; }
  std::uint64_t peak_live_bound_bytes() const noexcept {
    return peak_live_bound_;
  }
  std::size_t thread_count() const noexcept { return threads_; }

  const std::vector<TaskProfile> &tasks() const noexcept { return tasks_; }
  const TaskProfile *find_task(std::uint64_t id) const noexcept;
  // Every registered site that allocated something, plus index 0 ("unknown").
  const std::vector<SiteProfile> &sites() const noexcept { return sites_; }
  const SiteProfile *find_site(std::uint32_t index) const noexcept;
  // Allocations made while no task was current.
  const MemoryFigures &no_task() const noexcept { return no_task_; }
  // Every (task root, site) pair that allocated something, by root then
  // site (see RootSiteProfile).
  const std::vector<RootSiteProfile> &root_sites() const noexcept {
    return root_sites_;
  }

private:
  friend MemorySnapshot
  detail::snapshot_with_clock(const detail::TickConverter &);
  std::size_t active_ = 0, completed_ = 0, peak_concurrent_ = 0, threads_ = 0;
  std::uint64_t total_live_ = 0, total_allocs_ = 0, total_frees_ = 0;
  std::uint64_t total_allocated_ = 0, total_freed_ = 0, uptime_ns_ = 0;
  std::uint64_t folded_count_ = 0;
  std::uint64_t peak_live_ = 0, peak_live_at_ns_ = 0, peak_live_bound_ = 0;
  std::vector<FoldedTasks> folded_;
  std::array<TaskTypeMetrics, kTaskTypeCount> by_type_{};
  std::vector<TaskProfile> tasks_; // by id
  std::vector<SiteProfile> sites_; // by index
  std::vector<RootSiteProfile> root_sites_;
  MemoryFigures no_task_;
  RuntimeStatus status_;
};

MEMSCOPE_API MemorySnapshot get_memory_snapshot();

// Id of the task current on this thread; 0 when none is.
MEMSCOPE_API std::uint64_t current_task_id() noexcept;

// Names the current task ("session 9"; no effect outside a task), or the
// task with that id. The name is shown beside the root function's name in
// the report, memscope-report, the HTML page and the trace; it is never a
// Prometheus label (so /metrics stays bounded). At most 256 bytes are kept;
// an empty name removes it. Takes a lock and copies the name (the runtime's
// memory, charged to no task): call it once per task, not per event.
MEMSCOPE_API void set_task_name(std::string_view name) noexcept;
MEMSCOPE_API void set_task_name(std::uint64_t task_id,
                                std::string_view name) noexcept;

// Writes the JSON report (docs/design.md §6) to MEMSCOPE_OUTPUT (false, and
// nothing written, when it is not set) or to `path`. Written to a temporary
// file in the same directory, then renamed. On failure prints one
// "memscope: cannot write report to ..." line on stderr and returns false.
MEMSCOPE_API bool write_report();
MEMSCOPE_API bool write_report(const std::string &path);

} // namespace memscope

#endif // MEMSCOPE_SNAPSHOT_HPP
