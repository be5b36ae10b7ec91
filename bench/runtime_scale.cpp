// Scale figures of the runtime, driven through the ABI exactly as
// instrumented code drives it (ramp_enter / frame_begin / resume / suspend /
// frame_end, operator new/delete). One mode per run, one JSON line out:
//
//   runtime_scale_rt metadata N   RSS growth per live task (N live tasks
//                                 that allocate nothing themselves)
//   runtime_scale_rt snapshot N   get_memory_snapshot() time with N live
//                                 tasks, and the longest stall of a thread
//                                 that keeps resuming tasks and allocating
//                                 meanwhile (against the same thread's
//                                 longest stall while no snapshot runs)
//   runtime_scale_rt churn N      N short tasks spawned over time; RSS
//                                 sampled every N/10 tasks
#include "memscope/abi.h"
#include "memscope/snapshot.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

memscope_site g_root = {"bench/runtime_scale.cpp",
                        "bench_task(int)",
                        nullptr,
                        42,
                        1,
                        MEMSCOPE_SITE_COROUTINE,
                        MEMSCOPE_FLAG_TASK_ROOT,
                        MEMSCOPE_TYPE_NETWORK_INTENSIVE,
                        0};
memscope_site g_alloc = {"bench/runtime_scale.cpp",
                         "bench_task(int)",
                         nullptr,
                         43,
                         5,
                         MEMSCOPE_SITE_ALLOC,
                         0,
                         MEMSCOPE_TYPE_UNKNOWN,
                         0};

std::size_t rss_bytes() {
  long pages = 0, resident = 0;
  if (FILE *f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    std::fclose(f);
  }
  return static_cast<std::size_t>(resident) *
         static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// A live task as the pass would leave it after its first suspend: a root
// frame (whose memory the caller provides) and its binding.
std::uint64_t start_task(void *frame, std::uint64_t frame_size) {
  const std::uint64_t saved = __memscope_ramp_enter(&g_root);
  const std::uint64_t binding = __memscope_frame_begin(frame, frame_size | MEMSCOPE_FRAME_NOT_ON_HEAP);
  __memscope_suspend(saved);
  return binding;
}

int metadata(int n) {
  // Frames are not allocated through operator new here, so the RSS growth
  // is the runtime's own memory only.
  static char frame[64];
  std::vector<std::uint64_t> bindings;
  bindings.reserve(static_cast<std::size_t>(n));
  const std::size_t before = rss_bytes();
  for (int i = 0; i < n; ++i)
    bindings.push_back(start_task(frame, sizeof frame));
  const std::size_t after = rss_bytes();
  std::printf("{\"mode\": \"metadata\", \"tasks\": %d, \"rss_growth\": %zu, "
              "\"bytes_per_task\": %.1f}\n",
              n, after - before, static_cast<double>(after - before) / n);
  return 0;
}

int snapshot(int n) {
  std::vector<std::uint64_t> bindings;
  std::vector<char *> blocks;
  static char frame[256];
  for (int i = 0; i < n; ++i) {
    const std::uint64_t b = start_task(frame, sizeof frame);
    bindings.push_back(b);
    const std::uint64_t saved = __memscope_resume(b);
    blocks.push_back(static_cast<char *>(__memscope_new(128, &g_alloc)));
    __memscope_suspend(saved);
  }

  // The bystander: resumes tasks and allocates in a tight loop, and records
  // its longest gap between two iterations.
  std::atomic<int> phase{0}; // 0 warm-up, 1 baseline, 2 snapshots, 3 stop
  std::atomic<std::int64_t> max_gap_ns[3] = {0, 0, 0};
  std::atomic<std::uint64_t> iterations[3] = {0, 0, 0};
  std::thread bystander([&] {
    auto last = Clock::now();
    std::size_t k = 0;
    for (;;) {
      const int p = phase.load(std::memory_order_relaxed);
      if (p == 3)
        break;
      const std::uint64_t saved = __memscope_resume(bindings[k]);
      char *q = new char[64];
      std::memset(q, 1, 64);
      delete[] q;
      __memscope_suspend(saved);
      k = (k + 1) % bindings.size();
      const auto now = Clock::now();
      const std::int64_t gap = (now - last).count();
      last = now;
      if (gap > max_gap_ns[p].load(std::memory_order_relaxed))
        max_gap_ns[p].store(gap, std::memory_order_relaxed);
      iterations[p].fetch_add(1, std::memory_order_relaxed);
    }
  });

  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::vector<double> times_ms;
  // Baseline: the bystander alone for as long as the snapshots will take
  // (estimated from one snapshot taken first).
  phase = 1;
  const auto base_start = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const double base_s =
      std::chrono::duration<double>(Clock::now() - base_start).count();
  phase = 2;
  const auto snap_start = Clock::now();
  std::size_t seen = 0;
  for (int r = 0; r < 21; ++r) {
    const auto t0 = Clock::now();
    const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
    const auto t1 = Clock::now();
    seen = s.active_task_count();
    times_ms.push_back(
        std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  const double snap_s =
      std::chrono::duration<double>(Clock::now() - snap_start).count();
  phase = 3;
  bystander.join();
  std::sort(times_ms.begin(), times_ms.end());
  std::printf("{\"mode\": \"snapshot\", \"tasks\": %d, \"active_seen\": %zu, "
              "\"median_ms\": %.3f, \"min_ms\": %.3f, \"max_ms\": %.3f, "
              "\"bystander_max_gap_us_baseline\": %.1f, "
              "\"bystander_max_gap_us_during\": %.1f, "
              "\"bystander_ops_per_s_baseline\": %.0f, "
              "\"bystander_ops_per_s_during\": %.0f}\n",
              n, seen, times_ms[times_ms.size() / 2], times_ms.front(),
              times_ms.back(), max_gap_ns[1].load() / 1e3,
              max_gap_ns[2].load() / 1e3,
              static_cast<double>(iterations[1].load()) / base_s,
              static_cast<double>(iterations[2].load()) / snap_s);
  for (char *b : blocks)
    delete[] b;
  return 0;
}

int churn(int n) {
  // Each task: a root frame allocated with operator new (as coroutine
  // frames are), a few blocks, then the frame is destroyed: the task ends.
  const int step = std::max(1, n / 10);
  std::vector<std::size_t> samples;
  const std::size_t start = rss_bytes();
  for (int i = 1; i <= n; ++i) {
    const std::uint64_t saved_ramp = __memscope_ramp_enter(&g_root);
    void *frame = ::operator new(200);
    const std::uint64_t binding = __memscope_frame_begin(frame, 200);
    __memscope_suspend(saved_ramp);
    const std::uint64_t saved = __memscope_resume(binding);
    char *a = static_cast<char *>(__memscope_new(100, &g_alloc));
    std::string s(300, 'y');
    delete[] a;
    __memscope_frame_end(binding, 200);
    ::operator delete(frame);
    __memscope_suspend(saved);
    if (i % step == 0)
      samples.push_back(rss_bytes());
  }
  std::printf("{\"mode\": \"churn\", \"tasks\": %d, \"rss_start\": %zu, "
              "\"rss_samples\": [",
              n, start);
  for (std::size_t i = 0; i < samples.size(); ++i)
    std::printf("%s%zu", i ? ", " : "", samples[i]);
  const double growth = static_cast<double>(samples.back()) -
                        static_cast<double>(samples.front());
  // The second half: past the warm-up (the newest MEMSCOPE_MAX_TASKS
  // completed tasks stay listed), memory must not grow at all.
  const std::size_t half = samples.size() / 2;
  const double late = static_cast<double>(samples.back()) -
                      static_cast<double>(samples[half - 1]);
  // Where the tasks are at the end: listed (live or among the newest
  // MEMSCOPE_MAX_TASKS completed) or folded, their records reused.
  const memscope::MemorySnapshot end = memscope::get_memory_snapshot();
  std::printf("], \"listed_tasks\": %zu, \"folded_tasks\": %llu",
              end.tasks().size(),
              static_cast<unsigned long long>(end.folded_task_count()));
  std::printf(", \"growth_first_to_last\": %.0f, "
              "\"bytes_per_task_after_first_sample\": %.2f, "
              "\"growth_second_half\": %.0f, "
              "\"bytes_per_task_second_half\": %.2f}\n",
              growth, growth / (n - step), late,
              late / static_cast<double>(n - static_cast<int>(half) * step));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  const int n = argc > 2 ? std::atoi(argv[2]) : 100000;
  if (n <= 0) {
    std::fprintf(stderr, "runtime_scale: N must be positive\n");
    return 1;
  }
  if (!std::strcmp(mode, "metadata"))
    return metadata(n);
  if (!std::strcmp(mode, "snapshot"))
    return snapshot(n);
  if (!std::strcmp(mode, "churn"))
    return churn(n);
  std::fprintf(stderr, "usage: runtime_scale_rt metadata|snapshot|churn [N]\n");
  return 1;
}
