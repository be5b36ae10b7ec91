// Task names (memscope::set_task_name): kept beside the task table, shown
// in snapshots and the report, never a Prometheus label, dropped when the
// task's record is recycled.
#include "fake_coro.hpp"

#include "export/metrics_text.hpp"
#include "tasks/task_names.hpp"
#include "tasks/task_reclaim.hpp"

#include <gtest/gtest.h>

#include <string>

using mstest::FakeCoro;
using mstest::make_site;
using namespace memscope::detail;

namespace {

memscope_site g_sites[] = {
    make_site("named_task()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_UNKNOWN, 700),
};

class TaskNames : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

const memscope::TaskProfile *find(const memscope::MemorySnapshot &s,
                                  std::uint64_t id) {
  return s.find_task(id);
}

} // namespace

TEST_F(TaskNames, TheCurrentTaskIsNamedAndOnlyIt) {
  FakeCoro a(&g_sites[0]);
  FakeCoro b(&g_sites[0]);
  a.resume([] { memscope::set_task_name("session 9"); });
  memscope::set_task_name("outside any task: ignored");
  const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  ASSERT_NE(find(s, a.task()), nullptr);
  EXPECT_EQ(find(s, a.task())->label, "session 9");
  EXPECT_EQ(find(s, a.task())->name, "named_task()");
  EXPECT_EQ(find(s, b.task())->label, "");
}

TEST_F(TaskNames, ByIdRenamedCutAndRemoved) {
  FakeCoro a(&g_sites[0]);
  memscope::set_task_name(a.task(), "first");
  memscope::set_task_name(a.task(), "second");
  EXPECT_EQ(find(memscope::get_memory_snapshot(), a.task())->label, "second");
  memscope::set_task_name(a.task(), std::string(5000, 'n'));
  EXPECT_EQ(find(memscope::get_memory_snapshot(), a.task())->label,
            std::string(kMaxTaskName, 'n'));
  memscope::set_task_name(a.task(), "");
  EXPECT_EQ(find(memscope::get_memory_snapshot(), a.task())->label, "");
}

TEST_F(TaskNames, NeverAPrometheusLabel) {
  FakeCoro a(&g_sites[0]);
  memscope::set_task_name(a.task(), "session 12345");
  const std::string text =
      render_metrics(memscope::get_memory_snapshot(), kDefaultMetricsFunctions);
  EXPECT_NE(text.find("named_task()"), std::string::npos);
  EXPECT_EQ(text.find("session 12345"), std::string::npos);
}

TEST_F(TaskNames, ForgottenWithTheRecord) {
  std::uint64_t id = 0;
  const std::size_t names_before = task_name_count();
  {
    FakeCoro a(&g_sites[0]);
    id = a.task();
    memscope::set_task_name(id, "short-lived");
  }
  // Completed and holding nothing: the sweep recycles the record (keep 0).
  bool backlog = false;
  while (reclaim_sweep(0, &backlog) > 0)
    ;
  EXPECT_EQ(find(memscope::get_memory_snapshot(), id), nullptr);
  EXPECT_LE(task_name_count(), names_before); // its name went with it
  // A later task that happens to reuse the slot is not named.
  FakeCoro b(&g_sites[0]);
  EXPECT_EQ(find(memscope::get_memory_snapshot(), b.task())->label, "");
}
