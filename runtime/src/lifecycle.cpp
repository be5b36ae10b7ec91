#include "lifecycle.hpp"

#include "clock.hpp"
#include "config.hpp"
#include "exporters.hpp"

#include "memscope/snapshot.hpp"

#include <atomic>

namespace memscope::detail {

const int g_lifecycle_anchor = 1;

namespace {
std::atomic<bool> g_exit_report_done{false};
} // namespace

void write_exit_report() noexcept {
  if (g_exit_report_done.exchange(true))
    return;
  exporters_stop(); // a last memory sample for the report and the trace
  if (config().output[0] != '\0') {
    try {
      memscope::write_report(config().output);
    } catch (...) {
      // The program's exit must not be disturbed by the report.
    }
  }
  exporters_write_trace();
}

} // namespace memscope::detail

// Priority 101: before other libraries' and the program's constructors, so
// the clock origin precedes every task.
[[gnu::constructor(101)]] static void memscope_rt_start() {
  memscope::detail::clock_init();
  memscope::detail::config_load();
  memscope::detail::exporters_start();
}

// Destructors run after every atexit handler and static destructor of the
// program (and, priority 101, after the other destructors of this object),
// so the report sees the frees and frame destructions that happen there.
[[gnu::destructor(101)]] static void memscope_rt_stop() {
  memscope::detail::write_exit_report();
}
