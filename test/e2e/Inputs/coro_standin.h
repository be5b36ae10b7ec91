// Stand-ins with libcoro's qualified names and structure (docs/
// compatibility.md says which versions the names come from), for the
// end-to-end tests of task libraries beyond Asio: coro::task, a pool whose
// spawn_detached wraps the task in a self-deleting coroutine of a `detail`
// namespace, sync_wait, and a when_all whose internals co_yield.
#ifndef MEMSCOPE_TEST_CORO_STANDIN_H
#define MEMSCOPE_TEST_CORO_STANDIN_H

#include <coroutine>
#include <exception>
#include <utility>

namespace coro {

template <typename T = void> struct task;

template <> struct task<void> {
  struct promise_type {
    std::coroutine_handle<> cont;
    task get_return_object() {
      return task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<>
      await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        auto c = h.promise().cont;
        return c ? c : std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void return_void() {}
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
    h.promise().cont = c;
    return h;
  }
  void await_resume() {}
};

namespace detail {
// Destroys itself at its end: libcoro's spawn_detached wrapper.
struct self_deleting {
  struct promise_type {
    self_deleting get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
};
inline self_deleting make_task_self_deleting(task<void> t) { co_await t; }

// when_all's internals yield each result (as libcoro's do).
template <typename T> struct yielder {
  struct promise_type {
    T value{};
    yielder get_return_object() {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(T v) {
      value = v;
      return {};
    }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
  std::coroutine_handle<promise_type> h;
};
inline yielder<int> when_all_task(int n) { co_yield n; }
} // namespace detail

// Runs each spawned task to its first suspension at once (a stand-in for a
// pool; the structure, not the threads, is what matters here).
class thread_pool {
public:
  bool spawn_detached(task<void> &&t) {
    detail::make_task_self_deleting(std::move(t));
    return true;
  }
};

inline int when_all(int n) {
  auto y = detail::when_all_task(n);
  y.h.resume();
  int v = y.h.promise().value;
  y.h.destroy();
  return v;
}

inline void sync_wait(task<void> &t) { t.h.resume(); }

} // namespace coro

#endif // MEMSCOPE_TEST_CORO_STANDIN_H
