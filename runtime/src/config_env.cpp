// Warns about MEMSCOPE_* variables that memscope does not know: a typo such
// as MEMSCOPE_OUPUT would otherwise silently produce no report.
#include "config_env.hpp"

#include "config.hpp"
#include "printable.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>

#include <cstdio>
#include <cstring>
#include <string_view>

extern char **environ;

namespace memscope::detail {
namespace {

// Every variable the runtime reads (docs/reliability.md lists them).
constexpr std::string_view kKnown[] = {
    "MEMSCOPE_OUTPUT",     "MEMSCOPE_MAX_TASKS", "MEMSCOPE_TRACE",
    "MEMSCOPE_METRICS",    "MEMSCOPE_SAMPLE_MS", "MEMSCOPE_MODE",
    "MEMSCOPE_ASYNC_MODE", "MEMSCOPE_TIMING",    "MEMSCOPE_REPORT_SIGNAL",
};
// Read by the compiler plugin, not by the program: present in environments
// that build and run (test suites, CI), and not a typo.
constexpr std::string_view kCompilerSettings[] = {
    "MEMSCOPE_VERIFY_IR",
    "MEMSCOPE_PLUGIN_DUMP_FACTS",
};

std::atomic<int> g_output_errno{0};

bool known(std::string_view name) noexcept {
  for (std::string_view k : kKnown)
    if (k == name)
      return true;
  for (std::string_view k : kCompilerSettings)
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
    // One line, built without allocating: the program may be anywhere in
    // its start-up.
    char known_list[256] = {0};
    std::size_t used = 0;
    for (std::string_view k : kKnown) {
      const int n =
          std::snprintf(known_list + used, sizeof known_list - used, "%s%.*s",
                        used ? ", " : "", static_cast<int>(k.size()), k.data());
      if (n < 0 || static_cast<std::size_t>(n) >= sizeof known_list - used)
        break;
      used += static_cast<std::size_t>(n);
    }
    std::fprintf(stderr,
                 "memscope: ignoring unknown setting %s; known settings: "
                 "%s\n",
                 shown(name).text, known_list);
  }
}

void check_output_directory() noexcept {
  const char *path = config().output;
  if (path[0] == '\0')
    return;
  // The directory part ("." when there is none), in a fixed buffer: no
  // allocation this early.
  char dir[sizeof config().output];
  const char *slash = std::strrchr(path, '/');
  if (!slash) {
    dir[0] = '.';
    dir[1] = '\0';
  } else {
    const std::size_t n =
        slash == path ? 1 : static_cast<std::size_t>(slash - path);
    std::memcpy(dir, path, n);
    dir[n] = '\0';
  }
  const int saved = errno;
  if (::access(dir, W_OK | X_OK) != 0) {
    const int error = errno;
    g_output_errno.store(error, std::memory_order_relaxed);
    std::fprintf(stderr,
                 "memscope: MEMSCOPE_OUTPUT='%s': its directory is not "
                 "writable (%s); no report will be written unless that "
                 "changes before exit\n",
                 shown(path).text, std::strerror(error));
  }
  errno = saved;
}

int output_directory_errno() noexcept {
  return g_output_errno.load(std::memory_order_relaxed);
}

} // namespace memscope::detail
