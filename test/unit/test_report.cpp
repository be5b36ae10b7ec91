// The JSON report: content, schema conformance, string escaping, atomic
// writing, unwritable paths, MEMSCOPE_OUTPUT / MEMSCOPE_MAX_TASKS, folding.
#include "support/config.hpp"
#include "fake_coro.hpp"
#include "json_schema_check.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using mstest::FakeCoro;
using mstest::make_site;
using nlohmann::json;

namespace {

memscope_site g_sites[] = {
    make_site("report_task()", MEMSCOPE_SITE_COROUTINE, 0,
              MEMSCOPE_TYPE_CPU_INTENSIVE, 200),
    // A file name that needs every kind of escaping, and invalid UTF-8.
    make_site("weird \"fn\"\t<é>", MEMSCOPE_SITE_ALLOC, 0, 0, 201, nullptr,
              "dir\\sub/\"q\"\n\x01\xff.cpp"),
    make_site("fold_me()", MEMSCOPE_SITE_COROUTINE, 0, MEMSCOPE_TYPE_BACKGROUND,
              202),
    make_site("report_spawn()", MEMSCOPE_SITE_SPAWN, 0, MEMSCOPE_TYPE_UNKNOWN,
              203),
};
memscope_site &kTask = g_sites[0];
memscope_site &kWeird = g_sites[1];
memscope_site &kFold = g_sites[2];
memscope_site &kSpawn = g_sites[3];

json read_json(const fs::path &p) {
  std::ifstream in(p);
  return json::parse(in);
}

class Report : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("memscope-unit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    ::unsetenv("MEMSCOPE_OUTPUT");
    ::unsetenv("MEMSCOPE_MAX_TASKS");
    memscope::detail::config_load();
  }
  json write_and_read() {
    const fs::path out = dir_ / "report.json";
    EXPECT_TRUE(memscope::write_report(out.string()));
    return read_json(out);
  }
  static const json *task_by_id(const json &doc, std::uint64_t id) {
    for (const json &t : doc["tasks"])
      if (t["id"] == id)
        return &t;
    return nullptr;
  }
  static const json *site_by_index(const json &doc, std::uint32_t index) {
    for (const json &s : doc["sites"])
      if (s["index"] == index)
        return &s;
    return nullptr;
  }
  fs::path dir_;
};

} // namespace

TEST_F(Report, HasTheDocumentedShape) {
  const json doc = write_and_read();
  EXPECT_EQ(doc["format"], "memscope");
  EXPECT_EQ(doc["version"], 1);
  ASSERT_TRUE(doc["summary"].is_object());
  ASSERT_TRUE(doc["by_type"].is_object());
  ASSERT_TRUE(doc["tasks"].is_array());
  ASSERT_TRUE(doc["sites"].is_array());
  for (const char *type :
       {"CpuIntensive", "IoIntensive", "NetworkIntensive", "MemoryIntensive",
        "GpuCompute", "Mixed", "Streaming", "Background", "Unknown"})
    EXPECT_TRUE(doc["by_type"].contains(type)) << type;
  EXPECT_TRUE(doc["summary"]["no_task"].is_object());
}

TEST_F(Report, ConformsToTheSchema) {
  // Some content of every kind: active and completed tasks, a spawn with a
  // site, an unadopted spawn, leaked memory, several sites.
  FakeCoro active(&kTask, 48);
  active.resume([] { mstest::escape(new char[10]); });
  { FakeCoro done(&kTask, 48); }
  {
    mstest::SpawnScope spawn(&kSpawn);
    FakeCoro spawned(&kFold, 16);
  }
  { mstest::SpawnScope orphan(&kSpawn); }
  delete[] static_cast<char *>(__memscope_new_array(5, &kWeird));

  std::ifstream in(MEMSCOPE_SCHEMA_PATH);
  ASSERT_TRUE(in) << MEMSCOPE_SCHEMA_PATH;
  const mstest::SchemaCheck check(json::parse(in));
  const json doc = write_and_read();
  const auto problem = check(doc);
  EXPECT_FALSE(problem.has_value()) << *problem;
}

TEST_F(Report, SchemaCheckerRejectsBrokenDocuments) {
  std::ifstream in(MEMSCOPE_SCHEMA_PATH);
  const mstest::SchemaCheck check(json::parse(in));
  json doc = write_and_read();
  ASSERT_FALSE(check(doc).has_value());
  json missing = doc;
  missing["summary"].erase("folded_tasks");
  EXPECT_TRUE(check(missing).has_value());
  json wrong = doc;
  wrong["format"] = "other";
  EXPECT_TRUE(check(wrong).has_value());
}

TEST_F(Report, TaskFiguresAreExact) {
  FakeCoro c(&kTask, 80);
  char *kept = nullptr;
  c.resume([&] {
    kept = mstest::escape(new char[300]);
    delete[] mstest::escape(new char[700]);
  });
  const json doc = write_and_read();
  const json *t = task_by_id(doc, c.task());
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["name"], "report_task()");
  EXPECT_EQ((*t)["type"], "CpuIntensive");
  EXPECT_EQ((*t)["state"], "suspended");
  EXPECT_EQ((*t)["parent_id"], 0);
  EXPECT_TRUE((*t)["spawn_site"].is_null());
  EXPECT_EQ((*t)["root_site"]["line"], 200);
  EXPECT_EQ((*t)["allocated_bytes"], 80 + 300 + 700);
  EXPECT_EQ((*t)["freed_bytes"], 700);
  EXPECT_EQ((*t)["live_bytes"], 380);
  EXPECT_EQ((*t)["peak_live_bytes"], 80 + 300 + 700);
  EXPECT_EQ((*t)["alloc_count"], 3);
  EXPECT_EQ((*t)["free_count"], 1);
  EXPECT_EQ((*t)["frame_bytes"], 80);
  EXPECT_EQ((*t)["resume_count"], 1);
  EXPECT_TRUE((*t)["completed_ns"].is_null());
  EXPECT_EQ((*t)["retained_bytes"], 0);
  EXPECT_EQ((*t)["threads"].size(), 1u);
  delete[] kept;
}

TEST_F(Report, CompletedTaskAndSpawnSite) {
  std::uint64_t id = 0;
  {
    mstest::SpawnScope spawn(&kSpawn);
    FakeCoro c(&kFold, 16);
    id = c.task();
    c.resume([] { mstest::escape(new char[21]); }); // leaked
  }
  const json doc = write_and_read();
  const json *t = task_by_id(doc, id);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["state"], "completed");
  EXPECT_TRUE((*t)["completed_ns"].is_number_unsigned());
  EXPECT_GE((*t)["completed_ns"].get<std::uint64_t>(),
            (*t)["created_ns"].get<std::uint64_t>());
  EXPECT_EQ((*t)["retained_bytes"], 21);
  EXPECT_EQ((*t)["spawn_site"]["line"], 203);
  EXPECT_EQ((*t)["spawn_site"]["file"], "test.cpp");
  EXPECT_EQ((*t)["spawn_site"]["column"], 7);
  EXPECT_EQ((*t)["type"], "Background");
}

TEST_F(Report, StringsAreEscaped) {
  delete[] static_cast<char *>(__memscope_new_array(5, &kWeird));
  const json doc = write_and_read(); // parses: escaping is valid JSON
  const json *s = site_by_index(doc, kWeird.index);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["file"], "dir\\sub/\"q\"\n\x01\xEF\xBF\xBD.cpp");
  EXPECT_EQ((*s)["function"], "weird \"fn\"\t<é>");
  EXPECT_EQ((*s)["kind"], "alloc");
  EXPECT_EQ((*s)["line"], 201);
}

TEST_F(Report, SitesCarryTheirFigures) {
  static memscope_site site[] = {
      make_site("sited_report()", MEMSCOPE_SITE_ALLOC, 0, 0, 210)};
  mstest::register_table(site);
  void *a = __memscope_new(100, &site[0]);
  delete[] static_cast<char *>(__memscope_new_array(50, &site[0]));
  const json doc = write_and_read();
  const json *s = site_by_index(doc, site[0].index);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["function"], "sited_report()");
  EXPECT_EQ((*s)["allocated_bytes"], 150);
  EXPECT_EQ((*s)["live_bytes"], 100);
  EXPECT_EQ((*s)["alloc_count"], 2);
  EXPECT_EQ((*s)["free_count"], 1);
  ::operator delete(a);
  const json *unknown = site_by_index(doc, 0);
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ((*unknown)["function"], "<unknown>");
}

TEST_F(Report, SummaryMatchesSnapshot) {
  const json doc = write_and_read();
  const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  const json &sum = doc["summary"];
  EXPECT_EQ(sum["task_count"], s.tasks().size());
  EXPECT_EQ(sum["folded_tasks"], 0);
  EXPECT_EQ(sum["max_tasks"], 100000);
  EXPECT_EQ(sum["peak_concurrent_tasks"], s.peak_concurrent_tasks());
  EXPECT_EQ(sum["active_tasks"].get<std::uint64_t>() +
                sum["completed_tasks"].get<std::uint64_t>(),
            sum["task_count"].get<std::uint64_t>());
  EXPECT_EQ(doc["tasks"].size(), s.tasks().size());
}

TEST_F(Report, WritingTheReportChargesNobody) {
  const std::string path = (dir_ / "r.json").string();
  const memscope::MemorySnapshot before = memscope::get_memory_snapshot();
  const bool ok = memscope::write_report(path);
  const memscope::MemorySnapshot after = memscope::get_memory_snapshot();
  EXPECT_TRUE(ok);
  EXPECT_EQ(after.no_task().alloc_count, before.no_task().alloc_count);
  EXPECT_EQ(after.total_allocations(), before.total_allocations());
}

TEST_F(Report, ReplacesAnExistingFileAndLeavesNoTemporary) {
  const fs::path out = dir_ / "report.json";
  { std::ofstream(out) << "old"; }
  ASSERT_TRUE(memscope::write_report(out.string()));
  EXPECT_EQ(read_json(out)["format"], "memscope");
  std::size_t files = 0;
  for ([[maybe_unused]] auto &e : fs::directory_iterator(dir_))
    ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(Report, UnwritablePathPrintsOneLineAndReturnsFalse) {
  const std::string path = (dir_ / "no-such-dir" / "r.json").string();
  ::testing::internal::CaptureStderr();
  const bool ok = memscope::write_report(path);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(ok);
  EXPECT_EQ(err, "memscope: cannot write report to '" + path +
                     "': No such file or directory; set MEMSCOPE_OUTPUT to a "
                     "writable file\n");
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(Report, DirectoryAsPathIsRefused) {
  ::testing::internal::CaptureStderr();
  const bool ok = memscope::write_report(dir_.string());
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(ok);
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
  EXPECT_EQ(
      err.rfind("memscope: cannot write report to '" + dir_.string() + "': ",
                0),
      0u);
  EXPECT_TRUE(fs::is_directory(dir_));
  std::size_t files = 0;
  for ([[maybe_unused]] auto &e : fs::directory_iterator(dir_))
    ++files;
  EXPECT_EQ(files, 0u); // the temporary was removed
}

TEST_F(Report, WriteReportUsesMemscopeOutput) {
  ::unsetenv("MEMSCOPE_OUTPUT");
  memscope::detail::config_load();
  EXPECT_FALSE(memscope::write_report()); // not configured: nothing to do
  const fs::path out = dir_ / "env.json";
  ::setenv("MEMSCOPE_OUTPUT", out.c_str(), 1);
  memscope::detail::config_load();
  EXPECT_TRUE(memscope::write_report());
  EXPECT_EQ(read_json(out)["format"], "memscope");
}

TEST_F(Report, BadMaxTasksFallsBackToDefault) {
  ::setenv("MEMSCOPE_MAX_TASKS", "lots", 1);
  ::testing::internal::CaptureStderr();
  memscope::detail::config_load();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "memscope: ignoring MEMSCOPE_MAX_TASKS='lots': not a "
                 "non-negative integer; using 100000\n");
  EXPECT_EQ(memscope::detail::config().max_tasks, 100000u);
}

TEST_F(Report, CompletedTasksBeyondTheLimitAreFolded) {
  for (int i = 0; i < 10; ++i) {
    FakeCoro c(&kFold, 32);
    c.resume([] { delete[] mstest::escape(new char[100]); });
  }
  FakeCoro still_active(&kTask, 8);
  ::setenv("MEMSCOPE_MAX_TASKS", "3", 1);
  memscope::detail::config_load();
  const json doc = write_and_read();
  const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  const std::uint64_t completed = s.completed_task_count();
  ASSERT_GT(completed, 3u);
  EXPECT_EQ(doc["summary"]["max_tasks"], 3);
  EXPECT_EQ(doc["summary"]["folded_tasks"], completed - 3);
  std::uint64_t listed_completed = 0, listed_active = 0;
  bool active_listed = false;
  for (const json &t : doc["tasks"]) {
    if (t["state"] == "completed")
      ++listed_completed;
    else
      ++listed_active;
    active_listed = active_listed || t["id"] == still_active.task();
  }
  EXPECT_EQ(listed_completed, 3u);
  EXPECT_EQ(listed_active, s.active_task_count());
  EXPECT_TRUE(active_listed);
  // The 3 listed are the most recent: the last fold_me() tasks. The other 7
  // are in fold_me()'s aggregate.
  const json *fold = nullptr;
  std::uint64_t folded_count = 0;
  for (const json &f : doc["folded"]) {
    folded_count += f["count"].get<std::uint64_t>();
    if (f["name"] == "fold_me()")
      fold = &f;
  }
  EXPECT_EQ(folded_count, completed - 3);
  ASSERT_NE(fold, nullptr);
  EXPECT_GE((*fold)["count"], 7);
  EXPECT_EQ((*fold)["type"], "Background");
}
