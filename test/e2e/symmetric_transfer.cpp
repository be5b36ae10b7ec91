// A hand-written task type that resumes its continuation by symmetric
// transfer, with no executor at all: the context follows each transfer.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/symmetric_transfer.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/symmetric_transfer.py %t.O2.json
// CHECK: total 600
#include <coroutine>
#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

template <typename T> struct task {
  struct promise_type {
    T value{};
    std::coroutine_handle<> continuation = std::noop_coroutine();
    task get_return_object() {
      return task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<>
      await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        return h.promise().continuation; // symmetric transfer
      }
      void await_resume() noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void return_value(T v) { value = std::move(v); }
    void unhandled_exception() { std::terminate(); }
  };
  std::coroutine_handle<promise_type> h;
  explicit task(std::coroutine_handle<promise_type> h) : h(h) {}
  task(task &&o) noexcept : h(std::exchange(o.h, {})) {}
  ~task() {
    if (h)
      h.destroy();
  }
  bool await_ready() { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
    h.promise().continuation = c;
    return h; // symmetric transfer into the child
  }
  T await_resume() { return std::move(h.promise().value); }
};

task<int> leaf(int n) {
  std::vector<int> v(n, 1);
  int s = 0;
  for (int x : v)
    s += x;
  co_return s;
}

task<int> middle(int n) {
  int a = co_await leaf(n);
  int b = co_await leaf(n);
  co_return a + b;
}

task<int> top_level() {
  int total = 0;
  for (int i = 0; i < 3; ++i)
    total += co_await middle(100);
  co_return total;
}

int main() {
  int result = 0;
  {
    task<int> t = top_level(); // no task is current: a new root task
    t.h.resume();
    result = t.h.promise().value;
  }
  std::printf("total %d\n", result);
  // A second, separate root: must be a different task.
  task<int> again = leaf(10);
  again.h.resume();
  return result == 600 ? 0 : 1;
}
