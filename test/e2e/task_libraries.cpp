// Task libraries beyond Asio (issue 12), on stand-ins with libcoro's and
// cppcoro's qualified names and structure (docs/compatibility.md): a pool
// whose spawn_detached wraps the task in a self-deleting coroutine of a
// `detail` namespace, sync_wait, a when_all whose internals co_yield, and a
// synchronous generator.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/task_libraries.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/task_libraries.py %t.O2.json
// RUN: %memscope_cxx -O1 -fplugin-arg-memscope-explain -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXPLAIN
// CHECK: workers done: 4
// CHECK-NEXT: generated 4950
// CHECK-NEXT: outside 45
// EXPLAIN-DAG: remark: memscope: 'coro::detail::make_task_self_deleting' is transparent library code (in namespace detail (library-internal))
// EXPLAIN-DAG: remark: memscope: 'coro::detail::when_all_task' is transparent library code
// EXPLAIN-DAG: remark: memscope: 'numbers' is a synchronous generator (co_yield, no co_await)
// EXPLAIN-DAG: remark: memscope: 'worker' is a task root (spawned at {{.*}}task_libraries.cpp:76:10)
// EXPLAIN-DAG: remark: memscope: 'parent' is a child coroutine (runs in its caller's task); created by plain function 'main' at {{.*}}task_libraries.cpp:89:24, where no task may be current: a frame created there starts a task of its own at run time
#include "Inputs/coro_standin.h"

#include <cstdio>
#include <vector>

// A synchronous generator: never a task, as cheap as plain code.
struct generator {
  struct promise_type {
    long value = 0;
    generator get_return_object() {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(long v) {
      value = v;
      return {};
    }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
  std::coroutine_handle<promise_type> h;
  ~generator() { h.destroy(); }
  bool next() {
    h.resume();
    return !h.done();
  }
};

std::vector<char *> g_kept; // escapes

generator numbers(int n) {
  for (int i = 0; i < n; ++i) {
    g_kept.push_back(new char[1000]); // the resumer's memory
    co_yield i;
  }
}

int g_done = 0;

coro::task<void> worker(int i) {
  g_kept.push_back(new char[100000 + i]);
  ++g_done;
  co_return;
}

// Awaits only through when_all, whose internals co_yield.
coro::task<void> joiner() {
  g_done += coro::when_all(0);
  co_return;
}

coro::task<void> parent(coro::thread_pool &pool) {
  for (int i = 0; i < 4; ++i)
    pool.spawn_detached(worker(i));
  pool.spawn_detached(joiner());
  long sum = 0;
  generator g = numbers(100);
  while (g.next())
    sum += g.h.promise().value;
  std::printf("workers done: %d\n", g_done + coro::when_all(0));
  std::printf("generated %ld\n", sum);
  co_return;
}

int main() {
  coro::thread_pool pool;
  coro::task<void> p = parent(pool);
  coro::sync_wait(p);
  // A generator iterated outside any task starts no task.
  long sum = 0;
  generator g = numbers(10);
  while (g.next())
    sum += g.h.promise().value;
  std::printf("outside %ld\n", sum);
  for (char *k : g_kept)
    delete[] k;
}
