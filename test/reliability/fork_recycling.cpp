// A pre-forking server's worker: the child of fork() spawns 20,000 short
// tasks. The child gets a sampler thread of its own, so it recycles task
// records as its parent does (docs/performance.md): its report folds the
// old tasks with every byte, and its task table stays small.
//
// TSan kills a forked child that starts a thread, so under TSan the runtime
// starts none there and the child does not recycle.
// UNSUPPORTED: tsan
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: rm -rf %t.dir && mkdir %t.dir
// RUN: env MEMSCOPE_OUTPUT=%t.dir/r.json MEMSCOPE_MAX_TASKS=100 %t > %t.out
// RUN: FileCheck %s < %t.out
// RUN: %python %S/fork_recycling.py %t.dir %t.out
// CHECK: child done
// CHECK: parent done
#include "Inputs/lazy_task.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace {

// The block escapes, so the optimizer keeps the new/delete pair (it removes
// a pair whose pointer does not escape, instrumented or not).
char *volatile g_escape;

lazy_task<void> work(int i) {
  char *p = new char[64 + i % 7];
  p[0] = 1;
  g_escape = p;
  delete[] p;
  co_return;
}

} // namespace

int main() {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    std::printf("pid %d\n", static_cast<int>(getpid()));
    for (int wave = 0; wave < 20; ++wave) {
      for (int i = 0; i < 1000; ++i) {
        lazy_task<void> t = work(wave * 1000 + i); // a task of its own
        t.resume();
        t.result();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::printf("child done\n");
    return 0;
  }
  int status = 0;
  waitpid(child, &status, 0);
  std::printf("parent done\n");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
