// MEMSCOPE_TRACE: the Chrome trace-event JSON written at exit (Perfetto and
// chrome://tracing open it). Process "memscope tasks": one track (tid = task
// id) per task that ran, with its run slices; counters of live bytes per task
// type, outside tasks, and active tasks, from the sampler's series.
#ifndef MEMSCOPE_RT_TRACE_JSON_HPP
#define MEMSCOPE_RT_TRACE_JSON_HPP

#include <string>

namespace memscope::detail {

bool write_trace(const std::string &path);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TRACE_JSON_HPP
