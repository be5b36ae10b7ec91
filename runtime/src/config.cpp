#include "config.hpp"
#include "printable.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace memscope::detail {
namespace {
Config g_config = {{0}, kDefaultMaxTasks, {0}, {0}, 0, true};

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
                   printable<64>(max).text,
                   static_cast<unsigned long long>(kDefaultMaxTasks));
    else
      g_config.max_tasks = value;
  }
  g_config.slice_timing = true;
  if (const char *timing = std::getenv("MEMSCOPE_TIMING"); timing && *timing) {
    if (std::strcmp(timing, "off") == 0)
      g_config.slice_timing = false;
    else if (std::strcmp(timing, "on") != 0)
      std::fprintf(stderr,
                   "memscope: ignoring MEMSCOPE_TIMING='%s': not 'on' or "
                   "'off'; using on\n",
                   printable<64>(timing).text);
  }
  exporters_config_load(g_config);
}

} // namespace memscope::detail
