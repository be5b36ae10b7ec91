// The program's settings (settings.def), read once at start-up (and again
// on demand, for tests) into one plain struct: MEMSCOPE_OUTPUT,
// MEMSCOPE_MAX_TASKS, MEMSCOPE_TIMING and the exporters' settings.
#ifndef MEMSCOPE_RT_CONFIG_HPP
#define MEMSCOPE_RT_CONFIG_HPP

#include "support/settings.hpp"

#include <cstddef>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint64_t kDefaultMaxTasks =
    setting_default_count(Setting::MaxTasks);

struct Config {
  // Report path ("" = no report at exit), made absolute at start-up. A
  // fixed buffer: the runtime keeps
  // no objects with destructors, so nothing of it is torn down before the
  // exit-time report is written.
  char output[4096];
  std::uint64_t max_tasks; // completed tasks listed before folding
  // Exporters (docs/reports.md): MEMSCOPE_TRACE, MEMSCOPE_METRICS and
  // MEMSCOPE_SAMPLE_MS.
  char trace[4096];        // Chrome trace path ("" = none), absolute
  // "HOST:PORT" of /metrics ("" = none), as long as settings.def allows.
  char metrics[setting_info(Setting::Metrics).max + 1];
  std::uint32_t sample_ms; // memory sampler period
  // MEMSCOPE_TIMING: run-slice timing (busy_ns); applied to g_slice_timing
  // by exporters_start(), which also turns it on for MEMSCOPE_TRACE.
  bool slice_timing;
  // MEMSCOPE_FRAME_BATCH: applied to g_frame_batch by exporters_start().
  bool frame_batch;
};

const Config &config() noexcept;

// Reads the environment. Bad values print one "memscope:" line on stderr
// and fall back to the default.
void config_load() noexcept;

// Copies an output path setting into `to`, relative paths resolved against
// the working directory now (a later chdir() does not move the file). A
// value too long, or a working directory that cannot be read, is one
// "memscope:" line naming `name`; `to` is then "" and the result false.
bool resolve_output_path(char *to, std::size_t size, const char *value,
                         const char *name) noexcept;

// Setting words (on, off, full, SIGUSR2...) are case-insensitive.
bool setting_is(const char *value, const char *word) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_CONFIG_HPP
