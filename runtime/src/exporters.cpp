#include "exporters.hpp"

#include "config.hpp"
#include "metrics_server.hpp"
#include "printable.hpp"
#include "sampler.hpp"
#include "thread_state.hpp"
#include "trace_events.hpp"
#include "trace_json.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace memscope::detail {

inline constexpr std::uint32_t kDefaultSampleMs = 10;

void exporters_config_load(Config &c) noexcept {
  resolve_output_path(c.trace, sizeof c.trace, std::getenv("MEMSCOPE_TRACE"),
                      "MEMSCOPE_TRACE");
  const char *metrics = std::getenv("MEMSCOPE_METRICS");
  if (metrics && std::strlen(metrics) >= sizeof c.metrics) {
    std::fprintf(stderr,
                 "memscope: MEMSCOPE_METRICS='%s' is longer than %zu bytes; "
                 "not serving metrics\n",
                 shown(metrics).text, sizeof c.metrics - 1);
    metrics = nullptr;
  }
  std::snprintf(c.metrics, sizeof c.metrics, "%s", metrics ? metrics : "");
  c.sample_ms = kDefaultSampleMs;
  if (const char *ms = std::getenv("MEMSCOPE_SAMPLE_MS"); ms && *ms) {
    char *end = nullptr;
    errno = 0;
    const unsigned long v = std::strtoul(ms, &end, 10);
    if (errno || *end || *ms == '-' || v == 0 || v > 60000)
      std::fprintf(stderr,
                   "memscope: ignoring MEMSCOPE_SAMPLE_MS='%s': not a number "
                   "of milliseconds in 1..60000; using %u\n",
                   shown(ms).text, kDefaultSampleMs);
    else
      c.sample_ms = static_cast<std::uint32_t>(v);
  }
}

void exporters_start() noexcept {
  const Config &c = config();
  if (!c.slice_timing && c.trace[0])
    std::fprintf(stderr, "memscope: MEMSCOPE_TIMING=off ignored: "
                         "MEMSCOPE_TRACE needs run-slice times\n");
  g_slice_timing.store(c.slice_timing || c.trace[0], std::memory_order_relaxed);
  if (c.trace[0] && !trace_events_enable())
    std::fprintf(stderr, "memscope: cannot map trace buffers; MEMSCOPE_TRACE "
                         "will have no run slices\n");
  if (c.metrics[0])
    metrics_start(c.metrics);
  // Always: besides the timeline, the sampler thread recycles the slots of
  // old completed tasks (task_reclaim.hpp), which in-program snapshots need
  // as much as the exporters.
  sampler_start(c.sample_ms, c.output[0] || c.trace[0] || c.metrics[0]);
}

void exporters_stop() noexcept {
  InternalScope untracked;
  metrics_stop();
  sampler_stop();
}

void exporters_write_trace() noexcept {
  if (!config().trace[0])
    return;
  try {
    write_trace(config().trace);
  } catch (...) {
    // Out of memory at exit: the program's exit matters more than the trace.
  }
}

} // namespace memscope::detail
