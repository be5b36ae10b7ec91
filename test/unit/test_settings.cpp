// The settings list (runtime/src/support/settings.def) and the one reader made from
// it: values, defaults, and the one line a bad value gets.
#include "support/settings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

using memscope::detail::Setting;
using memscope::detail::SettingKind;
namespace d = memscope::detail;

namespace {

std::string complaint_for(Setting s, const char *value) {
  ::setenv(std::string(d::setting_info(s).name).c_str(), value, 1);
  ::testing::internal::CaptureStderr();
  if (d::setting_info(s).kind == SettingKind::Count)
    (void)d::setting_count(s);
  else
    (void)d::setting_choice(s);
  ::unsetenv(std::string(d::setting_info(s).name).c_str());
  return ::testing::internal::GetCapturedStderr();
}

} // namespace

TEST(Settings, EveryDefaultIsAValueOfItsSetting) {
  for (const d::SettingInfo &info : d::kSettings) {
    SCOPED_TRACE(std::string(info.name));
    EXPECT_EQ(info.name.substr(0, 9), "MEMSCOPE_");
    if (info.kind == SettingKind::Count) {
      const auto s = static_cast<Setting>(&info - d::kSettings);
      EXPECT_GE(d::setting_default_count(s), info.min);
      EXPECT_LE(d::setting_default_count(s), info.max);
    }
    if (info.kind == SettingKind::Choice) {
      const std::string words = "|" + std::string(info.words) + "|";
      EXPECT_NE(words.find("|" + std::string(info.default_text) + "|"),
                std::string::npos);
    }
  }
}

TEST(Settings, DefaultsWhenUnsetOrEmpty) {
  ::unsetenv("MEMSCOPE_SAMPLE_MS");
  EXPECT_EQ(d::setting_count(Setting::SampleMs), 10u);
  ::setenv("MEMSCOPE_SAMPLE_MS", "", 1);
  EXPECT_EQ(d::setting_text(Setting::SampleMs), nullptr);
  EXPECT_EQ(d::setting_count(Setting::SampleMs), 10u);
  ::unsetenv("MEMSCOPE_SAMPLE_MS");
  EXPECT_EQ(d::setting_choice(Setting::Mode), "full");
  EXPECT_EQ(d::setting_count(Setting::MaxTasks), 100000u);
}

TEST(Settings, ChoicesInAnyCaseSpelledAsTheList) {
  ::setenv("MEMSCOPE_TIMING", "OFF", 1);
  EXPECT_EQ(d::setting_choice(Setting::Timing), "off");
  ::setenv("MEMSCOPE_MODE", "Counts", 1);
  EXPECT_EQ(d::setting_choice(Setting::Mode), "counts");
  ::unsetenv("MEMSCOPE_TIMING");
  ::unsetenv("MEMSCOPE_MODE");
}

TEST(Settings, CountsOutsideTheirRangeGetTheDefaultAndOneLine) {
  ::setenv("MEMSCOPE_SAMPLE_MS", "60000", 1);
  EXPECT_EQ(d::setting_count(Setting::SampleMs), 60000u);
  ::unsetenv("MEMSCOPE_SAMPLE_MS");
  EXPECT_EQ(complaint_for(Setting::SampleMs, "0"),
            "memscope: ignoring MEMSCOPE_SAMPLE_MS='0': not a number of "
            "milliseconds in 1..60000; using 10\n");
  EXPECT_EQ(complaint_for(Setting::SampleMs, "60001"),
            "memscope: ignoring MEMSCOPE_SAMPLE_MS='60001': not a number of "
            "milliseconds in 1..60000; using 10\n");
  EXPECT_EQ(complaint_for(Setting::MaxTasks, "-1"),
            "memscope: ignoring MEMSCOPE_MAX_TASKS='-1': not a non-negative "
            "integer; using 100000\n");
}

TEST(Settings, HostileValuesAreEscapedInTheLine) {
  EXPECT_EQ(complaint_for(Setting::AsyncMode, "\x1b[2J"),
            "memscope: ignoring MEMSCOPE_ASYNC_MODE='\\x1b[2J': expected 0 or "
            "1; using 0\n");
}

TEST(Settings, KnownNamesAreTheList) {
  EXPECT_TRUE(d::is_known_setting("MEMSCOPE_OUTPUT"));
  EXPECT_TRUE(d::is_known_setting("MEMSCOPE_REPORT_SIGNAL"));
  EXPECT_TRUE(d::is_known_setting("MEMSCOPE_VERIFY_IR")); // the compiler's
  EXPECT_FALSE(d::is_known_setting("MEMSCOPE_OUPUT"));
  EXPECT_FALSE(d::is_known_setting("MEMSCOPE_"));
}
