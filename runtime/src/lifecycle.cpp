#include "lifecycle.hpp"

#include "allocation_path.hpp"
#include "allocator_mode.hpp"
#include "clock.hpp"
#include "config.hpp"
#include "config_env.hpp"
#include "exporters.hpp"
#include "raw_allocator.hpp"
#include "signal_report.hpp"
#include "sites.hpp"
#include "task_table.hpp"
#include "thread_state.hpp"

#include "memscope/abi.h"
#include "memscope/async_runtime.hpp"
#include "memscope/snapshot.hpp"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace memscope::detail {

const int g_lifecycle_anchor = 1;

namespace {
// 0: not started, 1: being written, 2: written.
std::atomic<int> g_exit_report_state{0};

// The most common first mistake (plain clang++, another Clang, a missing
// -fplugin): the report says "0 tasks" and nobody says why. Only when the
// user asked for an output, so an unconfigured program's stderr is its own.
void say_if_nothing_was_instrumented() noexcept {
  const Config &c = config();
  if (!c.output[0] && !c.trace[0] && !c.metrics[0])
    return;
  if (task_slot_end() > 1 || site_table_registered())
    return;
  std::fprintf(stderr,
               "memscope: no task was tracked and no code of this program "
               "was compiled with the memscope plugin; compile with "
               "clang++-19 -fplugin=<prefix>/lib/memscope/memscope.so (see "
               "docs/user-guide.md)\n");
}
// Set in the child of a fork(): its exit report goes to "<path>.<pid>", so
// that a child that exits normally does not replace its parent's report.
std::atomic<bool> g_forked_child{false};

void on_fork_child() noexcept {
  g_forked_child.store(true, std::memory_order_relaxed);
}
} // namespace

void register_fork_handler() noexcept {
  pthread_atfork(nullptr, nullptr, &on_fork_child);
}

void write_exit_report() noexcept {
  int none = 0;
  if (!g_exit_report_state.compare_exchange_strong(none, 1)) {
    // Being written by another thread (exit() racing a stop signal): wait
    // for it, so that the signal thread does not kill the process halfway
    // through the exit's report, nor exit() end it halfway through the
    // signal's.
    while (g_exit_report_state.load(std::memory_order_acquire) == 1)
      ::usleep(1000);
    return;
  }
  exporters_stop(); // a last memory sample for the report and the trace
  if (config().output[0] != '\0') {
    try {
      InternalScope untracked; // the path string is the runtime's memory
      // A forked child writes its own report beside its parent's.
      if (g_forked_child.load(std::memory_order_relaxed))
        memscope::write_report(std::string(config().output) + "." +
                               std::to_string(::getpid()));
      else
        memscope::write_report(config().output);
    } catch (...) {
      // The program's exit must not be disturbed by the report.
    }
  }
  exporters_write_trace();
  say_if_nothing_was_instrumented();
  g_exit_report_state.store(2, std::memory_order_release);
}

} // namespace memscope::detail

// Priority 101: before other libraries' and the program's constructors, so
// the clock origin precedes every task.
[[gnu::constructor(101)]] static void memscope_rt_start() {
  // The allocator underneath first: everything after allocates.
  memscope::detail::resolve_raw_allocator();
  memscope::detail::record_startup_live_bytes();
  memscope::detail::g_runtime_started.store(true, std::memory_order_release);
  memscope::detail::clock_init();
  memscope::detail::config_load();
  memscope::reload_async_settings();
  memscope::detail::warn_unknown_settings();
  memscope::detail::check_output_directory();
  memscope::detail::say_allocator_mode();
  memscope::detail::register_fork_handler();
  memscope::detail::exporters_start();
  memscope::detail::signal_report_start();
}

// Destructors run after every atexit handler and static destructor of the
// program (and, priority 101, after the other destructors of this object),
// so the report sees the frees and frame destructions that happen there.
[[gnu::destructor(101)]] static void memscope_rt_stop() {
  memscope::detail::write_exit_report();
}

// Static links: whatever pulls this object (the hooks do) also pulls the
// allocator. Normally the program's own references to operator new pull it,
// but a sanitizer runtime linked whole-archive (ASan) already defines a
// weak operator new, which satisfies those references, and the replacement
// would silently be left out of the link.
[[gnu::used]] static void *(*const memscope_allocator_pull)(
    size_t, const memscope_site *) = &__memscope_new;
