#include "config.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace memscope::detail {
namespace {
Config g_config = {{0}, kDefaultMaxTasks, {0}, {0}, 0};

// A value as it can be quoted in one stderr line: control characters
// replaced by '?', at most 64 characters (then "...").
struct Shown {
  char text[72];
};
Shown shown(const char *value) noexcept {
  Shown s{};
  std::size_t i = 0;
  for (; value[i] != '\0' && i < 64; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    s.text[i] = (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (value[i] != '\0')
    std::memcpy(s.text + i, "...", 4);
  return s;
}
} // namespace

const Config &config() noexcept { return g_config; }

void config_load() noexcept {
  const char *out = std::getenv("MEMSCOPE_OUTPUT");
  if (out && std::strlen(out) >= sizeof g_config.output) {
    std::fprintf(stderr,
                 "memscope: MEMSCOPE_OUTPUT is longer than %zu bytes; no "
                 "report will be written\n",
                 sizeof g_config.output - 1);
    out = nullptr;
  }
  std::snprintf(g_config.output, sizeof g_config.output, "%s", out ? out : "");

  g_config.max_tasks = kDefaultMaxTasks;
  if (const char *max = std::getenv("MEMSCOPE_MAX_TASKS"); max && *max) {
    char *end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(max, &end, 10);
    if (errno != 0 || !end || *end != '\0' || *max == '-')
      std::fprintf(stderr,
                   "memscope: ignoring MEMSCOPE_MAX_TASKS='%s': not a "
                   "non-negative integer; using %llu\n",
                   shown(max).text,
                   static_cast<unsigned long long>(kDefaultMaxTasks));
    else
      g_config.max_tasks = value;
  }
  exporters_config_load(g_config);
}

} // namespace memscope::detail
