// A computation loop without library calls is CpuIntensive; the evidence is
// the loop. Evidence found in a callee names it.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio/awaitable.hpp>
using boost::asio::awaitable;

static long fib(int n) {
  long a = 0, b = 1;
  for (int i = 0; i < n; ++i) { //@loop
    long t = a + b;
    a = b;
    b = t;
  }
  return a;
}

[[memscope::task_root]] awaitable<long> compute(int n) { co_return fib(n); } //@root

// CHECK: cpu-loop.cpp:17:41: remark: memscope: 'compute' is a task root (marked {{\[\[}}memscope::task_root]]); type CpuIntensive: loop with arithmetic at {{.*}}cpu-loop.cpp:9:3 (in 'fib')

// A lambda coroutine written inside a loop awaits in its own frame: the
// loop itself is still computation, not an event loop.
awaitable<void> step() { co_return; }
[[memscope::task_root]] awaitable<long> crunch(int n) {
  long a = 0;
  for (int i = 0; i < n; ++i) {
    auto later = [i]() -> awaitable<long> {
      co_await step();
      co_return i;
    };
    (void)later;
    a = a * 3 + i;
  }
  co_return a;
}
// CHECK: cpu-loop.cpp:[[#@LINE-12]]:41: remark: memscope: 'crunch' is a task root (marked {{\[\[}}memscope::task_root]]); type CpuIntensive: loop with arithmetic at {{.*}}cpu-loop.cpp:[[#@LINE-10]]:3
