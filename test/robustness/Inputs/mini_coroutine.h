// A freestanding stand-in for <coroutine> (what the compiler needs and no
// more), so that a test can compile coroutines for targets whose C++ headers
// are not installed here.
#pragma once
namespace std {
template <typename R, typename...> struct coroutine_traits {
  using promise_type = typename R::promise_type;
};
template <typename P = void> struct coroutine_handle;
template <> struct coroutine_handle<void> {
  void *ptr = nullptr;
  static coroutine_handle from_address(void *p) noexcept {
    coroutine_handle h;
    h.ptr = p;
    return h;
  }
  void *address() const noexcept { return ptr; }
  void resume() const { __builtin_coro_resume(ptr); }
  void destroy() const { __builtin_coro_destroy(ptr); }
  bool done() const { return __builtin_coro_done(ptr); }
};
template <typename P> struct coroutine_handle : coroutine_handle<void> {
  static coroutine_handle from_address(void *p) noexcept {
    coroutine_handle h;
    h.ptr = p;
    return h;
  }
  static coroutine_handle from_promise(P &p) noexcept {
    return from_address(__builtin_coro_promise(&p, alignof(P), true));
  }
  P &promise() const {
    return *static_cast<P *>(__builtin_coro_promise(ptr, alignof(P), false));
  }
};
struct suspend_never {
  bool await_ready() const noexcept { return true; }
  void await_suspend(coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};
struct suspend_always {
  bool await_ready() const noexcept { return false; }
  void await_suspend(coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};
} // namespace std
