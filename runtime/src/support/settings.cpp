#include "support/settings.hpp"

#include "support/printable.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <strings.h>

namespace memscope::detail {
namespace {

// The word among the '|'-separated `words` that `value` is, in any case;
// empty when it is none of them.
std::string_view find_word(std::string_view words,
                           std::string_view value) noexcept {
  for (std::size_t begin = 0; begin <= words.size();) {
    std::size_t end = words.find('|', begin);
    if (end == std::string_view::npos)
      end = words.size();
    const std::string_view word = words.substr(begin, end - begin);
    if (word.size() == value.size() &&
        strncasecmp(word.data(), value.data(), value.size()) == 0)
      return word;
    begin = end + 1;
  }
  return {};
}

} // namespace

const char *setting_text(Setting s) noexcept {
  // Names in settings.def are string literals: NUL-terminated.
  const char *value = std::getenv(setting_info(s).name.data());
  return value && *value ? value : nullptr;
}

void complain_bad_setting(Setting s, const char *value) noexcept {
  const SettingInfo &info = setting_info(s);
  const bool has_default = !info.default_text.empty();
  std::fprintf(stderr, "memscope: ignoring %.*s='%s': %.*s%s%.*s\n",
               static_cast<int>(info.name.size()), info.name.data(),
               shown(value).text, static_cast<int>(info.complaint.size()),
               info.complaint.data(), has_default ? "; using " : "",
               static_cast<int>(info.default_text.size()),
               info.default_text.data());
}

std::uint64_t setting_count(Setting s) noexcept {
  const SettingInfo &info = setting_info(s);
  const char *text = setting_text(s);
  if (!text)
    return setting_default_count(s);
  const int saved_errno = errno;
  char *end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  const bool bad = errno != 0 || *end != '\0' || *text == '-' ||
                   value < info.min || value > info.max;
  errno = saved_errno;
  if (!bad)
    return value;
  complain_bad_setting(s, text);
  return setting_default_count(s);
}

std::string_view setting_choice(Setting s) noexcept {
  const SettingInfo &info = setting_info(s);
  const char *text = setting_text(s);
  if (!text)
    return info.default_text;
  if (const std::string_view word = find_word(info.words, text); !word.empty())
    return word;
  complain_bad_setting(s, text);
  return info.default_text;
}

bool is_known_setting(std::string_view name) noexcept {
  for (const SettingInfo &info : kSettings)
    if (info.name == name)
      return true;
  return false;
}

} // namespace memscope::detail
