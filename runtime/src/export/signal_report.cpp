#include "export/signal_report.hpp"

#include "support/config.hpp"
#include "lifecycle.hpp"
#include "support/printable.hpp"
#include "support/runtime_thread.hpp"
#include "support/settings.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/snapshot.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace memscope::detail {
namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Signals that can stand for "write a report now": their default action
// terminates (so nobody relies on them being harmless) and they are not
// faults (SIGSEGV, SIGBUS...), whose handlers must not return.
struct NamedSignal {
  const char *name;
  int number;
};
constexpr NamedSignal kReportSignals[] = {
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"HUP", SIGHUP},   {"INT", SIGINT},
    {"TERM", SIGTERM}, {"QUIT", SIGQUIT}, {"ALRM", SIGALRM}, {"PWR", SIGPWR},
};

// Written only before the handlers are installed; read in them.
int g_wake_read = -1;
int g_wake_write = -1;
pid_t g_owner = 0; // the process whose thread reads the pipe
// Whether signal_report_start() started the thread: only then does a forked
// child need one of its own.
bool g_thread_started = false;
int g_report_signal = 0;
// The stop signal being handled (0: none yet), set in the handler.
std::atomic<int> g_stopping{0};
pthread_t g_thread;

// The default action, now: the process dies by `sig` (or, for a report
// signal in a forked child, nothing happens). Async-signal-safe.
void die_by(int sig) noexcept {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  // Pending while blocked (in a handler, the signal is blocked): delivered,
  // and fatal, as soon as it is unblocked.
  ::raise(sig);
  pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
}

void on_signal(int sig) {
  const int saved_errno = errno;
  const bool ours = ::getpid() == g_owner;
  if (sig == g_report_signal) {
    if (ours) {
      const unsigned char byte = static_cast<unsigned char>(sig);
      (void)!::write(g_wake_write, &byte, 1); // full pipe: one is pending
    }
    errno = saved_errno;
    return;
  }
  // A second stop signal while the report is written (an impatient
  // Ctrl-C), or no thread to write it: die now, as without memscope.
  int none = 0;
  if (!ours || !g_stopping.compare_exchange_strong(none, sig)) {
    die_by(sig);
    errno = saved_errno;
    return;
  }
  const unsigned char byte = static_cast<unsigned char>(sig);
  (void)!::write(g_wake_write, &byte, 1);
  errno = saved_errno;
}

void *run(void *) {
  ++t_state.internal; // nothing this thread allocates is a task's
  for (;;) {
    unsigned char byte = 0;
    const ssize_t n = ::read(g_wake_read, &byte, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return nullptr;
    // A stop wins over report requests queued before it.
    if (const int stop = g_stopping.load(std::memory_order_acquire)) {
      write_exit_report();
      // No fflush: unflushed stdio output is lost, as without memscope.
      die_by(stop); // this thread has it blocked: unblocked there
      return nullptr;
    }
    if (byte == g_report_signal)
      memscope::write_report();
  }
}

// Opens the wake pipe and starts the thread; false (nothing changed) when
// either fails.
bool start_thread() noexcept {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return false;
  // The handler must never block on a full pipe.
  ::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK);
  g_wake_read = fds[0];
  g_wake_write = fds[1];
  if (start_runtime_thread(g_thread, run, "memscope-signal") != 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    g_wake_read = g_wake_write = -1;
    return false;
  }
  pthread_detach(g_thread);
  g_owner = ::getpid();
  return true;
}

} // namespace

// fork(): the child has the handlers but not the thread. A pre-forking
// server's workers are stopped by signals too: give the child its own
// thread (and pipe), so that it leaves its report (<path>.<pid>) as well.
// Until then, and if that fails, the handler kills at once (g_owner).
void signal_report_fork_child() noexcept {
  if (!g_thread_started)
    return;
  bool restart = true;
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  restart = false; // TSan kills a child that starts threads (die_after_fork)
#endif
#endif
  if (g_wake_read >= 0)
    ::close(g_wake_read);
  if (g_wake_write >= 0)
    ::close(g_wake_write);
  g_wake_read = g_wake_write = -1;
  g_stopping.store(0, std::memory_order_relaxed);
  if (restart)
    start_thread();
}

namespace {

bool install(int sig) noexcept {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigfillset(&action.sa_mask); // one handler at a time
  action.sa_flags = SA_RESTART;
  return ::sigaction(sig, &action, nullptr) == 0;
}

// Whether the program (or whoever started it: nohup, a shell's trap "" INT)
// already decided what the signal does.
bool has_default_action(int sig) noexcept {
  struct sigaction old {};
  return ::sigaction(sig, nullptr, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
         old.sa_handler == SIG_DFL;
}

} // namespace

int parse_report_signal(const char *value) noexcept {
  if (!value || !*value)
    return 0;
  const char *name = value;
  if (strncasecmp(name, "SIG", 3) == 0)
    name += 3;
  for (const NamedSignal &s : kReportSignals)
    if (setting_is(name, s.name))
      return s.number;
  // A real-time signal by number (SIGRTMIN..SIGRTMAX), or one of the above.
  char *end = nullptr;
  errno = 0;
  const long number = std::strtol(value, &end, 10);
  if (errno || end == value || *end != '\0')
    return 0;
  if (number >= SIGRTMIN && number <= SIGRTMAX)
    return static_cast<int>(number);
  for (const NamedSignal &s : kReportSignals)
    if (number == s.number)
      return s.number;
  return 0;
}

void signal_report_start() noexcept {
  const int saved_errno = errno;
  const Config &c = config();
  const char *wanted = setting_text(Setting::ReportSignal);
  int report = 0;
  if (wanted) {
    report = parse_report_signal(wanted);
    if (!report)
      complain_bad_setting(Setting::ReportSignal, wanted);
    else if (!c.output[0]) {
      std::fprintf(stderr,
                   "memscope: ignoring MEMSCOPE_REPORT_SIGNAL='%s': "
                   "MEMSCOPE_OUTPUT is not set, so there is no report to "
                   "write\n",
                   shown(wanted).text);
      report = 0;
    }
  }
  // Nothing to save: leave the program's signals exactly as they are.
  if (!c.output[0] && !c.trace[0]) {
    errno = saved_errno;
    return;
  }
  g_report_signal = report;
  if (!start_thread()) {
    errno = saved_errno;
    return;
  }
  g_thread_started = true;
  if (report)
    install(report);
  for (int sig : kStopSignals)
    if (sig != report && has_default_action(sig))
      install(sig);
  errno = saved_errno;
}

} // namespace memscope::detail
