// Figures per (task root, site) (root_sites.hpp): every path an event can
// take (this thread's entry, the shared pair table on a root mismatch, a
// task's pending list before its root is known, another thread's free)
// ends in the pair of the root that allocated the block, exactly.
#include "fake_coro.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using mstest::FakeCoro;
using mstest::make_site;

namespace {

memscope_site g_sites[] = {
    make_site("root_a()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 600),
    make_site("root_b()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 601),
    make_site("helper()", MEMSCOPE_SITE_ALLOC, 0, 0, 602),
    make_site("spawner()", MEMSCOPE_SITE_SPAWN, 0, MEMSCOPE_TYPE_UNKNOWN, 603),
    make_site("spawner()", MEMSCOPE_SITE_ALLOC, 0, 0, 604), // the argument
    make_site("spawned()", MEMSCOPE_SITE_COROUTINE, 0,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 605),
    make_site("outside()", MEMSCOPE_SITE_ALLOC, 0, 0, 606),
    make_site("helper2()", MEMSCOPE_SITE_ALLOC, 0, 0, 607),
};
memscope_site &kRootA = g_sites[0];
memscope_site &kRootB = g_sites[1];
memscope_site &kHelper = g_sites[2];
memscope_site &kSpawn = g_sites[3];
memscope_site &kArg = g_sites[4];
memscope_site &kSpawned = g_sites[5];
memscope_site &kOutside = g_sites[6];
memscope_site &kHelper2 = g_sites[7];

class RootSites : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

struct Pair {
  std::uint64_t allocated = 0, freed = 0, live = 0, allocs = 0, frees = 0;
  int found = 0;
};

// The snapshot's pair; root null: the "no task" root.
Pair pair_of(const memscope_site *root, const memscope_site &site) {
  const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  Pair out;
  for (const memscope::RootSiteProfile &p : s.root_sites()) {
    if (p.site != site.index)
      continue;
    if (root ? p.root_kind != memscope::RootKind::Coroutine ||
                   p.root_index != root->index
             : p.root_kind != memscope::RootKind::NoTask)
      continue;
    ++out.found;
    out.allocated = p.allocated_bytes;
    out.freed = p.freed_bytes;
    out.live = p.live_bytes;
    out.allocs = p.alloc_count;
    out.frees = p.free_count;
  }
  return out;
}

void start_together(std::atomic<int> &ready, int n) {
  ready.fetch_add(1);
  while (ready.load() < n) {
  }
}

} // namespace

TEST_F(RootSites, TwoRootsAtOneSiteSplitExactly) {
  // Alternating roots on one thread: this thread's entry for the site is
  // claimed by the first root, the other takes the shared table.
  FakeCoro a(&kRootA), b(&kRootB);
  std::vector<void *> kept;
  kept.reserve(64);
  for (int i = 0; i < 10; ++i) {
    a.resume([&] { kept.push_back(__memscope_new(100, &kHelper)); });
    b.resume([&] { kept.push_back(__memscope_new(30, &kHelper)); });
  }
  // Free every other block (b's) outside any task: credited to b.
  for (std::size_t i = 1; i < kept.size(); i += 2)
    ::operator delete(kept[i]);
  const Pair pa = pair_of(&kRootA, kHelper), pb = pair_of(&kRootB, kHelper);
  EXPECT_EQ(pa.found, 1);
  EXPECT_EQ(pa.allocated, 1000u);
  EXPECT_EQ(pa.live, 1000u);
  EXPECT_EQ(pa.allocs, 10u);
  EXPECT_EQ(pa.frees, 0u);
  EXPECT_EQ(pb.found, 1);
  EXPECT_EQ(pb.allocated, 300u);
  EXPECT_EQ(pb.freed, 300u);
  EXPECT_EQ(pb.live, 0u);
  EXPECT_EQ(pb.allocs, 10u);
  EXPECT_EQ(pb.frees, 10u);
  EXPECT_EQ(pair_of(nullptr, kHelper).found, 0); // the frees are not no-task's
  const auto site = mstest::site_profile(kHelper);
  EXPECT_EQ(site.allocated_bytes, 1300u);
  EXPECT_EQ(site.live_bytes, 1000u);
  EXPECT_EQ(site.alloc_count, 20u);
  EXPECT_EQ(site.free_count, 10u);
  for (std::size_t i = 0; i < kept.size(); i += 2)
    ::operator delete(kept[i]);
  EXPECT_EQ(pair_of(&kRootA, kHelper).live, 0u);
}

TEST_F(RootSites, ThreadsOfTwoRootsFreeEachOthersBlocks) {
  // Four threads, each running its own task (roots A, B, A, B), allocate
  // at one site, then free the blocks of the next thread: every free is
  // credited to the root that allocated the block.
  constexpr int kThreads = 4, kBlocks = 5000;
  std::vector<void *> made[kThreads];
  for (auto &m : made)
    m.reserve(kBlocks);
  std::atomic<int> ready{0}, allocated{0};
  auto worker = [&](int me) {
    FakeCoro c(me % 2 ? &kRootB : &kRootA);
    c.resume([&] {
      start_together(ready, kThreads);
      for (int i = 0; i < kBlocks; ++i)
        made[me].push_back(__memscope_new(16 + (me % 2) * 16, &kHelper2));
      allocated.fetch_add(1);
      while (allocated.load() < kThreads) {
      }
      for (int i = 0; i < kBlocks / 2; ++i)
        ::operator delete(made[(me + 1) % kThreads][i]);
    });
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back(worker, i);
  for (auto &t : threads)
    t.join();
  const Pair pa = pair_of(&kRootA, kHelper2), pb = pair_of(&kRootB, kHelper2);
  EXPECT_EQ(pa.allocs, 2u * kBlocks);
  EXPECT_EQ(pa.allocated, 2u * kBlocks * 16);
  EXPECT_EQ(pa.frees, 2u * (kBlocks / 2));
  EXPECT_EQ(pa.live, 2u * (kBlocks - kBlocks / 2) * 16);
  EXPECT_EQ(pb.allocs, 2u * kBlocks);
  EXPECT_EQ(pb.allocated, 2u * kBlocks * 32);
  EXPECT_EQ(pb.frees, 2u * (kBlocks / 2));
  EXPECT_EQ(pb.live, 2u * (kBlocks - kBlocks / 2) * 32);
  for (auto &m : made)
    for (std::size_t i = kBlocks / 2; i < m.size(); ++i)
      ::operator delete(m[i]);
  EXPECT_EQ(pair_of(&kRootA, kHelper2).live, 0u);
  EXPECT_EQ(pair_of(&kRootB, kHelper2).live, 0u);
  EXPECT_EQ(mstest::site_profile(kHelper2).live_bytes, 0u);
}

TEST_F(RootSites, SpawnArgumentCountsForTheRootOnceKnown) {
  // Allocated between spawn_begin and the coroutine's ramp: the task has
  // no root yet; the counts move to the root when its coroutine starts.
  void *arg = nullptr, *freed_early = nullptr;
  std::uint64_t task = 0;
  {
    mstest::SpawnScope spawn(&kSpawn);
    arg = __memscope_new(2000, &kArg);
    freed_early = __memscope_new(500, &kArg);
    ::operator delete(freed_early); // before the root is known
    FakeCoro c(&kSpawned);
    task = c.task();
    spawn.end();
    c.resume([&] { ::operator delete(mstest::escape(arg)); });
    arg = __memscope_new(2000, &kArg); // no task current now
  }
  EXPECT_NE(task, 0u);
  const Pair p = pair_of(&kSpawned, kArg);
  EXPECT_EQ(p.found, 1);
  EXPECT_EQ(p.allocated, 2500u);
  EXPECT_EQ(p.freed, 2500u);
  EXPECT_EQ(p.allocs, 2u);
  EXPECT_EQ(p.frees, 2u);
  const Pair none = pair_of(nullptr, kArg);
  EXPECT_EQ(none.allocated, 2000u);
  EXPECT_EQ(none.live, 2000u);
  ::operator delete(arg);
  EXPECT_EQ(pair_of(nullptr, kArg).live, 0u);
}

TEST_F(RootSites, OutsideTasksIsTheNoTaskRoot) {
  void *p = __memscope_new(777, &kOutside);
  const Pair none = pair_of(nullptr, kOutside);
  EXPECT_EQ(none.found, 1);
  EXPECT_EQ(none.allocated, 777u);
  EXPECT_EQ(none.live, 777u);
  ::operator delete(mstest::escape(p));
  EXPECT_EQ(pair_of(nullptr, kOutside).live, 0u);
  EXPECT_EQ(pair_of(nullptr, kOutside).frees, 1u);
}
