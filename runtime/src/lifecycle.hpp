// Start-up, fork and exit of the runtime: the earliest constructor runs the
// start-up sequence (start_runtime), one fork handler keeps the runtime's
// locks and threads right across fork(), and the latest destructor writes
// the report.
#ifndef MEMSCOPE_RT_LIFECYCLE_HPP
#define MEMSCOPE_RT_LIFECYCLE_HPP

#include <cstdint>

namespace memscope::detail {

// Defined next to the constructor/destructor. The hooks and the allocator
// refer to it so that a static link (libmemscope_rt.a) that pulls either of
// them also pulls the start-up and exit code.
extern const int g_lifecycle_anchor;

// Writes the report to MEMSCOPE_OUTPUT once; later calls do nothing.
// In a forked child, the report goes to "<MEMSCOPE_OUTPUT>.<pid>".
void write_exit_report() noexcept;

// The bytes allocated before the runtime started and still live then (what
// the C and C++ runtimes and libraries allocated while they initialised:
// libstdc++'s emergency exception pool), charged to nobody; for the report
// (snapshot.cpp).
void record_startup_live_bytes() noexcept;
std::uint64_t startup_live_bytes() noexcept;

// The runtime's start-up, in order (each step says why it is where it is):
// clock, settings, start-up checks, the fork handler, the exporters, the
// signal handlers. Run once, by the runtime's constructor.
void start_runtime() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_LIFECYCLE_HPP
