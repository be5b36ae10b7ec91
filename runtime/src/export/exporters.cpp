#include "export/exporters.hpp"

#include "support/config.hpp"
#include "export/metrics_server.hpp"
#include "snapshot/sampler.hpp"
#include "tasks/thread_state.hpp"
#include "export/trace_events.hpp"
#include "export/trace_json.hpp"

#include <cstdio>
#include <string>

namespace memscope::detail {

void exporters_start() noexcept {
  const Config &c = config();
  if (!c.slice_timing && c.trace[0])
    std::fprintf(stderr, "memscope: MEMSCOPE_TIMING=off ignored: "
                         "MEMSCOPE_TRACE needs run-slice times\n");
  g_slice_timing.store(c.slice_timing || c.trace[0], std::memory_order_relaxed);
  g_frame_batch.store(c.frame_batch, std::memory_order_relaxed);
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
