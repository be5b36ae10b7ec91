// A minimal hand-written lazy coroutine task (no Asio) for the reliability
// tests: started by resume(), awaitable by another lazy_task (symmetric
// transfer), destroyed by its owner, exceptions rethrown to the awaiter.
#pragma once
#include <coroutine>
#include <exception>
#include <utility>

template <typename T = void> struct lazy_task;

struct lazy_promise_base {
  std::coroutine_handle<> cont;
  std::exception_ptr error;
  std::suspend_always initial_suspend() noexcept { return {}; }
  struct final_awaiter {
    bool await_ready() noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      auto c = h.promise().cont;
      return c ? c : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  final_awaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() { error = std::current_exception(); }
};

template <typename T> struct lazy_promise : lazy_promise_base {
  T value{};
  lazy_task<T> get_return_object();
  void return_value(T v) { value = std::move(v); }
  T take() {
    if (error)
      std::rethrow_exception(error);
    return std::move(value);
  }
};
template <> struct lazy_promise<void> : lazy_promise_base {
  lazy_task<void> get_return_object();
  void return_void() {}
  void take() {
    if (error)
      std::rethrow_exception(error);
  }
};

template <typename T> struct lazy_task {
  using promise_type = lazy_promise<T>;
  std::coroutine_handle<promise_type> h;
  explicit lazy_task(std::coroutine_handle<promise_type> h) : h(h) {}
  lazy_task(lazy_task &&o) noexcept : h(std::exchange(o.h, {})) {}
  lazy_task &operator=(lazy_task &&o) noexcept {
    if (this != &o) {
      if (h)
        h.destroy();
      h = std::exchange(o.h, {});
    }
    return *this;
  }
  ~lazy_task() {
    if (h)
      h.destroy();
  }
  bool done() const { return h.done(); }
  void resume() { h.resume(); }
  T result() { return h.promise().take(); }
  bool await_ready() { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
    h.promise().cont = c;
    return h;
  }
  T await_resume() { return h.promise().take(); }
};

template <typename T> lazy_task<T> lazy_promise<T>::get_return_object() {
  return lazy_task<T>{
      std::coroutine_handle<lazy_promise<T>>::from_promise(*this)};
}
inline lazy_task<void> lazy_promise<void>::get_return_object() {
  return lazy_task<void>{
      std::coroutine_handle<lazy_promise<void>>::from_promise(*this)};
}

// Suspends unconditionally: the owner resumes it later (maybe elsewhere).
struct yield_point {
  bool await_ready() noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) noexcept {}
  void await_resume() noexcept {}
};
