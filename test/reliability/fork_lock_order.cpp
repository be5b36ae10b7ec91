// fork() while the runtime's own thread holds its locks: a worker thread
// names tasks and completes them, and with MEMSCOPE_MAX_TASKS=0 the sampler
// thread's sweep reclaims them at once (it forgets their names under the
// fold lock, so it takes the fold lock, then the name map's). The main
// thread forks meanwhile; each child names a task and takes a snapshot
// (both locks again) and exits. The runtime's one fork handler takes the
// locks in the sweep's order, so neither the fork nor a child can hang:
// every child reports, and the parent finishes. (With the name map's mutex
// taken before the fold lock, the order the three separate registrations
// used to give, this program hung in fork() on every run.)
//
// TSan kills a forked child that starts a thread (the child's sampler).
// UNSUPPORTED: tsan
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: env MEMSCOPE_MAX_TASKS=0 timeout 300 %t | FileCheck %s
// CHECK: children 200 ok 200
// CHECK: named tasks {{[1-9][0-9]*}}
#include "Inputs/lazy_task.h"

#include "memscope/snapshot.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace {

std::atomic<bool> g_stop{false};
std::atomic<long> g_named{0};

lazy_task<void> named(long i) {
  memscope::set_task_name("worker " + std::to_string(i));
  char *volatile p = new char[32];
  delete[] p;
  co_return;
}

} // namespace

int main() {
  std::thread worker([] {
    // Bursts the sweep keeps up with (its queue holds 65,536 completions),
    // so the table stays small and every child's snapshot is quick.
    for (long i = 0; !g_stop.load(std::memory_order_relaxed);) {
      for (int k = 0; k < 20; ++k, ++i) {
        lazy_task<void> t = named(i); // a task of its own, named, completed
        t.resume();
        t.result();
      }
      g_named.fetch_add(20, std::memory_order_relaxed);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  int ok = 0;
  for (int n = 0; n < 200; ++n) {
    std::fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
      lazy_task<void> t = named(-1);
      t.resume();
      t.result();
      const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
      _exit(s.total_allocations() > 0 ? 0 : 2);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  g_stop.store(true);
  worker.join();
  std::printf("children 200 ok %d\n", ok);
  std::printf("named tasks %ld\n", g_named.load());
  return 0;
}
