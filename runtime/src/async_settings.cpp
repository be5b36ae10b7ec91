// MEMSCOPE_MODE and MEMSCOPE_ASYNC_MODE, read once by the runtime's start-up
// (lifecycle.cpp, before the program's constructors; also in programs that
// never use the async API, so that a bad value is always said), so the hot
// entry points below only load a plain struct.
#include "memscope/async_runtime.hpp"

#include "printable.hpp"

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
               detail::shown(v).text);
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
               detail::shown(v).text);
  return false;
}

} // namespace

void reload_async_settings() noexcept {
  g_settings.mode = parse_mode(std::getenv("MEMSCOPE_MODE"));
  g_settings.async_mode = parse_async_mode(std::getenv("MEMSCOPE_ASYNC_MODE"));
}

const AsyncSettings &async_settings() noexcept { return g_settings; }

} // namespace memscope
