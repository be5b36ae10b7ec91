// Warns about MEMSCOPE_* variables that are not in settings.def: a typo such
// as MEMSCOPE_OUPUT would otherwise silently produce no report. Settings
// read by the compiler plugin are known too: environments that build and
// run (test suites, CI) have them, and they are not typos.
#include "support/config_env.hpp"

#include "support/config.hpp"
#include "support/printable.hpp"
#include "support/settings.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>

#include <cstdio>
#include <cstring>
#include <string_view>

extern char **environ;

namespace memscope::detail {
namespace {

std::atomic<int> g_output_errno{0};

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
    if (is_known_setting(name))
      continue;
    // One line, built without allocating: the program may be anywhere in
    // its start-up. A name is cut sooner than a value: the line goes on
    // with the list of known settings.
    constexpr std::size_t kNameShown = 80;
    char known_list[256] = {0};
    std::size_t used = 0;
    for (const SettingInfo &setting : kSettings) {
      const std::string_view k = setting.name;
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
                 shown(name, kNameShown).text, known_list);
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
