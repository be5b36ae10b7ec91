// Small coroutine types for the IR tests (no Asio).
#pragma once
#include <coroutine>
#include <exception>
#include <utility>

// A lazy task with symmetric transfer at final_suspend and in co_await.
struct task {
  struct promise_type {
    std::coroutine_handle<> cont;
    std::exception_ptr ex;
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
    void unhandled_exception() {
#if __cpp_exceptions
      ex = std::current_exception();
#endif
    }
  };
  std::coroutine_handle<promise_type> h;
  explicit task(std::coroutine_handle<promise_type> h) : h(h) {}
  task(task &&o) : h(std::exchange(o.h, {})) {}
  ~task() {
    if (h)
      h.destroy();
  }
  bool await_ready() { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
    h.promise().cont = c;
    return h;
  }
  void await_resume() {
#if __cpp_exceptions
    if (h.promise().ex)
      std::rethrow_exception(h.promise().ex);
#endif
  }
};

// An eager fire-and-forget coroutine: runs to its first suspension in the
// ramp, frees itself at the end (final_suspend never suspends).
struct detached_task {
  struct promise_type {
    detached_task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
};

// A generator of ints (co_yield).
struct generator {
  struct promise_type {
    int value = 0;
    generator get_return_object() {
      return generator{
          std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int v) {
      value = v;
      return {};
    }
    void return_void() {}
    void unhandled_exception() {
#if __cpp_exceptions
      throw;
#else
      std::terminate();
#endif
    }
  };
  std::coroutine_handle<promise_type> h;
  explicit generator(std::coroutine_handle<promise_type> h) : h(h) {}
  generator(generator &&o) : h(std::exchange(o.h, {})) {}
  ~generator() {
    if (h)
      h.destroy();
  }
  bool next() {
    h.resume();
    return !h.done();
  }
  int value() const { return h.promise().value; }
};

// await_suspend returning bool: `false` means "resume me right away".
struct maybe_suspend {
  bool suspend;
  bool await_ready() noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>) noexcept { return suspend; }
  void await_resume() noexcept {}
};

// await_suspend that may throw (the await intrinsic is invoked).
struct throwing_suspend {
  bool await_ready() { return false; }
  void await_suspend(std::coroutine_handle<>);
  void await_resume() {}
};

// Runs a task to completion from non-coroutine code.
inline void run(task &t) {
  while (!t.h.done())
    t.h.resume();
}
