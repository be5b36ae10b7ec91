// The allocation path's per-thread counters (docs/performance.md): the
// owner-thread set of a task record, the "no task" shards and the per-thread
// site pages. Whatever thread charges or credits, and however ownership of a
// task moves between threads, every figure stays exact.
#include "fake_coro.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using mstest::FakeCoro;
using mstest::make_site;

namespace {

memscope_site g_sites[] = {
    make_site("shard_task()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 500),
    make_site("shard_alloc()", MEMSCOPE_SITE_ALLOC, 0, 0, 501),
    make_site("shard_outside()", MEMSCOPE_SITE_ALLOC, 0, 0, 502),
};
memscope_site &kTask = g_sites[0];
memscope_site &kAlloc = g_sites[1];
memscope_site &kOutside = g_sites[2];

class CounterShards : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

void start_together(std::atomic<int> &ready, int n) {
  ready.fetch_add(1);
  while (ready.load() < n) {
  }
}

} // namespace

TEST_F(CounterShards, TwoThreadsRunOneTaskAtOnce) {
  // The task is current on two threads at the same time: one owns its
  // counters (plain adds), the other uses the locked set; each frees the
  // other's blocks.
  constexpr int kBlocks = 20000;
  FakeCoro c(&kTask, 64);
  std::vector<void *> made[2];
  std::atomic<int> ready{0}, allocated{0};
  made[0].reserve(kBlocks); // outside the task
  made[1].reserve(kBlocks);
  auto worker = [&](int me) {
    const std::uint64_t saved = __memscope_resume(c.binding());
    start_together(ready, 2);
    for (int i = 0; i < kBlocks; ++i)
      made[me].push_back(__memscope_new(8 + (i % 5) * 8, &kAlloc));
    allocated.fetch_add(1);
    while (allocated.load() < 2) {
    }
    for (void *p : made[1 - me])
      ::operator delete(p);
    __memscope_suspend(saved);
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  std::uint64_t bytes = 0;
  for (int i = 0; i < kBlocks; ++i)
    bytes += 8 + (i % 5) * 8;
  const auto p = mstest::profile_of(c.task());
  EXPECT_EQ(p.alloc_count, 2u * kBlocks + 1); // + the frame
  EXPECT_EQ(p.free_count, 2u * kBlocks);
  EXPECT_EQ(p.allocated_bytes, 2 * bytes + 64);
  EXPECT_EQ(p.freed_bytes, 2 * bytes);
  EXPECT_EQ(p.live_bytes, 64u);
  EXPECT_GE(p.peak_live_bytes, bytes + 64); // one thread's blocks at least
  EXPECT_LE(p.peak_live_bytes, 2 * bytes + 64);
  const auto s = mstest::site_profile(kAlloc);
  EXPECT_EQ(s.alloc_count, 2u * kBlocks);
  EXPECT_EQ(s.allocated_bytes, 2 * bytes);
  EXPECT_EQ(s.live_bytes, 0u);
}

TEST_F(CounterShards, OwnershipMovesBetweenThreadsExactly) {
  // Two threads keep resuming the same task, allocating and freeing: the
  // owner changes thousands of times, sometimes while the other thread
  // still has the task current. Figures are exact at the end.
  constexpr int kRounds = 5000;
  FakeCoro c(&kTask, 32);
  std::atomic<int> ready{0};
  // FakeCoro's resume() keeps one saved context per frame, which two threads
  // would overwrite: drive the hooks directly instead.
  auto direct = [&] {
    start_together(ready, 2);
    for (int i = 0; i < kRounds; ++i) {
      const std::uint64_t saved = __memscope_resume(c.binding());
      void *keep = __memscope_new(24, &kAlloc);
      ::operator delete(__memscope_new(40, &kAlloc));
      __memscope_suspend(saved);
      // Freed after the suspend: by this thread, no longer the owner.
      ::operator delete(keep);
    }
  };
  const auto site_before = mstest::site_profile(kAlloc);
  std::thread a(direct), b(direct);
  a.join();
  b.join();
  const auto p = mstest::profile_of(c.task());
  EXPECT_EQ(p.alloc_count, 4u * kRounds + 1);
  EXPECT_EQ(p.free_count, 4u * kRounds);
  EXPECT_EQ(p.allocated_bytes, 2u * kRounds * 64 + 32);
  EXPECT_EQ(p.live_bytes, 32u);
  EXPECT_EQ(p.resume_count, 2u * kRounds);
  const auto s = mstest::site_profile(kAlloc);
  EXPECT_EQ(s.alloc_count - site_before.alloc_count, 4u * kRounds);
  EXPECT_EQ(s.allocated_bytes - site_before.allocated_bytes, 2u * kRounds * 64);
  EXPECT_EQ(s.live_bytes, site_before.live_bytes);
}

TEST_F(CounterShards, OutsideTasksEveryThreadsShardCounts) {
  // Four threads allocate outside any task at a precise site and free each
  // other's blocks: the site's figures (the sum of every thread's page) and
  // the "no task" bucket (the sum of every thread's shard) are exact.
  constexpr int kThreads = 4, kBlocks = 5000;
  std::vector<std::vector<void *>> made(kThreads);
  std::atomic<int> ready{0}, allocated{0};
  const auto before = memscope::get_memory_snapshot();
  const auto site_before = mstest::site_profile(kOutside);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    made[t].reserve(kBlocks); // before the snapshot window closes: counted
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] {
      start_together(ready, kThreads);
      for (int i = 0; i < kBlocks; ++i)
        made[t].push_back(__memscope_new(100 + t, &kOutside));
      allocated.fetch_add(1);
      while (allocated.load() < kThreads) {
      }
      for (void *p : made[(t + 1) % kThreads])
        ::operator delete(p);
    });
  for (auto &th : pool)
    th.join();
  const auto s = mstest::site_profile(kOutside);
  EXPECT_EQ(s.alloc_count - site_before.alloc_count,
            std::uint64_t{kThreads} * kBlocks);
  EXPECT_EQ(s.free_count - site_before.free_count,
            std::uint64_t{kThreads} * kBlocks);
  EXPECT_EQ(s.allocated_bytes - site_before.allocated_bytes,
            std::uint64_t{kBlocks} * (100 + 101 + 102 + 103));
  EXPECT_EQ(s.live_bytes, site_before.live_bytes);
  const auto after = memscope::get_memory_snapshot();
  // The bucket also counts what std::thread allocates for itself: at least
  // our blocks, and every one of them freed again.
  EXPECT_GE(after.no_task().alloc_count - before.no_task().alloc_count,
            std::uint64_t{kThreads} * kBlocks);
  EXPECT_GE(after.no_task().freed_bytes - before.no_task().freed_bytes,
            std::uint64_t{kBlocks} * (100 + 101 + 102 + 103));
  EXPECT_GE(after.no_task().peak_live_bytes, after.no_task().live_bytes);
}
