// Just enough of the Boost.Asio coroutine API, with the same qualified names,
// for the spawn-site IR tests. co_spawn runs the coroutine at once.
#pragma once
#include <coroutine>
#include <exception>
#include <utility>

namespace boost {
namespace asio {

template <class T = void> class awaitable {
public:
  struct promise_type {
    awaitable get_return_object() {
      return awaitable{
          std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
  explicit awaitable(std::coroutine_handle<promise_type> h) : h(h) {}
  awaitable(awaitable &&o) : h(std::exchange(o.h, {})) {}
  ~awaitable() {
    if (h)
      h.destroy();
  }
  bool await_ready() { return false; }
  void await_suspend(std::coroutine_handle<>) {}
  void await_resume() {}
  std::coroutine_handle<promise_type> h;
};

struct any_io_executor {};
class io_context {
public:
  any_io_executor get_executor() { return {}; }
};

struct detached_t {};
inline constexpr detached_t detached;

// Awaitable form: runs the coroutine to its end right away.
template <class Executor, class T, class Token>
void co_spawn(const Executor &, awaitable<T> a, Token &&) {
  a.h.resume();
}
// Function-object form.
template <class Executor, class F, class Token>
void co_spawn(const Executor &, F &&f, Token &&) {
  awaitable<void> a = f();
  a.h.resume();
}

} // namespace asio
} // namespace boost
