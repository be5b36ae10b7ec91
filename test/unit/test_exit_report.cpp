// The report written at exit (MEMSCOPE_OUTPUT), by running a helper program
// linked with the runtime as a user program would be.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct HelperRun {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

HelperRun run_helper(const std::string &env, const fs::path &dir) {
  const fs::path out = dir / "stdout", err = dir / "stderr";
  const std::string cmd = "env -u MEMSCOPE_OUTPUT -u MEMSCOPE_MAX_TASKS " +
                          env + " '" MEMSCOPE_EXIT_HELPER "' >'" +
                          out.string() + "' 2>'" + err.string() + "'";
  HelperRun r;
  const int raw = std::system(cmd.c_str());
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

class ExitReport : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("memscope-exit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

} // namespace

TEST_F(ExitReport, WrittenAtExit) {
  const fs::path report = dir_ / "report.json";
  const HelperRun r =
      run_helper("MEMSCOPE_OUTPUT='" + report.string() + "'", dir_);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "helper done\n");
  EXPECT_EQ(r.err, "");
  ASSERT_TRUE(fs::exists(report));
  const json doc = json::parse(slurp(report));
  EXPECT_EQ(doc["format"], "memscope");
  ASSERT_EQ(doc["tasks"].size(), 2u);
  const json &leaky = doc["tasks"][0];
  EXPECT_EQ(leaky["id"], 1);
  EXPECT_EQ(leaky["name"], "leaky_task()");
  EXPECT_EQ(leaky["type"], "IoIntensive");
  EXPECT_EQ(leaky["state"], "completed");
  EXPECT_EQ(leaky["allocated_bytes"], 1434);
  EXPECT_EQ(leaky["live_bytes"], 1234);
  EXPECT_EQ(leaky["retained_bytes"], 1234);
  const json &second = doc["tasks"][1];
  EXPECT_EQ(second["id"], 2);
  EXPECT_EQ(second["state"], "suspended");
  EXPECT_EQ(second["live_bytes"], 300);
  EXPECT_EQ(doc["summary"]["task_count"], 2);
  EXPECT_EQ(doc["summary"]["active_tasks"], 1);
  EXPECT_EQ(doc["summary"]["retained_bytes"], 1234);
  bool site_found = false;
  for (const json &s : doc["sites"])
    if (s["line"] == 12) {
      site_found = true;
      EXPECT_EQ(s["live_bytes"], 1234);
      EXPECT_EQ(s["function"], "leaky_task()");
    }
  EXPECT_TRUE(site_found);
}

TEST_F(ExitReport, NoOutputVariableNoReport) {
  const HelperRun r = run_helper("", dir_);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  std::size_t files = 0;
  for ([[maybe_unused]] auto &e : fs::directory_iterator(dir_))
    ++files;
  EXPECT_EQ(files, 2u); // stdout and stderr captures only
}

TEST_F(ExitReport, UnwritablePathAtExitIsOneLineAndHarmless) {
  const std::string bad = (dir_ / "missing" / "r.json").string();
  const HelperRun r = run_helper("MEMSCOPE_OUTPUT='" + bad + "'", dir_);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "helper done\n");
  // Found at start-up (the directory is missing), and said only then.
  EXPECT_EQ(r.err, "memscope: MEMSCOPE_OUTPUT='" + bad +
                       "': its directory is not writable (No such file or "
                       "directory); no report will be written unless that "
                       "changes before exit\n");
}

TEST_F(ExitReport, FoldingFromTheEnvironment) {
  const fs::path report = dir_ / "report.json";
  const HelperRun r = run_helper(
      "MEMSCOPE_MAX_TASKS=0 MEMSCOPE_OUTPUT='" + report.string() + "'", dir_);
  EXPECT_EQ(r.status, 0);
  const json doc = json::parse(slurp(report));
  EXPECT_EQ(doc["summary"]["folded_tasks"], 1);
  EXPECT_EQ(doc["summary"]["max_tasks"], 0);
  ASSERT_EQ(doc["tasks"].size(), 1u); // the suspended one
  ASSERT_EQ(doc["folded"].size(), 1u);
  EXPECT_EQ(doc["folded"][0]["name"], "leaky_task()");
  EXPECT_EQ(doc["folded"][0]["count"], 1);
  EXPECT_EQ(doc["folded"][0]["retained_bytes"], 1234);
}
