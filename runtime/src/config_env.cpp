// Warns about MEMSCOPE_* variables that memscope does not know: a typo such
// as MEMSCOPE_OUPUT would otherwise silently produce no report.
#include "config_env.hpp"

#include <cstdio>
#include <cstring>
#include <string_view>

extern char **environ;

namespace memscope::detail {
namespace {

// Every variable the runtime reads (docs/reliability.md lists them).
constexpr std::string_view kKnown[] = {
    "MEMSCOPE_OUTPUT",
    "MEMSCOPE_MAX_TASKS",
    "MEMSCOPE_TRACE",
    "MEMSCOPE_METRICS",
};

bool known(std::string_view name) noexcept {
  for (std::string_view k : kKnown)
    if (k == name)
      return true;
  return false;
}

} // namespace

void warn_unknown_settings() noexcept {
  if (!environ)
    return;
  for (char **e = environ; *e; ++e) {
    const char *entry = *e;
    if (std::strncmp(entry, "MEMSCOPE_", 9) != 0)
      continue;
    const char *eq = std::strchr(entry, '=');
    const std::string_view name(entry, eq ? static_cast<std::size_t>(eq - entry)
                                          : std::strlen(entry));
    if (known(name))
      continue;
    std::fprintf(stderr,
                 "memscope: ignoring unknown setting %.*s; known settings: "
                 "MEMSCOPE_OUTPUT, MEMSCOPE_MAX_TASKS, MEMSCOPE_TRACE, "
                 "MEMSCOPE_METRICS\n",
                 static_cast<int>(name.size() > 64 ? 64 : name.size()),
                 name.data());
  }
}

} // namespace memscope::detail
