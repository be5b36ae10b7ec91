// fork() in a tracked program: the child inherits the accounting and keeps
// working (allocations, tasks); a child that exits normally writes its own
// report to "<MEMSCOPE_OUTPUT>.<pid>" and never replaces the parent's; a
// child that _exit()s writes nothing. Forking while another thread runs
// tasks must not deadlock (the runtime holds no locks).
//
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: rm -rf %t.dir && mkdir %t.dir
// TSan counts the parent's other thread as leaked in the child: not ours.
// RUN: env TSAN_OPTIONS=report_thread_leaks=0:halt_on_error=1 MEMSCOPE_OUTPUT=%t.dir/r.json %t > %t.out
// RUN: FileCheck %s < %t.out
// RUN: %python %S/fork.py %t.dir %t.out
// CHECK: child 1 done
// CHECK: child 2 done
// CHECK: parent done
#include "Inputs/lazy_task.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<std::string *> g_kept;

lazy_task<void> keep(std::size_t n) {
  g_kept.push_back(new std::string(n, 'k'));
  co_return;
}

void run(lazy_task<void> t) {
  t.resume();
  t.result();
}

std::atomic<bool> g_busy{true};

lazy_task<void> churn() {
  std::string s(100, 'c');
  co_return;
}

int child(int which) {
  // The child keeps allocating and running tasks.
  run(keep(which == 1 ? 7000 : 9000));
  std::printf("child %d done\n", which);
  std::fflush(stdout);
  if (which == 1)
    std::exit(0); // report to r.json.<pid>
  _exit(0);       // no report at all
}

} // namespace

int main() {
  run(keep(1111)); // the parent's own task
  // Another thread runs tasks while the parent forks.
  std::thread busy([] {
    for (int i = 0; i < 20000 && g_busy.load(std::memory_order_relaxed); ++i)
      run(churn());
  });
  for (int which = 1; which <= 2; ++which) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0)
      return child(which);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("child %d failed: status %d\n", which, status);
      g_busy.store(false);
      busy.join();
      return 1;
    }
    std::printf("pid %d %d\n", which, static_cast<int>(pid));
  }
  g_busy.store(false);
  busy.join();
  run(keep(2222));
  std::printf("parent done\n");
  return 0;
}
