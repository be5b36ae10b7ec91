#include "lifecycle.hpp"

#include "accounting/allocation_path.hpp"
#include "accounting/allocator_mode.hpp"
#include "support/clock.hpp"
#include "support/config.hpp"
#include "support/config_env.hpp"
#include "export/exporters.hpp"
#include "accounting/raw_allocator.hpp"
#include "snapshot/sampler.hpp"
#include "export/signal_report.hpp"
#include "accounting/sites.hpp"
#include "tasks/task_names.hpp"
#include "tasks/task_reclaim.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

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

// The runtime's one fork handler. fork() copies only the forking thread, so
// every lock another thread of the runtime may hold is taken before the fork
// and released after it, in this order (each lock's users take the later
// ones under the earlier ones, never the other way):
//   1. the fold lock (task_reclaim.cpp): a sweep forgets task names under it;
//   2. the task-name map's mutex (task_names.cpp);
//   3. the sampler's run mutex, then 4. its sample ring's (sampler.cpp),
//      which nothing holds while taking 1 or 2.
// The parent releases them in the reverse order. The child releases them,
// marks itself a child, and then starts its own runtime threads (the
// sampler's needs lock 1 free), as its parent had them.
void fork_prepare() {
  folds_fork_prepare();
  names_fork_prepare();
  sampler_fork_prepare();
}
void fork_parent() {
  sampler_fork_parent();
  names_fork_release();
  folds_fork_release();
}
void fork_child() {
  names_fork_release();
  folds_fork_release();
  g_forked_child.store(true, std::memory_order_relaxed);
  sampler_fork_child();
  signal_report_fork_child();
}
} // namespace

void start_runtime() noexcept {
  // 0. The allocator underneath memscope's (raw_allocator.hpp): everything
  //    after this allocates. Then what was allocated before the runtime
  //    started (by the C and C++ runtimes' initialisation) is noted, and
  //    from here on allocations are charged (allocation_path.hpp).
  resolve_raw_allocator();
  record_startup_live_bytes();
  g_runtime_started.store(true, std::memory_order_release);
  // 1. The clock origin: every timestamp (created_ns, trace slices) counts
  //    from it, and tasks can start in any later constructor.
  clock_init();
  // 2. The settings (settings.def), once, into plain structs: every later
  //    step and every hook reads them there, never the environment. A bad
  //    value is one line now, also for settings of code that never runs
  //    (the async API's MEMSCOPE_MODE).
  config_load();
  reload_async_settings();
  // 3. What a user would otherwise learn only at exit: a MEMSCOPE_* name
  //    that is not a setting, a report directory that cannot be written.
  warn_unknown_settings();
  check_output_directory();
  //    And which allocator is in effect (allocator_mode.hpp): one line when
  //    memscope's replacements are not the ones the process binds to.
  say_allocator_mode();
  // 4. The fork handler, before the first runtime thread exists, so that
  //    no fork can copy a lock one of them holds.
  pthread_atfork(fork_prepare, fork_parent, fork_child);
  // 5. The exporters: the sampler thread (also the recycler of task
  //    records, which in-program snapshots need), trace buffers, /metrics.
  exporters_start();
  // 6. Last, the signal handlers and their thread: a stop signal writes the
  //    report, which needs everything above.
  signal_report_start();
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

// Priority 101, the earliest a program may use: before other libraries' and
// the program's constructors, so that the clock origin and the settings
// precede every task. (Instrumented modules register their sites earlier,
// at priority 2: that needs none of this.) The runtime's only constructor.
[[gnu::constructor(101)]] static void memscope_rt_start() {
  memscope::detail::start_runtime();
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
