// Reports that survive the signals servers are stopped with
// (docs/design.md §6).
//
// SIGINT, SIGTERM and SIGHUP: when the program has no handler of its own at
// start-up, memscope installs one that only wakes a runtime thread (a byte
// into a pipe: async-signal-safe). That thread writes the exit report and
// the trace, then restores the default action and raises the signal again,
// so the program dies by it exactly as it would have without memscope.
// A program that installs handlers later (Asio's signal_set) replaces
// memscope's and keeps its own behaviour.
//
// MEMSCOPE_REPORT_SIGNAL=SIGUSR2 (or another signal): that signal writes the
// report to MEMSCOPE_OUTPUT on the same thread and the program runs on.
#ifndef MEMSCOPE_RT_SIGNAL_REPORT_HPP
#define MEMSCOPE_RT_SIGNAL_REPORT_HPP

namespace memscope::detail {

// Reads MEMSCOPE_REPORT_SIGNAL (one "memscope:" line when it is bad),
// installs the handlers and starts the thread, when something is to be
// written (a report or a trace). From the runtime's constructor.
void signal_report_start() noexcept;

// fork() (lifecycle.cpp's handler), in the child: when the parent started
// the thread, the child gets its own (and its own wake pipe), so that a
// forked worker is stopped with its report too.
void signal_report_fork_child() noexcept;

// The signal number a MEMSCOPE_REPORT_SIGNAL value names ("SIGUSR2",
// "usr2", "12"), or 0 when it names none that can be caught safely.
int parse_report_signal(const char *value) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_SIGNAL_REPORT_HPP
