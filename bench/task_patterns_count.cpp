// Fixed-count loops of issue 12's workloads for callgrind
// (callgrind_counts.py --loops gen,gentask,resume,create,forkjoin): WHAT N runs
// N iterations; (Ir(2N) - Ir(N)) / N is one iteration (docs/performance.md).
//   gen:      one element of a generator iterated from plain code
//   gentask:  one element of the same generator inside a task
//   resume:   a task resumed from plain code and suspended again
//   create:   a task created, run to completion and destroyed
//   forkjoin: one task forked onto a 2-thread pool and joined
#include "task_patterns.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  const long n = std::atol(argv[2]);
  if (std::strcmp(argv[1], "gen") == 0) {
    bench::g_sink += bench::sum_generator(n);
  } else if (std::strcmp(argv[1], "gentask") == 0) {
    bench::Task t = bench::sum_generator_task(1, n);
    t.handle().resume();
  } else if (std::strcmp(argv[1], "resume") == 0) {
    bench::Task t = bench::suspend_forever();
    for (long i = 0; i < n; ++i)
      t.handle().resume();
  } else if (std::strcmp(argv[1], "create") == 0) {
    for (long i = 0; i < n; ++i)
      bench::create_run_destroy(i);
  } else if (std::strcmp(argv[1], "forkjoin") == 0) {
    bench::Pool pool(2);
    bench::fork_join(pool, n);
  } else {
    return 2;
  }
  std::printf("%d\n", bench::g_sink != 0);
}
