// GET /tasks' body (tasks_view.cpp): the report's task objects, largest
// live bytes first and bounded by `top`; completed tasks still holding
// memory under "outlived"; the sites holding the most; totals.
#include "fake_coro.hpp"

#include "export/tasks_view.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

using mstest::FakeCoro;
using mstest::make_site;

namespace {

memscope_site g_sites[] = {
    make_site("view_small()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_NETWORK_INTENSIVE, 700),
    make_site("view_large()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 701),
    make_site("view_leaky()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_IO_INTENSIVE, 702),
};

class TasksView : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

const nlohmann::json *find(const nlohmann::json &list, std::uint64_t id) {
  for (const nlohmann::json &t : list)
    if (t["id"] == id)
      return &t;
  return nullptr;
}

} // namespace

TEST_F(TasksView, LargestLiveFirstBoundedWithOutlivedAndSites) {
  std::vector<char *> kept;
  kept.reserve(8); // its growth inside a task would be that task's memory
  auto hold = [&](std::size_t n) {
    return [&kept, n] { kept.push_back(mstest::escape(new char[n])); };
  };
  FakeCoro small(&g_sites[0], 64, hold(10000));
  FakeCoro large(&g_sites[1], 64, hold(90000));
  std::uint64_t leaky_id = 0;
  {
    FakeCoro leaky(&g_sites[2], 64, hold(50000));
    leaky_id = leaky.task();
  } // completes; its 50000 bytes outlive it

  const auto all = nlohmann::json::parse(memscope::detail::render_tasks_view(
      memscope::get_memory_snapshot(), 100));
  const nlohmann::json &tasks = all["tasks"];
  ASSERT_GE(tasks.size(), 3u);
  for (std::size_t i = 1; i < tasks.size(); ++i)
    EXPECT_GE(tasks[i - 1]["live_bytes"], tasks[i]["live_bytes"]);
  const nlohmann::json *l = find(tasks, large.task());
  ASSERT_NE(l, nullptr);
  EXPECT_EQ((*l)["live_bytes"], 90000 + 64);
  EXPECT_EQ((*l)["name"], "view_large()");
  EXPECT_EQ((*l)["type"], "CpuIntensive");
  for (const char *key : {"spawn_site", "peak_live_bytes", "alloc_count",
                          "busy_ns", "threads", "completed_ns"})
    EXPECT_TRUE(l->contains(key)) << key;

  const nlohmann::json *o = find(all["outlived"], leaky_id);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ((*o)["state"], "completed");
  EXPECT_EQ((*o)["live_bytes"], 50000);
  EXPECT_EQ(find(all["outlived"], large.task()), nullptr); // still running
  EXPECT_GE(all["summary"]["outlived_live_bytes"], 50000);
  EXPECT_FALSE(all["sites"].empty());
  EXPECT_GT(all["sites"][0]["live_bytes"], 0);

  const auto one = nlohmann::json::parse(
      memscope::detail::render_tasks_view(memscope::get_memory_snapshot(), 1));
  ASSERT_EQ(one["tasks"].size(), 1u);
  EXPECT_EQ(one["tasks"][0]["id"], tasks[0]["id"]);
  EXPECT_LE(one["outlived"].size(), 1u);
  EXPECT_LE(one["sites"].size(), 1u);
  EXPECT_EQ(one["summary"]["top"], 1);

  for (char *p : kept)
    delete[] p;
}
