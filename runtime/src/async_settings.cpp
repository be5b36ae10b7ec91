// MEMSCOPE_MODE and MEMSCOPE_ASYNC_MODE, read once. The first read happens
// from a constructor (before the program's own), so the hot entry points
// below only load a plain struct.
#include "memscope/async_runtime.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace memscope {
namespace {

AsyncSettings g_settings;

DetailMode parse_mode(const char *v) noexcept {
  if (!v || !*v)
    return DetailMode::Full;
  if (strcasecmp(v, "off") == 0)
    return DetailMode::Off;
  if (strcasecmp(v, "counts") == 0)
    return DetailMode::Counts;
  if (strcasecmp(v, "full") == 0)
    return DetailMode::Full;
  std::fprintf(stderr,
               "memscope: ignoring MEMSCOPE_MODE='%s': expected off, counts "
               "or full; using full\n",
               v);
  return DetailMode::Full;
}

bool parse_async_mode(const char *v) noexcept {
  if (!v || !*v || std::strcmp(v, "0") == 0)
    return false;
  if (std::strcmp(v, "1") == 0)
    return true;
  std::fprintf(stderr,
               "memscope: ignoring MEMSCOPE_ASYNC_MODE='%s': expected 0 or 1; "
               "using 0\n",
               v);
  return false;
}

} // namespace

void reload_async_settings() noexcept {
  g_settings.mode = parse_mode(std::getenv("MEMSCOPE_MODE"));
  g_settings.async_mode = parse_async_mode(std::getenv("MEMSCOPE_ASYNC_MODE"));
}

const AsyncSettings &async_settings() noexcept { return g_settings; }

} // namespace memscope

// After the runtime's own start-up (101), before the program's constructors.
[[gnu::constructor(102)]] static void memscope_async_settings_start() {
  memscope::reload_async_settings();
}
