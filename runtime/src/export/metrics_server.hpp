// MEMSCOPE_METRICS=HOST:PORT: a tiny HTTP server on a thread owned by the
// runtime (never an executor thread) that answers GET /metrics with
// render_metrics() of a fresh snapshot, and GET /tasks with the live
// per-task view (tasks_view.hpp). One connection at a time, each with
// a short deadline, so a stuck client cannot hold it.
#ifndef MEMSCOPE_RT_METRICS_SERVER_HPP
#define MEMSCOPE_RT_METRICS_SERVER_HPP

namespace memscope::detail {

// Binds and starts serving; on a bad address or a port in use prints one
// "memscope:" line and returns false (the program runs on without it).
bool metrics_start(const char *address) noexcept;
void metrics_stop() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_METRICS_SERVER_HPP
