// The MEMSCOPE_* settings as a table made from settings.def, and the one
// place that reads them from the environment. Each reader (config.cpp, the
// exporters, async_settings.cpp, signal_report.cpp) asks for its setting
// here by name, so parsing, validation and the wording of a complaint are
// the same for all of them. Nothing here allocates: it runs in the
// earliest constructor, before the program's.
#ifndef MEMSCOPE_RT_SETTINGS_HPP
#define MEMSCOPE_RT_SETTINGS_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memscope::detail {

enum class Setting : unsigned {
#define MEMSCOPE_SETTING(Id, Name, Kind, Default, Min, Max, Words, Complaint,  \
                         Doc)                                                  \
  Id,
#include "support/settings.def"
};

enum class SettingKind { Path, Address, Count, Choice, Signal, Compiler };

struct SettingInfo {
  std::string_view name; // "MEMSCOPE_OUTPUT"
  SettingKind kind;
  std::string_view default_text; // "" = none
  std::uint64_t min, max;        // Count: the range; Address: max length
  std::string_view words;        // Choice: "off|counts|full"
  std::string_view complaint;    // after "ignoring NAME='value': "
};

inline constexpr SettingInfo kSettings[] = {
#define MEMSCOPE_SETTING(Id, Name, Kind, Default, Min, Max, Words, Complaint,  \
                         Doc)                                                  \
  {#Name, SettingKind::Kind, Default, Min, Max, Words, Complaint},
#include "support/settings.def"
};

constexpr const SettingInfo &setting_info(Setting s) noexcept {
  return kSettings[static_cast<unsigned>(s)];
}

// A Count setting's default, from its text in settings.def.
constexpr std::uint64_t setting_default_count(Setting s) noexcept {
  std::uint64_t n = 0;
  for (char c : setting_info(s).default_text)
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

// The setting's value in the environment; nullptr when unset or empty.
const char *setting_text(Setting s) noexcept;

// A Count setting: its value, or the default after one "memscope: ignoring"
// line when it is not a decimal integer in Min..Max.
std::uint64_t setting_count(Setting s) noexcept;

// A Choice setting: the word of Words its value is (in any case), spelled
// as in Words; the default after one "memscope: ignoring" line when it is
// none of them.
std::string_view setting_choice(Setting s) noexcept;

// "memscope: ignoring NAME='value': Complaint; using Default", the value
// escaped. For the checks that only the setting's reader can make.
void complain_bad_setting(Setting s, const char *value) noexcept;

// Whether `name` is a setting of settings.def (of the program or the
// compiler).
bool is_known_setting(std::string_view name) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_SETTINGS_HPP
