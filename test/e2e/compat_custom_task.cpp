// No Asio at all: a hand-written lazy task<T> and generator<T>, driven by a
// hand-written run loop. The top-level task and create_tracked children are
// tasks of their own; a generator's frames belong to whoever creates it;
// MEMSCOPE_TRACK_VAR and the ready results work in any coroutine type.
//
// RUN: %memscope_cxx -O2 -DMEMSCOPE_NO_ASIO %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t | FileCheck %s
// RUN: %python %S/compat_custom_task.py %t.json
// CHECK: squares: 328350
// CHECK: words: 3
// CHECK: parsed: 524288
// CHECK: snapshot tasks: 4
// CHECK: variable table in its task: yes
#include <memscope/async_memory.hpp>

#include <coroutine>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

inline void keep(const void *p) { asm volatile("" : : "r"(p) : "memory"); }

template <class T> class task {
public:
  struct promise_type {
    T value{};
    std::coroutine_handle<> continuation = std::noop_coroutine();
    std::exception_ptr error;
    task get_return_object() {
      return task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct final_awaiter {
        bool await_ready() noexcept { return false; }
        std::coroutine_handle<>
        await_suspend(std::coroutine_handle<promise_type> h) noexcept {
          return h.promise().continuation;
        }
        void await_resume() noexcept {}
      };
      return final_awaiter{};
    }
    void return_value(T v) { value = std::move(v); }
    void unhandled_exception() { error = std::current_exception(); }
  };
  explicit task(std::coroutine_handle<promise_type> h) : h_(h) {}
  task(task &&o) noexcept : h_(std::exchange(o.h_, {})) {}
  ~task() {
    if (h_)
      h_.destroy();
  }
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) noexcept {
    h_.promise().continuation = c;
    return h_;
  }
  T await_resume() {
    if (h_.promise().error)
      std::rethrow_exception(h_.promise().error);
    return std::move(h_.promise().value);
  }
  // The run loop: resumes the task until it finishes.
  T run() {
    h_.resume();
    return await_resume();
  }

private:
  std::coroutine_handle<promise_type> h_;
};

template <class T> class generator {
public:
  struct promise_type {
    T current{};
    generator get_return_object() {
      return generator(
          std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(T v) {
      current = std::move(v);
      return {};
    }
    void return_void() {}
    void unhandled_exception() { throw; }
  };
  explicit generator(std::coroutine_handle<promise_type> h) : h_(h) {}
  generator(generator &&o) noexcept : h_(std::exchange(o.h_, {})) {}
  ~generator() {
    if (h_)
      h_.destroy();
  }
  bool next() {
    h_.resume();
    return !h_.done();
  }
  const T &value() const { return h_.promise().current; }

private:
  std::coroutine_handle<promise_type> h_;
};

generator<long> squares(int n) {
  for (long i = 0; i < n; ++i)
    co_yield i * i;
}

generator<std::string> words(std::string text) {
  std::string word;
  for (char c : text) {
    if (c == ' ') {
      co_yield word;
      word.clear();
    } else {
      word += c;
    }
  }
  co_yield word;
}

task<std::size_t> parse_table() {
  std::vector<int> table(1 << 17); // 512 KiB
  keep(table.data());
  MEMSCOPE_TRACK_VAR(table);
  co_await memscope::track_var_async(table, "table-again");
  co_return table.size() * sizeof(int);
}

task<long> sum_squares() {
  long s = 0;
  auto g = squares(100);
  while (g.next())
    s += g.value();
  co_return s;
}

task<int> count_words() {
  int n = 0;
  auto g = words("a few words long enough to leave the small string buffer");
  while (g.next())
    n += g.value().size() > 5 ? 1 : 0;
  co_return n;
}

task<int> top() {
  co_await memscope::initialize();
  std::printf("squares: %ld\n",
              co_await memscope::create_tracked(sum_squares()));
  std::printf("words: %d\n", co_await memscope::create_tracked(
                                 count_words(), memscope::TaskType::Streaming));
  std::printf("parsed: %zu\n",
              co_await memscope::create_tracked(
                  parse_table(), memscope::TaskType::MemoryIntensive));
  co_return 0;
}

int main() {
  int rc = top().run();
  const memscope::MemorySnapshot snap = memscope::get_memory_snapshot();
  std::printf("snapshot tasks: %zu\n", snap.tasks().size());
  bool in_task = false;
  for (const auto &v : memscope::tracked_variables())
    for (const auto &t : snap.tasks())
      if (v.name == "table" && t.id == v.task_id &&
          t.name.find("parse_table") != std::string::npos)
        in_task = true;
  std::printf("variable table in its task: %s\n", in_task ? "yes" : "no");
  return rc;
}
