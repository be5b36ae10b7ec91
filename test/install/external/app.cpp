// A small coroutine program with no memscope code: a root task that awaits a
// child allocating 1 MiB.
#include <coroutine>
#include <cstdio>
#include <exception>
#include <memory>
#include <utility>

struct task {
  struct promise_type {
    std::coroutine_handle<> next = std::noop_coroutine();
    task get_return_object() {
      return task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        return h.promise().next;
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
  ~task() { if (h) h.destroy(); }
  bool await_ready() { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
    h.promise().next = c;
    return h;
  }
  void await_resume() {}
};

static std::unique_ptr<char[]> kept;

task fill() {
  kept = std::make_unique<char[]>(1 << 20);
  kept[0] = 42;
  co_return;
}

task external_root() { co_await fill(); }

int main() {
  {
    task t = external_root();
    t.h.resume();
  }
  std::printf("external app: %d\n", kept[0]);
  kept.reset();
}
