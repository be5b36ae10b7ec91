// The runtime side of memscope/async_memory.hpp: the spawn window that
// create_tracked / spawn_tracked rely on, run-time explicit types, charging
// a join handle to the spawner, variable records and the API's settings.
#include "fake_coro.hpp"

#include "memscope/async_memory.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using memscope::TaskType;
using mstest::FakeCoro;
using mstest::make_site;
using mstest::profile_of;
using mstest::SpawnScope;

namespace {

memscope_site g_sites[] = {
    make_site("outer()", MEMSCOPE_SITE_COROUTINE, 0, MEMSCOPE_TYPE_MIXED, 10),
    make_site("outer()", MEMSCOPE_SITE_SPAWN, 0, MEMSCOPE_TYPE_UNKNOWN, 11),
    make_site("work()", MEMSCOPE_SITE_COROUTINE, 0, MEMSCOPE_TYPE_CPU_INTENSIVE,
              20),
    make_site("outer()", MEMSCOPE_SITE_SPAWN, MEMSCOPE_FLAG_EXPLICIT_TYPE,
              MEMSCOPE_TYPE_IO_INTENSIVE, 12),
};
memscope_site &kOuter = g_sites[0];
memscope_site &kSpawn = g_sites[1];
memscope_site &kWork = g_sites[2];
memscope_site &kTypedSpawn = g_sites[3];

class AsyncApi : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
  void TearDown() override {
    unsetenv("MEMSCOPE_MODE");
    unsetenv("MEMSCOPE_ASYNC_MODE");
    memscope::reload_async_settings();
  }
};

TEST_F(AsyncApi, NoWindowOutsideASpawn) {
  EXPECT_EQ(memscope::spawn_window_task(), 0u);
  EXPECT_FALSE(memscope::set_spawn_task_type(TaskType::Streaming));
  FakeCoro outer(&kOuter);
  outer.resume([&] {
    // Inside a task, but not inside a spawn call: the caller's task must
    // never be retyped.
    EXPECT_EQ(memscope::spawn_window_task(), 0u);
    EXPECT_FALSE(memscope::set_spawn_task_type(TaskType::Streaming));
  });
  EXPECT_EQ(profile_of(outer.task()).type, TaskType::Mixed);
}

TEST_F(AsyncApi, RunTimeTypeInsideTheWindow) {
  FakeCoro outer(&kOuter);
  std::uint64_t spawned = 0;
  std::unique_ptr<FakeCoro> work;
  outer.resume([&] {
    SpawnScope spawn(&kSpawn);
    work = std::make_unique<FakeCoro>(&kWork); // the argument's coroutine
    // The spawn function's body: the window is open, on the new task.
    spawned = memscope::spawn_window_task();
    EXPECT_EQ(spawned, work->task());
    EXPECT_NE(spawned, outer.task());
    EXPECT_TRUE(memscope::set_spawn_task_type(TaskType::Streaming));
    spawn.end();
    EXPECT_EQ(memscope::spawn_window_task(), 0u); // closed again
    EXPECT_EQ(memscope::current_task_id(), outer.task());
  });
  EXPECT_EQ(profile_of(spawned).type, TaskType::Streaming);
  EXPECT_EQ(profile_of(outer.task()).type, TaskType::Mixed);
  // The adopted root keeps the explicit type when it runs.
  work->resume();
  EXPECT_EQ(profile_of(spawned).type, TaskType::Streaming);
  work.reset();
}

TEST_F(AsyncApi, RunTimeTypeOverridesACompileTimeOne) {
  FakeCoro outer(&kOuter);
  std::uint64_t spawned = 0;
  outer.resume([&] {
    SpawnScope spawn(&kTypedSpawn);
    FakeCoro work(&kWork);
    spawned = memscope::spawn_window_task();
    EXPECT_EQ(profile_of(spawned).type, TaskType::IoIntensive);
    EXPECT_TRUE(memscope::set_spawn_task_type(TaskType::Background));
  });
  EXPECT_EQ(profile_of(spawned).type, TaskType::Background);
}

TEST_F(AsyncApi, SpawnerContextChargesTheSpawner) {
  FakeCoro outer(&kOuter);
  std::uint64_t spawned = 0;
  void *handle_state = nullptr;
  outer.resume([&] {
    SpawnScope spawn(&kSpawn);
    FakeCoro work(&kWork);
    spawned = memscope::spawn_window_task();
    const std::uint64_t saved = memscope::enter_spawner_context();
    EXPECT_EQ(memscope::current_task_id(), outer.task());
    handle_state = ::operator new(1000);
    mstest::escape(handle_state);
    memscope::leave_spawner_context(saved);
    EXPECT_EQ(memscope::current_task_id(), spawned);
  });
  const std::uint64_t frame = 96; // outer's own frame
  EXPECT_EQ(profile_of(outer.task()).live_bytes, frame + 1000);
  EXPECT_EQ(profile_of(spawned).live_bytes, 0u);
  ::operator delete(handle_state, 1000);
  EXPECT_EQ(profile_of(outer.task()).live_bytes, frame);
  // Outside a window it is a no-op.
  const std::uint64_t none = memscope::enter_spawner_context();
  EXPECT_EQ(none, MEMSCOPE_NO_CONTEXT);
  memscope::leave_spawner_context(none);
}

TEST_F(AsyncApi, TrackVarRecordsNameTypeBytesAndTask) {
  const std::size_t before = memscope::tracked_variables().size();
  FakeCoro outer(&kOuter);
  outer.resume([&] {
    std::vector<std::uint32_t> samples;
    samples.reserve(250);
    MEMSCOPE_TRACK_VAR(samples);
    std::string text(100, 'x');
    MEMSCOPE_TRACK_VAR(text);
  });
  const auto vars = memscope::tracked_variables();
  ASSERT_EQ(vars.size(), before + 2);
  const memscope::TrackedVariable &v = vars[before];
  EXPECT_EQ(v.name, "samples");
  EXPECT_EQ(v.type, "std::vector<unsigned int>");
  EXPECT_EQ(v.heap_bytes, 1000u);
  EXPECT_EQ(v.task_id, outer.task());
  EXPECT_NE(v.file.find("test_async_api.cpp"), std::string::npos);
  EXPECT_GT(v.line, 0u);
  EXPECT_EQ(vars[before + 1].heap_bytes, 101u); // capacity + terminator
}

TEST_F(AsyncApi, HeapBytesOfCommonTypes) {
  EXPECT_EQ(memscope::heap_bytes(std::string("short")), 0u); // in the object
  EXPECT_EQ(memscope::heap_bytes(std::make_unique<double>(1.0)),
            sizeof(double));
  EXPECT_EQ(memscope::heap_bytes(std::unique_ptr<int>()), 0u);
  EXPECT_EQ(memscope::heap_bytes(42), 0u);
  std::vector<char> v(10);
  v.shrink_to_fit();
  EXPECT_EQ(memscope::heap_bytes(v), 10u);
}

TEST_F(AsyncApi, ModesChooseTheDetail) {
  setenv("MEMSCOPE_MODE", "counts", 1);
  memscope::reload_async_settings();
  EXPECT_EQ(memscope::async_settings().mode, memscope::DetailMode::Counts);
  const auto records = memscope::tracked_variables().size();
  const auto totals = memscope::tracked_variable_totals();
  std::vector<int> x(4);
  MEMSCOPE_TRACK_VAR(x);
  EXPECT_EQ(memscope::tracked_variables().size(), records);
  EXPECT_EQ(memscope::tracked_variable_totals().count, totals.count + 1);
  EXPECT_EQ(memscope::tracked_variable_totals().heap_bytes,
            totals.heap_bytes + 16);

  setenv("MEMSCOPE_MODE", "OFF", 1);
  memscope::reload_async_settings();
  MEMSCOPE_TRACK_VAR(x);
  EXPECT_EQ(memscope::tracked_variable_totals().count, totals.count + 1);
}

TEST_F(AsyncApi, BadSettingsSayOneLineAndUseTheDefault) {
  setenv("MEMSCOPE_MODE", "verbose", 1);
  setenv("MEMSCOPE_ASYNC_MODE", "1", 1);
  testing::internal::CaptureStderr();
  memscope::reload_async_settings();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "memscope: ignoring MEMSCOPE_MODE='verbose': expected off, "
                 "counts or full; using full\n");
  EXPECT_EQ(memscope::async_settings().mode, memscope::DetailMode::Full);
  EXPECT_TRUE(memscope::async_settings().async_mode);
}

TEST_F(AsyncApi, ReadyResultsAreAwaitersAndValues) {
  memscope::ready<int> r(5);
  EXPECT_TRUE(r.await_ready());
  EXPECT_EQ(r.await_resume(), 5);
  memscope::AsyncResourceMonitor m;
  m.start_monitoring();
  EXPECT_TRUE(m.is_monitoring());
  memscope::ResourceAnalysis a = m.stop_monitoring();
  EXPECT_FALSE(m.is_monitoring());
  EXPECT_EQ(a.total_tasks, a.tasks.size());
}

TEST_F(AsyncApi, MonitorCountsTasksAliveInTheWindowByType) {
  FakeCoro before(&kOuter); // completes before the window
  before.destroy();
  // Tasks other tests left active (a ramp whose frame allocation failed
  // never completes its task) are alive in this window too.
  const std::size_t already =
      memscope::get_memory_snapshot().active_task_count();
  memscope::AsyncResourceMonitor m;
  m.start_monitoring();
  std::uint64_t a = 0, b = 0;
  {
    FakeCoro outer(&kOuter);
    outer.resume([&] {
      SpawnScope s1(&kSpawn);
      FakeCoro w1(&kWork);
      a = w1.task();
      void *p = ::operator new(3 << 20);
      mstest::escape(p);
      ::operator delete(p, 3 << 20);
    });
    outer.resume([&] {
      SpawnScope s2(&kTypedSpawn);
      FakeCoro w2(&kWork);
      b = w2.task();
    });
  }
  const memscope::ResourceAnalysis r = m.stop_monitoring();
  // outer (Mixed), w1 (Cpu, with a 3 MiB peak), w2 (Io, explicit).
  EXPECT_EQ(r.total_tasks, 3u + already);
  EXPECT_EQ(r.cpu_task_count, 1u);
  EXPECT_EQ(r.io_task_count, 1u);
  EXPECT_EQ(r.mixed_task_count, 1u);
  EXPECT_EQ(r.completed_tasks, 3u);
  EXPECT_GE(r.peak_memory_per_task_mb, 3.0);
  EXPECT_LT(r.peak_memory_per_task_mb, 3.01);
  EXPECT_NE(a, b);
}

} // namespace
