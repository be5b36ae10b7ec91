// The coroutine-context hooks: which task each frame and allocation belongs
// to, spawns, task roots, completion, and context restoration.
#include "fake_coro.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using memscope::TaskState;
using memscope::TaskType;
using mstest::FakeCoro;
using mstest::make_site;
using mstest::profile_of;
using mstest::SpawnScope;

namespace {

memscope_site g_sites[] = {
    make_site("parent_coro()", MEMSCOPE_SITE_COROUTINE, 0,
              MEMSCOPE_TYPE_NETWORK_INTENSIVE, 10),
    make_site("child_coro()", MEMSCOPE_SITE_COROUTINE, 0,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 20),
    make_site("root_coro()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_BACKGROUND, 30),
    make_site("listener()", MEMSCOPE_SITE_SPAWN, 0, MEMSCOPE_TYPE_UNKNOWN, 40),
    make_site("main()", MEMSCOPE_SITE_SPAWN, MEMSCOPE_FLAG_EXPLICIT_TYPE,
              MEMSCOPE_TYPE_GPU_COMPUTE, 50),
    make_site("session()", MEMSCOPE_SITE_COROUTINE, 0, MEMSCOPE_TYPE_STREAMING,
              60),
    make_site("typed_root()", MEMSCOPE_SITE_COROUTINE,
              MEMSCOPE_FLAG_TASK_ROOT | MEMSCOPE_FLAG_EXPLICIT_TYPE,
              MEMSCOPE_TYPE_IO_INTENSIVE, 70),
};
memscope_site &kParent = g_sites[0];
memscope_site &kChild = g_sites[1];
memscope_site &kRoot = g_sites[2];
memscope_site &kSpawn = g_sites[3];
memscope_site &kTypedSpawn = g_sites[4];
memscope_site &kSession = g_sites[5];
memscope_site &kTypedRoot = g_sites[6];

// A root coroutine whose spawn point is known (function-object spawn).
memscope_site g_fo_spawn[] = {
    make_site("main()", MEMSCOPE_SITE_SPAWN, 0, MEMSCOPE_TYPE_UNKNOWN, 80),
};
memscope_site g_fo_root[] = {
    make_site("lambda()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_MIXED, 81, &g_fo_spawn[0]),
};

class Context : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    mstest::register_table(g_sites);
    mstest::register_table(g_fo_spawn);
    mstest::register_table(g_fo_root);
  }
  void SetUp() override { ASSERT_EQ(memscope::current_task_id(), 0u); }
  void TearDown() override { EXPECT_EQ(memscope::current_task_id(), 0u); }
};

} // namespace

TEST_F(Context, RegistrationAssignsDistinctIndices) {
  std::set<std::uint32_t> seen;
  for (const memscope_site &s : g_sites) {
    EXPECT_NE(s.index, 0u);
    seen.insert(s.index);
  }
  EXPECT_EQ(seen.size(), std::size(g_sites));
}

TEST_F(Context, RegistrationIsIdempotent) {
  const std::uint32_t before = kParent.index;
  mstest::register_table(g_sites);
  EXPECT_EQ(kParent.index, before);
}

TEST_F(Context, RegistrationSkipsZeroRecords) {
  static memscope_site table[2] = {
      make_site("f()", MEMSCOPE_SITE_ALLOC),
      memscope_site{}, // padding a linker might leave
  };
  mstest::register_table(table);
  EXPECT_NE(table[0].index, 0u);
  EXPECT_EQ(table[1].index, 0u);
}

TEST_F(Context, NoTaskCurrentOutsideCoroutines) {
  EXPECT_EQ(memscope::current_task_id(), 0u);
}

TEST_F(Context, CoroutineWithNoTaskCurrentStartsATask) {
  FakeCoro c(&kParent);
  EXPECT_NE(c.task(), 0u);
  EXPECT_EQ(memscope::current_task_id(), 0u); // restored at initial suspend
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.id, c.task());
  EXPECT_EQ(p.parent_id, 0u);
  EXPECT_EQ(p.name, "parent_coro()");
  EXPECT_EQ(p.type, TaskType::NetworkIntensive);
  EXPECT_EQ(p.state, TaskState::Suspended);
  EXPECT_FALSE(p.spawn_site.known());
  EXPECT_EQ(p.frame_bytes, 96u);
  EXPECT_EQ(p.live_frames, 1u);
  // The frame itself was allocated while the task was current.
  EXPECT_EQ(p.allocated_bytes, 96u);
  EXPECT_EQ(p.alloc_count, 1u);
}

TEST_F(Context, CurrentTaskInsideResume) {
  FakeCoro c(&kParent);
  std::uint64_t inside = 0;
  c.resume([&] { inside = memscope::current_task_id(); });
  EXPECT_EQ(inside, c.task());
  EXPECT_EQ(memscope::current_task_id(), 0u);
}

TEST_F(Context, ChildFrameIsChargedToParentTask) {
  FakeCoro parent(&kParent, 100);
  std::uint64_t child_task = 0;
  parent.resume([&] {
    FakeCoro child(&kChild, 50, [] { delete[] mstest::escape(new char[10]); });
    child_task = child.task();
    child.resume([] { mstest::escape(new char[7]); }); // deliberately kept live
    EXPECT_EQ(memscope::current_task_id(), parent.task());
  });
  EXPECT_EQ(child_task, parent.task());
  const auto p = profile_of(parent.task());
  EXPECT_EQ(p.frame_bytes, 150u);
  EXPECT_EQ(p.frames, 2u);
  EXPECT_EQ(p.live_frames, 1u); // the child frame was destroyed
  EXPECT_EQ(p.allocated_bytes, 100u + 50u + 10u + 7u);
  EXPECT_EQ(p.freed_bytes, 50u + 10u);
  EXPECT_EQ(p.live_bytes, 107u);
  EXPECT_EQ(p.alloc_count, 4u);
  EXPECT_EQ(p.free_count, 2u);
  EXPECT_EQ(p.state, TaskState::Suspended); // a child's end is not the task's
  EXPECT_EQ(p.type, TaskType::NetworkIntensive);
}

TEST_F(Context, TaskRootCoroutineInsideTaskStartsChildTask) {
  FakeCoro parent(&kParent);
  std::uint64_t root_task = 0;
  std::unique_ptr<FakeCoro> root;
  parent.resume([&] {
    root = std::make_unique<FakeCoro>(&kRoot, 64);
    root_task = root->task();
  });
  ASSERT_NE(root_task, 0u);
  EXPECT_NE(root_task, parent.task());
  const auto p = profile_of(root_task);
  EXPECT_EQ(p.parent_id, parent.task());
  EXPECT_EQ(p.type, TaskType::Background);
  EXPECT_EQ(p.name, "root_coro()");
  EXPECT_EQ(p.allocated_bytes, 64u);
  // The parent was not charged for the root's frame (the unique_ptr's own
  // control block is the parent's: it was made while the parent ran).
  EXPECT_EQ(profile_of(parent.task()).frame_bytes, 96u);
  root.reset();
}

TEST_F(Context, TaskRootRecordsItsKnownSpawnPoint) {
  FakeCoro c(&g_fo_root[0]);
  const auto p = profile_of(c.task());
  EXPECT_TRUE(p.spawn_site.known());
  EXPECT_EQ(p.spawn_site.line, 80u);
  EXPECT_EQ(p.spawn_site.function, "main()");
  EXPECT_EQ(p.type, TaskType::Mixed);
}

TEST_F(Context, RetainedExcludesTheRootFrameItself) {
  std::uint64_t id;
  char *leak = nullptr;
  {
    FakeCoro c(&kParent, 500);
    id = c.task();
    c.resume([&] { leak = mstest::escape(new char[33]); });
  }
  EXPECT_EQ(profile_of(id).retained_bytes, 33u);
  EXPECT_EQ(profile_of(id).live_bytes, 33u);
  delete[] leak;
  EXPECT_EQ(profile_of(id).live_bytes, 0u);
  EXPECT_EQ(profile_of(id).retained_bytes, 33u);
}

TEST_F(Context, TaskCompletesWhenRootFrameEnds) {
  std::uint64_t id;
  {
    FakeCoro c(&kParent);
    id = c.task();
    EXPECT_EQ(profile_of(id).state, TaskState::Suspended);
  }
  const auto p = profile_of(id);
  EXPECT_EQ(p.state, TaskState::Completed);
  ASSERT_TRUE(p.completed_ns.has_value());
  EXPECT_GE(*p.completed_ns, p.created_ns);
  EXPECT_EQ(p.live_frames, 0u);
  EXPECT_EQ(p.live_bytes, 0u);
  EXPECT_EQ(p.retained_bytes, 0u);
}

TEST_F(Context, StateIsRunningWhileResumed) {
  FakeCoro c(&kParent);
  memscope::TaskState inside = TaskState::Completed;
  c.resume([&] {
    memscope::MemorySnapshot s = memscope::get_memory_snapshot();
    inside = s.find_task(c.task())->state;
  });
  EXPECT_EQ(inside, TaskState::Running);
  EXPECT_EQ(profile_of(c.task()).state, TaskState::Suspended);
}

TEST_F(Context, SpawnCreatesTaskAdoptedByTheCoroutine) {
  FakeCoro listener(&kParent, 32);
  std::uint64_t spawned = 0, during_spawn = 0;
  std::unique_ptr<FakeCoro> session;
  listener.resume([&] {
    SpawnScope spawn(&kSpawn);
    during_spawn = memscope::current_task_id();
    session = std::make_unique<FakeCoro>(&kSession, 200);
    spawned = session->task();
    // The spawn function's own state, after the coroutine was created.
    delete[] mstest::escape(new char[40]);
    spawn.end();
    EXPECT_EQ(memscope::current_task_id(), listener.task());
  });
  EXPECT_NE(spawned, listener.task());
  EXPECT_EQ(during_spawn, spawned);
  const auto s = profile_of(spawned);
  EXPECT_EQ(s.parent_id, listener.task());
  EXPECT_EQ(s.name, "session()");
  EXPECT_EQ(s.spawn_site.line, 40u);
  EXPECT_EQ(s.spawn_site.function, "listener()");
  EXPECT_EQ(s.type, TaskType::Streaming); // not explicit: coroutine's type
  EXPECT_EQ(s.state, TaskState::Suspended);
  // unique_ptr holds the FakeCoro object: made during the spawn, so charged
  // to the new task, as is the frame and the 40 bytes.
  EXPECT_EQ(s.allocated_bytes, sizeof(FakeCoro) + 200u + 40u);
  // The listener paid for nothing but its own frame.
  const auto l = profile_of(listener.task());
  EXPECT_EQ(l.allocated_bytes, 32u);
  EXPECT_EQ(l.alloc_count, 1u);
  session.reset();
  EXPECT_EQ(profile_of(spawned).state, TaskState::Completed);
}

TEST_F(Context, EverySpawnIsANewTask) {
  FakeCoro listener(&kParent);
  std::vector<std::unique_ptr<FakeCoro>> sessions;
  listener.resume([&] {
    for (int i = 0; i < 5; ++i) {
      SpawnScope spawn(&kSpawn);
      sessions.push_back(std::make_unique<FakeCoro>(&kSession));
    }
  });
  std::set<std::uint64_t> ids;
  for (auto &s : sessions) {
    ids.insert(s->task());
    EXPECT_EQ(profile_of(s->task()).parent_id, listener.task());
  }
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids.count(listener.task()), 0u);
  sessions.clear();
}

TEST_F(Context, ExplicitSpawnTypeWins) {
  std::unique_ptr<FakeCoro> c;
  {
    SpawnScope spawn(&kTypedSpawn);
    c = std::make_unique<FakeCoro>(&kSession);
  }
  EXPECT_EQ(profile_of(c->task()).type, TaskType::GpuCompute);
  EXPECT_EQ(profile_of(c->task()).parent_id, 0u);
}

TEST_F(Context, ExplicitCoroutineTypeKept) {
  FakeCoro c(&kTypedRoot);
  EXPECT_EQ(profile_of(c.task()).type, TaskType::IoIntensive);
}

TEST_F(Context, SpawnNeverAdoptedEndsAtSpawnEnd) {
  std::uint64_t id = 0;
  char *kept = nullptr;
  {
    SpawnScope spawn(&kSpawn);
    id = memscope::current_task_id();
    kept = mstest::escape(new char[24]);
  }
  EXPECT_EQ(memscope::current_task_id(), 0u);
  const auto p = profile_of(id);
  EXPECT_EQ(p.state, TaskState::Completed);
  EXPECT_EQ(p.retained_bytes, 24u);
  EXPECT_EQ(p.name, "");
  EXPECT_EQ(p.spawn_site.line, 40u);
  delete[] kept;
  EXPECT_EQ(profile_of(id).live_bytes, 0u);
  EXPECT_EQ(profile_of(id).retained_bytes, 24u); // fixed at completion
}

TEST_F(Context, SecondRampInSpawnWindowIsAChild) {
  std::unique_ptr<FakeCoro> first, second;
  {
    SpawnScope spawn(&kSpawn);
    first = std::make_unique<FakeCoro>(&kSession);
    second = std::make_unique<FakeCoro>(&kChild);
  }
  const std::uint64_t id = first->task();
  EXPECT_EQ(second->task(), id);
  second.reset(); // a child frame: the task goes on
  EXPECT_EQ(profile_of(id).state, TaskState::Suspended);
  first.reset();
  EXPECT_EQ(profile_of(id).state, TaskState::Completed);
}

TEST_F(Context, NoContextValuesAreIgnored) {
  FakeCoro c(&kParent);
  c.resume([&] {
    __memscope_suspend(MEMSCOPE_NO_CONTEXT);
    EXPECT_EQ(memscope::current_task_id(), c.task());
    __memscope_spawn_end(MEMSCOPE_NO_CONTEXT);
    EXPECT_EQ(memscope::current_task_id(), c.task());
  });
}

TEST_F(Context, SuspendIsIdempotent) {
  FakeCoro c(&kParent);
  const std::uint64_t prev = __memscope_resume(c.binding());
  __memscope_suspend(prev);
  __memscope_suspend(prev);
  EXPECT_EQ(memscope::current_task_id(), 0u);
}

TEST_F(Context, SymmetricTransferKeepsCallersContext) {
  // Task A awaits task B's frame by symmetric transfer: A suspends (restoring
  // what A's resumer had) before await_suspend returns B's handle, then B is
  // resumed from there and sees A's resumer's context as its previous one.
  FakeCoro t(&kParent), a(&kRoot), b(&kRoot);
  ASSERT_NE(a.task(), b.task());
  t.resume([&] {
    a.resume_only();
    EXPECT_EQ(memscope::current_task_id(), a.task());
    a.suspend(); // before await_suspend: back to t's context
    EXPECT_EQ(memscope::current_task_id(), t.task());
    b.resume_only(); // the musttail resume from await_suspend
    EXPECT_EQ(memscope::current_task_id(), b.task());
    b.suspend();
    EXPECT_EQ(memscope::current_task_id(), t.task());
  });
}

TEST_F(Context, FrameCreatedAfterNestedSpawnSuspendGoesToOuterTask) {
  // docs/design.md §3: suspend restores, never clears. After a spawned
  // coroutine's initial suspend, frames created by the spawner are the
  // spawner's.
  FakeCoro outer(&kParent);
  std::unique_ptr<FakeCoro> spawned;
  std::uint64_t later_child = 0;
  outer.resume([&] {
    {
      SpawnScope spawn(&kSpawn);
      spawned = std::make_unique<FakeCoro>(&kSession);
    }
    FakeCoro child(&kChild);
    later_child = child.task();
  });
  EXPECT_EQ(later_child, outer.task());
  spawned.reset();
}

TEST_F(Context, DestroyingSuspendedFrameRestoresContext) {
  FakeCoro outer(&kParent);
  outer.resume([&] {
    FakeCoro other(&kRoot);
    other.destroy(); // destroyed while suspended, from inside `outer`
    EXPECT_EQ(memscope::current_task_id(), outer.task());
  });
}

TEST_F(Context, FailedFrameAllocationLeavesNoRootMark) {
  // A ramp whose frame allocation fails returns after suspend(prev0) without
  // frame_begin; the next frame in the task must not be taken for a root.
  FakeCoro parent(&kParent);
  parent.resume([&] {
    const std::uint64_t prev0 = __memscope_ramp_enter(&kRoot);
    __memscope_suspend(prev0); // allocation failed: no frame
    FakeCoro child(&kChild);
    EXPECT_EQ(child.task(), parent.task());
  });
  EXPECT_EQ(profile_of(parent.task()).state, TaskState::Suspended);
}

TEST_F(Context, TaskIdsAreUniqueAndIncreasing) {
  std::uint64_t last = 0;
  for (int i = 0; i < 100; ++i) {
    FakeCoro c(&kRoot);
    EXPECT_GT(c.task(), last);
    last = c.task();
  }
}

TEST_F(Context, ResumeCountCountsTaskSwitches) {
  FakeCoro c(&kParent);
  for (int i = 0; i < 3; ++i)
    c.resume([&] {
      FakeCoro child(&kChild);
      child.resume(); // same task: not a switch
    });
  EXPECT_EQ(profile_of(c.task()).resume_count, 3u);
}

TEST_F(Context, ThreadsListsWhereTheTaskRan) {
  FakeCoro c(&kParent);
  c.resume();
  std::thread([&] { c.resume(); }).join();
  EXPECT_EQ(profile_of(c.task()).threads.size(), 2u);
}

TEST_F(Context, BusyTimeIsTimeWhileCurrent) {
  FakeCoro c(&kParent);
  c.resume([] {
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    while (std::chrono::steady_clock::now() < until) {
    }
  });
  const auto p = profile_of(c.task());
  EXPECT_GE(p.busy_ns, 15'000'000u);
  EXPECT_LT(p.busy_ns, 2'000'000'000u);
}
