// The exporters' life cycle: started by the runtime's constructor, stopped
// and flushed by its exit code (lifecycle.cpp).
#ifndef MEMSCOPE_RT_EXPORTERS_HPP
#define MEMSCOPE_RT_EXPORTERS_HPP

namespace memscope::detail {

// Starts what the configuration asks for: the memory sampler (when a report,
// trace or metrics endpoint is configured), trace recording, /metrics.
void exporters_start() noexcept;
// At exit, before the report: last sample, sampler and metrics stopped.
void exporters_stop() noexcept;
// At exit, after the report: the trace file.
void exporters_write_trace() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_EXPORTERS_HPP
