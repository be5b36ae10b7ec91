#include "support/config.hpp"
#include "support/printable.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <strings.h>

namespace memscope::detail {
namespace {
Config g_config = {{0}, kDefaultMaxTasks, {0}, {0}, 0, true};

// Whether two output paths (already absolute) name the same file: the same
// text, or, for files that exist, the same inode (a symlink, "a/../b").
bool same_file(const char *a, const char *b) noexcept {
  if (std::strcmp(a, b) == 0)
    return true;
  struct stat sa, sb;
  return ::stat(a, &sa) == 0 && ::stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

} // namespace

const Config &config() noexcept { return g_config; }

bool resolve_output_path(char *to, std::size_t size, const char *value,
                         const char *name) noexcept {
  to[0] = '\0';
  if (!value || !*value)
    return true;
  // Relative paths are taken from the working directory at start-up: a
  // program that calls chdir() must not move (or break) its report.
  char cwd[4096] = {0};
  const bool relative = value[0] != '/';
  if (relative && !::getcwd(cwd, sizeof cwd)) {
    std::fprintf(stderr,
                 "memscope: %s='%s' is relative and the working directory "
                 "cannot be read (%s); nothing will be written\n",
                 name, shown(value).text, std::strerror(errno));
    return false;
  }
  const int n = relative ? std::snprintf(to, size, "%s/%s", cwd, value)
                         : std::snprintf(to, size, "%s", value);
  if (n < 0 || static_cast<std::size_t>(n) >= size) {
    std::fprintf(stderr,
                 "memscope: %s='%s' is longer than %zu bytes%s; nothing will "
                 "be written\n",
                 name, shown(value).text, size - 1,
                 relative ? " with the working directory" : "");
    to[0] = '\0';
    return false;
  }
  return true;
}

bool setting_is(const char *value, const char *word) noexcept {
  return strcasecmp(value, word) == 0;
}

void config_load() noexcept {
  const int saved_errno = errno;
  resolve_output_path(g_config.output, sizeof g_config.output,
                      setting_text(Setting::Output), "MEMSCOPE_OUTPUT");
  g_config.max_tasks = setting_count(Setting::MaxTasks);
  g_config.slice_timing = setting_choice(Setting::Timing) == "on";
  g_config.frame_batch = setting_choice(Setting::FrameBatch) == "on";

  resolve_output_path(g_config.trace, sizeof g_config.trace,
                      setting_text(Setting::Trace), "MEMSCOPE_TRACE");
  const char *metrics = setting_text(Setting::Metrics);
  if (metrics && std::strlen(metrics) >= sizeof g_config.metrics) {
    std::fprintf(stderr,
                 "memscope: MEMSCOPE_METRICS='%s' is longer than %zu bytes; "
                 "not serving metrics\n",
                 shown(metrics).text, sizeof g_config.metrics - 1);
    metrics = nullptr;
  }
  std::snprintf(g_config.metrics, sizeof g_config.metrics, "%s",
                metrics ? metrics : "");
  g_config.sample_ms =
      static_cast<std::uint32_t>(setting_count(Setting::SampleMs));
  // The trace would replace the report (both are written at exit): keep
  // the report, which is what MEMSCOPE_OUTPUT users came for.
  if (g_config.output[0] && g_config.trace[0] &&
      same_file(g_config.output, g_config.trace)) {
    std::fprintf(stderr,
                 "memscope: MEMSCOPE_TRACE names the same file as "
                 "MEMSCOPE_OUTPUT ('%s'); no trace will be written: set "
                 "MEMSCOPE_TRACE to another file\n",
                 shown(g_config.trace).text);
    g_config.trace[0] = '\0';
  }
  errno = saved_errno;
}

} // namespace memscope::detail
