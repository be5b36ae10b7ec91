// Coroutine workloads of issue 12, shared by the timed benchmark
// (task_patterns_bench.cpp) and the fixed-count loops for callgrind
// (task_patterns_count.cpp). Each is built plain and with the plugin; the
// ratios are taken in the same run (docs/performance.md).
//   generator:  a synchronous generator (co_yield of a long, no co_await)
//               iterated from plain code; it is transparent, not a task
//   gen_task:   the same generator iterated inside a task
//   resume:     a task resumed from plain code (a task switch in and out)
//   create:     a coroutine created, resumed once and destroyed from plain
//               code: a new task each (the task life cycle)
//   fork_join:  libcoro's "thread_pool N workers, 100k tasks" pattern on a
//               2-thread pool: each task is created from plain code (so it
//               becomes a root at run time), schedules itself onto the
//               pool and completes there; the creator joins them all
#ifndef MEMSCOPE_BENCH_TASK_PATTERNS_HPP
#define MEMSCOPE_BENCH_TASK_PATTERNS_HPP

#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

inline long g_sink = 0;

// A synchronous generator of longs, as std::generator would be.
class Counter {
public:
  struct promise_type {
    long value = 0;
    Counter get_return_object() {
      return Counter{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(long v) noexcept {
      value = v;
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() { std::terminate(); }
  };
  explicit Counter(std::coroutine_handle<promise_type> h) : h_(h) {}
  Counter(Counter &&o) noexcept : h_(std::exchange(o.h_, {})) {}
  ~Counter() {
    if (h_)
      h_.destroy();
  }
  bool next() {
    h_.resume();
    return !h_.done();
  }
  long value() const { return h_.promise().value; }

private:
  std::coroutine_handle<promise_type> h_;
};

inline Counter count_to(long n) {
  for (long i = 0; i < n; ++i)
    co_yield i;
}

// Sums a generator of n elements from plain code.
[[gnu::noinline]] inline long sum_generator(long n) {
  long s = 0;
  Counter c = count_to(n);
  while (c.next())
    s += c.value();
  return s;
}

// A lazy task: starts when resumed, keeps its frame until destroyed.
class Task {
public:
  struct promise_type {
    // Counted down once the task is suspended at its end, so that whoever
    // waits for zero may destroy it.
    std::atomic<long> *left = nullptr;
    Task get_return_object() {
      return Task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Final {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        if (std::atomic<long> *left = h.promise().left)
          if (left->fetch_sub(1, std::memory_order_acq_rel) == 1)
            left->notify_one();
      }
      void await_resume() noexcept {}
    };
    Final final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() { std::terminate(); }
  };
  explicit Task(std::coroutine_handle<promise_type> h) : h_(h) {}
  Task(Task &&o) noexcept : h_(std::exchange(o.h_, {})) {}
  ~Task() {
    if (h_)
      h_.destroy();
  }
  std::coroutine_handle<promise_type> handle() const { return h_; }

private:
  std::coroutine_handle<promise_type> h_;
};

// The generator iterated inside a task (created from plain code, so a
// root), `rounds` times `n` elements.
inline Task sum_generator_task(long rounds, long n) {
  for (long r = 0; r < rounds; ++r)
    g_sink += sum_generator(n);
  co_return;
}

// A task resumed from plain code `n` times (each resume a task switch in
// and out: the scheduler's pattern).
inline Task suspend_forever() {
  for (;;) {
    ++g_sink;
    co_await std::suspend_always{};
  }
}

// A task that does one step and completes.
inline Task one_step(long i) {
  g_sink += i;
  co_return;
}

// Created, run to completion and destroyed from plain code.
[[gnu::noinline]] inline void create_run_destroy(long i) {
  Task t = one_step(i);
  t.handle().resume();
}

// A stand-in for libcoro's coro::thread_pool: worker threads resume the
// handles that schedule() queues, under a mutex and a condition variable.
class Pool {
public:
  explicit Pool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i)
      workers_.emplace_back([this] { work(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread &t : workers_)
      t.join();
  }
  struct Schedule {
    Pool &pool;
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { pool.push(h); }
    void await_resume() noexcept {}
  };
  Schedule schedule() { return Schedule{*this}; }

private:
  void push(std::coroutine_handle<> h) {
    {
      std::lock_guard<std::mutex> lock(m_);
      queue_.push_back(h);
    }
    cv_.notify_one();
  }
  void work() {
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      std::coroutine_handle<> h = queue_.front();
      queue_.pop_front();
      lock.unlock();
      h.resume();
      lock.lock();
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::coroutine_handle<>> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

inline Task pool_task(Pool &pool) {
  co_await pool.schedule(); // then completes on a worker
}

// n tasks created from plain code, each scheduled onto the pool, joined.
inline void fork_join(Pool &pool, long n) {
  std::vector<Task> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  std::atomic<long> left{n};
  for (long i = 0; i < n; ++i) {
    tasks.push_back(pool_task(pool));
    tasks.back().handle().promise().left = &left;
    tasks.back().handle().resume(); // runs to co_await schedule()
  }
  // Blocks (no spinning: callgrind counts stay the work's own).
  for (long v; (v = left.load(std::memory_order_acquire)) != 0;)
    left.wait(v, std::memory_order_acquire);
} // the tasks' frames are destroyed here

} // namespace bench

#endif // MEMSCOPE_BENCH_TASK_PATTERNS_HPP
