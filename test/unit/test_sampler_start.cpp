// The sampler thread of a program without exporters (sampler.hpp): it only
// sweeps task slots, so it is not started before there is something to
// sweep (more than MEMSCOPE_MAX_TASKS tasks). Until then the process keeps
// the threads it made itself, and glibc its lock-free single-thread malloc.
#include "snapshot/sampler.hpp"
#include "support/clock.hpp"
#include "support/config.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include <gtest/gtest.h>

#include <dirent.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

namespace d = memscope::detail;

// Whether a thread of this process is named `name` (/proc/self/task/*/comm).
bool has_thread(const char *name) {
  DIR *dir = opendir("/proc/self/task");
  if (!dir)
    return false;
  bool found = false;
  while (dirent *e = readdir(dir)) {
    if (e->d_name[0] == '.')
      continue;
    const std::string path =
        std::string("/proc/self/task/") + e->d_name + "/comm";
    if (FILE *f = std::fopen(path.c_str(), "r")) {
      char comm[32] = {};
      if (std::fgets(comm, sizeof comm, f))
        found |= std::strncmp(comm, name, std::strlen(name)) == 0;
      std::fclose(f);
    }
  }
  closedir(dir);
  return found;
}

TEST(SamplerStart, SweepOnlyThreadStartsWithTheFirstSlotPastMaxTasks) {
  const std::uint32_t at =
      d::g_sweeper_deferred_at.load(std::memory_order_relaxed);
  if (at == 0 || d::task_slot_end() >= at)
    GTEST_SKIP() << "an exporter is configured, or this process has already "
                    "made more than MEMSCOPE_MAX_TASKS tasks";
  EXPECT_EQ(at, d::config().max_tasks + 1);
  EXPECT_FALSE(has_thread("memscope-sample"));
  // Completed tasks that hold nothing, until the slot `at` has been taken
  // (no slot is reused before a sweep: every one is fresh).
  while (d::task_slot_end() < at) {
    const std::uint32_t slot =
        d::create_task(0, 0, 0, 0, 0, d::ticks(), d::thread_index1(),
                       d::t_state.thread_bit);
    ASSERT_NE(slot, 0u);
    d::complete_task(slot);
  }
  EXPECT_FALSE(has_thread("memscope-sample")); // the next fresh slot starts it
  const std::uint32_t slot = d::create_task(
      0, 0, 0, 0, 0, d::ticks(), d::thread_index1(), d::t_state.thread_bit);
  ASSERT_EQ(slot, at);
  d::complete_task(slot);
  EXPECT_TRUE(has_thread("memscope-sample"));
  EXPECT_EQ(d::g_sweeper_deferred_at.load(std::memory_order_relaxed), 0u);
}

} // namespace
