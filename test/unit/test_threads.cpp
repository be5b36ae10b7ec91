// Many threads running many tasks at once: every figure stays exact, ids stay
// unique, and frees on other threads are credited to the allocating task.
#include "fake_coro.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using memscope::TaskState;
using mstest::FakeCoro;
using mstest::make_site;

namespace {

memscope_site g_sites[] = {
    make_site("pool_task()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 400),
    make_site("pool_alloc()", MEMSCOPE_SITE_ALLOC, 0, 0, 401),
    make_site("pool_child()", MEMSCOPE_SITE_COROUTINE, 0, 0, 402),
    make_site("pool_spawn()", MEMSCOPE_SITE_SPAWN, 0, 0, 403),
};
memscope_site &kTask = g_sites[0];
memscope_site &kAlloc = g_sites[1];
memscope_site &kChild = g_sites[2];
memscope_site &kSpawn = g_sites[3];

constexpr int kThreads = 4;
constexpr int kTasksPerThread = 2000;
constexpr std::size_t kFrame = 128;

std::size_t size_of(int thread, int i) { return 16 + (thread * 7 + i) % 200; }

class Threads : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

} // namespace

TEST_F(Threads, FourThreadsManyTasksExactFigures) {
  // Each task: a 128-byte frame, a child frame (64) with one block, one
  // sited block freed at once, one block handed to another thread's task to
  // free. Expected figures of every task are known exactly.
  std::vector<std::vector<std::uint64_t>> ids(kThreads);
  std::vector<std::vector<void *>> handoff(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] {
      ids[t].reserve(kTasksPerThread);
      handoff[t].reserve(kTasksPerThread);
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      for (int i = 0; i < kTasksPerThread; ++i) {
        FakeCoro task(&kTask, kFrame);
        ids[t].push_back(task.task());
        task.resume([&] {
          FakeCoro child(&kChild, 64, [&] {
            delete[] mstest::escape(new char[size_of(t, i)]);
          });
          ::operator delete(__memscope_new(size_of(t, i) * 2, &kAlloc));
          handoff[t].push_back(::operator new(size_of(t, i) * 3));
        });
      }
    });
  for (auto &th : pool)
    th.join();
  // Thread t frees the blocks of thread t+1's tasks, from its own tasks.
  std::vector<std::uint64_t> freers(kThreads);
  pool.clear();
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] {
      FakeCoro freer(&kTask, kFrame);
      freers[t] = freer.task();
      freer.resume([&] {
        for (void *p : handoff[(t + 1) % kThreads])
          ::operator delete(p);
      });
    });
  for (auto &th : pool)
    th.join();

  const auto s = memscope::get_memory_snapshot();
  std::set<std::uint64_t> unique;
  std::uint64_t total_alloc = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kTasksPerThread; ++i) {
      const std::uint64_t id = ids[t][i];
      unique.insert(id);
      const memscope::TaskProfile *p = s.find_task(id);
      ASSERT_NE(p, nullptr);
      const std::size_t n = size_of(t, i);
      const std::uint64_t allocated = kFrame + 64 + n + 2 * n + 3 * n;
      ASSERT_EQ(p->allocated_bytes, allocated) << t << "/" << i;
      ASSERT_EQ(p->freed_bytes, allocated);
      ASSERT_EQ(p->live_bytes, 0u);
      ASSERT_EQ(p->alloc_count, 5u);
      ASSERT_EQ(p->free_count, 5u);
      // Peak: the child frame lives until the end of the resume, so the
      // peak is both frames and the 3n block (n and 2n were freed before).
      ASSERT_EQ(p->peak_live_bytes, kFrame + 64 + 3 * n);
      ASSERT_EQ(p->frame_bytes, kFrame + 64);
      ASSERT_EQ(p->state, TaskState::Completed);
      ASSERT_EQ(p->threads.size(), 1u);
      ASSERT_EQ(p->retained_bytes, 3 * n); // the handed-off block
      total_alloc += allocated;
    }
  EXPECT_EQ(unique.size(), std::size_t{kThreads} * kTasksPerThread);
  for (std::uint64_t f : freers) {
    const memscope::TaskProfile *p = s.find_task(f);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->allocated_bytes, kFrame);
    EXPECT_EQ(p->freed_bytes, kFrame);
    EXPECT_EQ(p->free_count, 1u);
  }
  const memscope::SiteProfile *site = s.find_site(kAlloc.index);
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->alloc_count, std::uint64_t{kThreads} * kTasksPerThread);
  EXPECT_EQ(site->live_bytes, 0u);
  std::uint64_t site_bytes = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kTasksPerThread; ++i)
      site_bytes += 2 * size_of(t, i);
  EXPECT_EQ(site->allocated_bytes, site_bytes);
  EXPECT_GT(total_alloc, 0u);
}

TEST_F(Threads, ConcurrentSpawnsGetTheirListenersAsParents) {
  constexpr int kSpawns = 300;
  std::vector<std::uint64_t> listeners(kThreads);
  std::vector<std::vector<std::uint64_t>> spawned(kThreads);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] {
      spawned[t].reserve(kSpawns);
      FakeCoro listener(&kTask, 32);
      listeners[t] = listener.task();
      listener.resume([&] {
        for (int i = 0; i < kSpawns; ++i) {
          mstest::SpawnScope spawn(&kSpawn);
          FakeCoro session(&kChild, 48,
                           [&] { delete[] mstest::escape(new char[100]); });
          spawned[t].push_back(session.task());
        } // session destroyed here: task completes
      });
    });
  for (auto &th : pool)
    th.join();
  const auto s = memscope::get_memory_snapshot();
  std::set<std::uint64_t> unique;
  for (int t = 0; t < kThreads; ++t) {
    const memscope::TaskProfile *l = s.find_task(listeners[t]);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->allocated_bytes, 32u); // not charged for any session
    for (std::uint64_t id : spawned[t]) {
      unique.insert(id);
      const memscope::TaskProfile *p = s.find_task(id);
      ASSERT_NE(p, nullptr);
      ASSERT_EQ(p->parent_id, listeners[t]);
      ASSERT_EQ(p->allocated_bytes, 148u);
      ASSERT_EQ(p->live_bytes, 0u);
      ASSERT_EQ(p->state, TaskState::Completed);
      ASSERT_EQ(p->name, "pool_child()");
      ASSERT_EQ(p->spawn_site.line, 403u);
    }
  }
  EXPECT_EQ(unique.size(), std::size_t{kThreads} * kSpawns);
}

TEST_F(Threads, TaskMigratesBetweenThreads) {
  FakeCoro c(&kTask, 16);
  void *block = nullptr;
  std::thread([&] { c.resume([&] { block = ::operator new(500); }); }).join();
  std::thread([&] { c.resume([&] { ::operator delete(block); }); }).join();
  const auto p = mstest::profile_of(c.task());
  EXPECT_EQ(p.threads.size(), 3u); // the ramp ran on this thread
  EXPECT_EQ(p.resume_count, 2u);
  EXPECT_EQ(p.allocated_bytes, 516u);
  EXPECT_EQ(p.live_bytes, 16u);
  EXPECT_EQ(p.state, TaskState::Suspended);
}
