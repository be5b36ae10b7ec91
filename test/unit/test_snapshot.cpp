// memscope::get_memory_snapshot(): counts, peaks, per-type metrics, and that
// taking one never blocks the program's threads.
#include "fake_coro.hpp"
#include "support/clock.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using memscope::TaskState;
using memscope::TaskType;
using mstest::FakeCoro;
using mstest::make_site;

namespace {

memscope_site g_sites[] = {
    make_site("gpu_job()", MEMSCOPE_SITE_COROUTINE,
              MEMSCOPE_FLAG_TASK_ROOT | MEMSCOPE_FLAG_EXPLICIT_TYPE,
              MEMSCOPE_TYPE_GPU_COMPUTE, 300),
    make_site("snap_task()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_MIXED, 301),
};
memscope_site &kGpu = g_sites[0];
memscope_site &kSnap = g_sites[1];

class Snapshot : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

using Coros = std::vector<std::unique_ptr<FakeCoro>>;

} // namespace

TEST_F(Snapshot, ActiveAndCompletedCounts) {
  const auto before = memscope::get_memory_snapshot();
  Coros tasks;
  for (int i = 0; i < 5; ++i)
    tasks.push_back(std::make_unique<FakeCoro>(&kSnap));
  const auto during = memscope::get_memory_snapshot();
  EXPECT_EQ(during.active_task_count(), before.active_task_count() + 5);
  tasks.resize(3); // two root frames destroyed
  const auto after = memscope::get_memory_snapshot();
  EXPECT_EQ(after.active_task_count(), before.active_task_count() + 3);
  EXPECT_EQ(after.completed_task_count(), before.completed_task_count() + 2);
  EXPECT_EQ(after.tasks().size(), before.tasks().size() + 5);
}

TEST_F(Snapshot, PeakConcurrentTasks) {
  const auto before = memscope::get_memory_snapshot();
  const std::size_t active = before.active_task_count();
  const std::size_t n = before.peak_concurrent_tasks() - active + 25;
  {
    Coros tasks;
    for (std::size_t i = 0; i < n; ++i)
      tasks.push_back(std::make_unique<FakeCoro>(&kSnap));
  }
  const auto after = memscope::get_memory_snapshot();
  EXPECT_EQ(after.peak_concurrent_tasks(), active + n);
  EXPECT_EQ(after.active_task_count(), active);
}

TEST_F(Snapshot, TotalsFollowTasks) {
  const auto before = memscope::get_memory_snapshot();
  FakeCoro c(&kSnap, 40);
  char *kept = nullptr;
  c.resume([&] {
    kept = mstest::escape(new char[1000]);
    delete[] mstest::escape(new char[24]);
  });
  const auto after = memscope::get_memory_snapshot();
  EXPECT_EQ(after.total_allocations() - before.total_allocations(), 3u);
  EXPECT_EQ(after.total_frees() - before.total_frees(), 1u);
  EXPECT_EQ(after.live_memory_bytes() - before.live_memory_bytes(), 1040u);
  // Total memory: everything allocated (the seed's "total memory tracked").
  EXPECT_EQ(after.total_memory_bytes() - before.total_memory_bytes(), 1064u);
  EXPECT_EQ(after.total_allocated_bytes() - before.total_allocated_bytes(),
            1064u);
  EXPECT_DOUBLE_EQ(after.memory_efficiency_percent(),
                   100.0 * static_cast<double>(after.total_freed_bytes()) /
                       static_cast<double>(after.total_allocated_bytes()));
  delete[] kept;
}

TEST_F(Snapshot, TotalsIncludeTheNoTaskBucket) {
  const auto s = memscope::get_memory_snapshot();
  std::uint64_t live = s.no_task().live_bytes, allocs = s.no_task().alloc_count;
  for (const auto &t : s.tasks()) {
    live += t.live_bytes;
    allocs += t.alloc_count;
  }
  EXPECT_EQ(s.live_memory_bytes(), live);
  EXPECT_EQ(s.total_allocations(), allocs);
  EXPECT_GT(s.no_task().alloc_count, 0u); // gtest itself allocates
}

TEST_F(Snapshot, TaskMetricsByType) {
  const auto before = memscope::get_memory_snapshot();
  const auto m0 = before.get_task_metrics(TaskType::GpuCompute);
  Coros tasks;
  for (int i = 1; i <= 4; ++i) {
    tasks.push_back(std::make_unique<FakeCoro>(&kGpu, 100));
    tasks.back()->resume(
        [i] { delete[] mstest::escape(new char[i * 1024 * 1024]); });
  }
  tasks.resize(2);
  const auto s = memscope::get_memory_snapshot();
  const auto m = s.get_task_metrics(TaskType::GpuCompute);
  EXPECT_EQ(m.type, TaskType::GpuCompute);
  EXPECT_EQ(m.task_count, m0.task_count + 4);
  EXPECT_EQ(m.completed_count, m0.completed_count + 2);
  EXPECT_EQ(m.active_count, m0.active_count + 2);
  // The same figures, recomputed from the per-task profiles.
  double peak_sum = 0, peak_max = 0, wait_sum = 0;
  std::uint64_t n = 0, done = 0;
  for (const auto &t : s.tasks()) {
    if (t.type != TaskType::GpuCompute)
      continue;
    ++n;
    done += t.state == TaskState::Completed;
    peak_sum += static_cast<double>(t.peak_live_bytes);
    peak_max = std::max(peak_max, static_cast<double>(t.peak_live_bytes));
    const std::uint64_t end = t.completed_ns.value_or(s.uptime_ns());
    const std::uint64_t life = end - t.created_ns;
    wait_sum += static_cast<double>(life > t.busy_ns ? life - t.busy_ns : 0);
  }
  const double mib = 1024.0 * 1024.0;
  EXPECT_EQ(m.task_count, n);
  EXPECT_DOUBLE_EQ(m.avg_memory_mb, peak_sum / n / mib);
  EXPECT_DOUBLE_EQ(m.peak_memory_mb, peak_max / mib);
  EXPECT_GE(m.peak_memory_mb, 4.0);
  EXPECT_DOUBLE_EQ(m.completion_rate_percent, 100.0 * done / n);
  EXPECT_NEAR(m.avg_wait_time_ms, wait_sum / n / 1e6, 1e-9);
  EXPECT_DOUBLE_EQ(m.throughput_per_sec,
                   static_cast<double>(done) / (s.uptime_ns() / 1e9));
}

TEST_F(Snapshot, MetricsOfAnUnusedTypeAreZero) {
  // No test creates a MemoryIntensive *task root* with an explicit type
  // other than through allocator tests; whatever the count, the figures are
  // consistent, and a type with no task has all-zero figures.
  const auto s = memscope::get_memory_snapshot();
  for (unsigned i = 0; i < memscope::kTaskTypeCount; ++i) {
    const auto m = s.get_task_metrics(static_cast<TaskType>(i));
    EXPECT_EQ(m.type, static_cast<TaskType>(i));
    EXPECT_EQ(m.task_count, m.active_count + m.completed_count);
    if (m.task_count == 0) {
      EXPECT_EQ(m.avg_memory_mb, 0.0);
      EXPECT_EQ(m.completion_rate_percent, 0.0);
      EXPECT_EQ(m.throughput_per_sec, 0.0);
    }
  }
}

TEST_F(Snapshot, FindTaskAndSite) {
  FakeCoro c(&kSnap);
  const auto s = memscope::get_memory_snapshot();
  ASSERT_NE(s.find_task(c.task()), nullptr);
  EXPECT_EQ(s.find_task(c.task())->id, c.task());
  EXPECT_EQ(s.find_task(~0ull), nullptr);
  EXPECT_EQ(s.find_task(0), nullptr); // 0 is the no-task bucket
  ASSERT_NE(s.find_site(kSnap.index), nullptr);
  EXPECT_EQ(s.find_site(kSnap.index)->where.function, "snap_task()");
  EXPECT_EQ(s.find_site(0)->index, 0u);
  const auto &tasks = s.tasks();
  EXPECT_TRUE(
      std::is_sorted(tasks.begin(), tasks.end(),
                     [](const auto &a, const auto &b) { return a.id < b.id; }));
}

TEST_F(Snapshot, UptimeAndThreadsAreReported) {
  FakeCoro c(&kSnap); // a thread counts once it has run a task
  const auto s = memscope::get_memory_snapshot();
  EXPECT_GT(s.uptime_ns(), 0u);
  EXPECT_GE(s.thread_count(), 1u);
}

// The converter given is the one every time of the snapshot comes from (the
// trace and the report convert their own times with it).
TEST_F(Snapshot, TimesComeFromTheConverterGiven) {
  FakeCoro c(&kSnap);
  const memscope::detail::TickConverter real =
      memscope::detail::make_tick_converter();
  memscope::detail::TickConverter doubled = real;
  doubled.ns_per_tick = 2 * real.ns_per_tick;
  const auto a = memscope::detail::snapshot_with_clock(real);
  const auto b = memscope::detail::snapshot_with_clock(doubled);
  EXPECT_EQ(a.uptime_ns(), real.uptime_ns());
  EXPECT_EQ(b.uptime_ns(), doubled.uptime_ns());
  const memscope::TaskProfile *ta = a.find_task(c.task());
  const memscope::TaskProfile *tb = b.find_task(c.task());
  ASSERT_TRUE(ta && tb);
  ASSERT_GT(ta->created_ns, 0u);
  // Twice the nanoseconds, give or take the truncation of each.
  EXPECT_NEAR(static_cast<double>(tb->created_ns),
              2.0 * static_cast<double>(ta->created_ns), 2.0);
}

TEST_F(Snapshot, TakingSnapshotsNeverBlocksOtherThreads) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> progress{0};
  std::uint64_t id = 0;
  std::atomic<bool> started{false};
  std::thread worker([&] {
    FakeCoro c(&kSnap);
    id = c.task();
    started = true;
    c.resume([&] {
      while (!stop.load()) {
        delete[] mstest::escape(new char[64]);
        progress.fetch_add(1);
      }
    });
  });
  while (!started.load()) {
  }
  std::uint64_t advanced = 0;
  for (int i = 0; i < 20; ++i) {
    const std::uint64_t p0 = progress.load();
    const auto s = memscope::get_memory_snapshot();
    // Spin until the worker makes progress: if a snapshot held it, the
    // test would hang here (and time out) rather than pass.
    while (progress.load() == p0) {
    }
    advanced += progress.load() - p0;
    EXPECT_GE(s.tasks().size(), 1u);
  }
  stop = true;
  worker.join();
  EXPECT_GT(advanced, 0u);
  const auto p = mstest::profile_of(id);
  EXPECT_EQ(p.alloc_count - 1, progress.load()); // minus the frame
  EXPECT_EQ(p.state, TaskState::Completed);
}

TEST(SnapshotViews, ThreadSetListsTheMaskInOrder) {
  const memscope::ThreadSet none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.begin(), none.end());
  const memscope::ThreadSet set((std::uint64_t{1} << 63) | 0b10101);
  EXPECT_EQ(set.size(), 4u);
  EXPECT_TRUE(set.contains(2));
  EXPECT_FALSE(set.contains(1));
  EXPECT_FALSE(set.contains(64));
  const std::vector<unsigned> listed = set; // the former type still works
  EXPECT_EQ(listed, (std::vector<unsigned>{0, 2, 4, 63}));
}

TEST_F(Snapshot, NamesPointIntoTheStaticSiteTables) {
  // A snapshot copies no strings: names are views of the site tables, which
  // live as long as the program.
  FakeCoro t(&kSnap);
  const auto s = memscope::get_memory_snapshot();
  const memscope::TaskProfile *p = s.find_task(t.task());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "snap_task()");
  EXPECT_EQ(p->name.data(), kSnap.function);
  EXPECT_EQ(p->root_site.function.data(), kSnap.function);
  EXPECT_EQ(p->root_site.line, 301u);
}
