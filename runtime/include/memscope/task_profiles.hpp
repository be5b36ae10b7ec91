// The seed API's per-task views over a MemorySnapshot: TaskMemoryProfile
// (memory of one task), TaskPerformanceMetrics (time of one task), and the
// window analysis of AsyncResourceMonitor. Plain computations on snapshot
// figures: nothing here touches the runtime's counters.
#ifndef MEMSCOPE_TASK_PROFILES_HPP
#define MEMSCOPE_TASK_PROFILES_HPP

#include "memscope/async_runtime.hpp"
#include "memscope/snapshot.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace memscope {

inline constexpr double kBytesPerMiB = 1024.0 * 1024.0;

struct TaskMemoryProfile {
  std::uint64_t task_id = 0;
  std::string task_name;
  TaskType task_type = TaskType::Unknown;
  TaskState state = TaskState::Suspended;
  std::uint64_t total_allocated = 0; // bytes allocated over its life
  std::uint64_t total_deallocated = 0;
  std::uint64_t current_usage = 0; // live bytes now
  std::uint64_t peak_usage = 0;    // peak live bytes
  std::uint64_t allocation_count = 0;
  std::uint64_t deallocation_count = 0;
  std::uint64_t retained_bytes = 0;     // live when it completed
  std::chrono::nanoseconds lifetime{0}; // created -> completed (or now)

  double average_allocation_size() const noexcept {
    return allocation_count == 0 ? 0.0
                                 : static_cast<double>(total_allocated) /
                                       static_cast<double>(allocation_count);
  }
  // Freed / allocated, in [0, 1] (1 when nothing was allocated).
  double memory_efficiency() const noexcept {
    return total_allocated == 0 ? 1.0
                                : static_cast<double>(total_deallocated) /
                                      static_cast<double>(total_allocated);
  }
  // It completed, and more than kLeakSlackBytes of what it allocated is
  // still live now. Memory it handed over and that was freed since (a
  // result) does not count; the slack covers allocator caches that keep a
  // finished task's small blocks for reuse (Asio recycles a few coroutine
  // frames per thread, a few hundred bytes each).
  static constexpr std::uint64_t kLeakSlackBytes = 4096;
  bool has_potential_leak() const noexcept {
    return state == TaskState::Completed && current_usage > kLeakSlackBytes;
  }
  bool is_completed() const noexcept { return state == TaskState::Completed; }

  static TaskMemoryProfile from(const TaskProfile &t,
                                std::uint64_t now_ns) noexcept {
    TaskMemoryProfile p;
    p.task_id = t.id;
    p.task_name = t.name;
    p.task_type = t.type;
    p.state = t.state;
    p.total_allocated = t.allocated_bytes;
    p.total_deallocated = t.freed_bytes;
    p.current_usage = t.live_bytes;
    p.peak_usage = t.peak_live_bytes;
    p.allocation_count = t.alloc_count;
    p.deallocation_count = t.free_count;
    p.retained_bytes = t.retained_bytes;
    const std::uint64_t end = t.completed_ns.value_or(now_ns);
    p.lifetime =
        std::chrono::nanoseconds(end > t.created_ns ? end - t.created_ns : 0);
    return p;
  }
};

struct TaskPerformanceMetrics {
  std::uint64_t task_id = 0;
  TaskType task_type = TaskType::Unknown;
  std::chrono::nanoseconds lifetime{0};
  std::chrono::nanoseconds busy_time{0}; // some thread was running it
  std::chrono::nanoseconds wait_time{0}; // alive, not running
  std::uint64_t resume_count = 0;
  std::size_t thread_count = 0;
  double cpu_utilization_percent = 0; // busy / lifetime * 100
  double allocation_rate_bytes_per_sec = 0;

  static TaskPerformanceMetrics from(const TaskProfile &t,
                                     std::uint64_t now_ns) noexcept {
    TaskPerformanceMetrics m;
    m.task_id = t.id;
    m.task_type = t.type;
    const std::uint64_t end = t.completed_ns.value_or(now_ns);
    const std::uint64_t life = end > t.created_ns ? end - t.created_ns : 0;
    const std::uint64_t busy = std::min(t.busy_ns, life);
    m.lifetime = std::chrono::nanoseconds(life);
    m.busy_time = std::chrono::nanoseconds(busy);
    m.wait_time = std::chrono::nanoseconds(life - busy);
    m.resume_count = t.resume_count;
    m.thread_count = t.threads.size();
    if (life > 0) {
      m.cpu_utilization_percent =
          100.0 * static_cast<double>(busy) / static_cast<double>(life);
      m.allocation_rate_bytes_per_sec = static_cast<double>(t.allocated_bytes) *
                                        1e9 / static_cast<double>(life);
    }
    return m;
  }
};

// Profiles of every task in a snapshot (by id).
inline std::vector<TaskMemoryProfile>
task_memory_profiles(const MemorySnapshot &s) {
  std::vector<TaskMemoryProfile> out;
  out.reserve(s.tasks().size());
  for (const TaskProfile &t : s.tasks())
    out.push_back(TaskMemoryProfile::from(t, s.uptime_ns()));
  return out;
}

// The profile of one task, or nullopt when the snapshot does not list it.
inline std::optional<TaskMemoryProfile>
get_task_profile(const MemorySnapshot &s, std::uint64_t id) {
  if (const TaskProfile *t = s.find_task(id))
    return TaskMemoryProfile::from(*t, s.uptime_ns());
  return std::nullopt;
}

inline std::optional<TaskPerformanceMetrics>
get_task_performance(const MemorySnapshot &s, std::uint64_t id) {
  if (const TaskProfile *t = s.find_task(id))
    return TaskPerformanceMetrics::from(*t, s.uptime_ns());
  return std::nullopt;
}

// What AsyncResourceMonitor saw: the tasks alive at some point between
// start_monitoring() and stop_monitoring() (created before the stop, not
// completed before the start), except the tasks that called start or stop
// (the monitoring task does not count itself). Memory figures are each
// task's own (whole life), not only their part within the window.
struct ResourceAnalysis {
  std::size_t total_tasks = 0;
  std::size_t completed_tasks = 0;
  std::size_t cpu_task_count = 0;
  std::size_t io_task_count = 0;
  std::size_t network_task_count = 0;
  std::size_t memory_task_count = 0;
  std::size_t gpu_task_count = 0;
  std::size_t mixed_task_count = 0;
  std::size_t streaming_task_count = 0;
  std::size_t background_task_count = 0;
  std::size_t unknown_task_count = 0;
  double peak_memory_per_task_mb = 0; // max peak live bytes, MiB
  double avg_memory_per_task_mb = 0;  // mean peak live bytes, MiB
  double total_allocated_mb = 0;      // sum of allocated bytes, MiB
  std::uint64_t potential_leaks = 0;  // completed with retained bytes
  std::chrono::nanoseconds duration{0};
  std::vector<TaskMemoryProfile> tasks;

  std::size_t count(TaskType t) const noexcept {
    switch (t) {
    case TaskType::CpuIntensive:
      return cpu_task_count;
    case TaskType::IoIntensive:
      return io_task_count;
    case TaskType::NetworkIntensive:
      return network_task_count;
    case TaskType::MemoryIntensive:
      return memory_task_count;
    case TaskType::GpuCompute:
      return gpu_task_count;
    case TaskType::Mixed:
      return mixed_task_count;
    case TaskType::Streaming:
      return streaming_task_count;
    case TaskType::Background:
      return background_task_count;
    default:
      return unknown_task_count;
    }
  }
};

namespace detail {
inline ResourceAnalysis analyse_window(const MemorySnapshot &s,
                                       std::uint64_t start_ns,
                                       std::uint64_t stop_ns,
                                       std::uint64_t skip_a,
                                       std::uint64_t skip_b) {
  ResourceAnalysis a;
  a.duration =
      std::chrono::nanoseconds(stop_ns > start_ns ? stop_ns - start_ns : 0);
  double peak_sum = 0, alloc_sum = 0;
  std::uint64_t peak_max = 0;
  for (const TaskProfile &t : s.tasks()) {
    if (t.id == skip_a || t.id == skip_b)
      continue;
    if (t.created_ns > stop_ns)
      continue;
    if (t.completed_ns && *t.completed_ns < start_ns)
      continue;
    TaskMemoryProfile p = TaskMemoryProfile::from(t, s.uptime_ns());
    ++a.total_tasks;
    if (p.is_completed())
      ++a.completed_tasks;
    if (p.has_potential_leak())
      ++a.potential_leaks;
    switch (t.type) {
    case TaskType::CpuIntensive:
      ++a.cpu_task_count;
      break;
    case TaskType::IoIntensive:
      ++a.io_task_count;
      break;
    case TaskType::NetworkIntensive:
      ++a.network_task_count;
      break;
    case TaskType::MemoryIntensive:
      ++a.memory_task_count;
      break;
    case TaskType::GpuCompute:
      ++a.gpu_task_count;
      break;
    case TaskType::Mixed:
      ++a.mixed_task_count;
      break;
    case TaskType::Streaming:
      ++a.streaming_task_count;
      break;
    case TaskType::Background:
      ++a.background_task_count;
      break;
    default:
      ++a.unknown_task_count;
      break;
    }
    peak_max = std::max(peak_max, t.peak_live_bytes);
    peak_sum += static_cast<double>(t.peak_live_bytes);
    alloc_sum += static_cast<double>(t.allocated_bytes);
    a.tasks.push_back(std::move(p));
  }
  a.peak_memory_per_task_mb = static_cast<double>(peak_max) / kBytesPerMiB;
  if (a.total_tasks)
    a.avg_memory_per_task_mb =
        peak_sum / static_cast<double>(a.total_tasks) / kBytesPerMiB;
  a.total_allocated_mb = alloc_sum / kBytesPerMiB;
  return a;
}
} // namespace detail

} // namespace memscope

#endif // MEMSCOPE_TASK_PROFILES_HPP
