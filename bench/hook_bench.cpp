// The cost of the coroutine-context hooks.
//
// hook_pair/*: one __memscope_resume + __memscope_suspend pair, called the way
// the IR pass calls them on a resume edge and the following suspend. Only in
// the runtime build (absolute nanoseconds; the target is <= 3 ns).
//   same_task:   a child frame of the task already current (the common case:
//                an awaited child, or a task resuming its own frames)
//   task_switch: the scheduler (no task) resumes a task's frame and gets
//                control back, so busy time and the running state change.
// coro_resume: a real coroutine resumed and suspended in a loop, built plain
// and with the plugin (the runner reports the ratio).
#include <benchmark/benchmark.h>

#include <coroutine>
#include <cstdint>
#include <exception>

#if defined(MEMSCOPE_BENCH_RUNTIME) && !defined(MEMSCOPE_BENCH_PLUGIN)
#include "memscope/abi.h"
#define MEMSCOPE_BENCH_RAW_HOOKS 1
#endif

namespace {

// A minimal resumable coroutine: each resume runs one loop iteration.
struct Ticker {
  struct promise_type {
    std::uint64_t value = 0;
    Ticker get_return_object() {
      return Ticker{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(std::uint64_t v) noexcept {
      value = v;
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() { std::terminate(); }
  };
  std::coroutine_handle<promise_type> h;
  explicit Ticker(std::coroutine_handle<promise_type> handle) : h(handle) {}
  Ticker(Ticker &&other) noexcept : h(other.h) { other.h = {}; }
  ~Ticker() {
    if (h)
      h.destroy();
  }
};

Ticker count_up() {
  for (std::uint64_t i = 0;; ++i)
    co_yield i;
}

void coro_resume(benchmark::State &state) {
  Ticker t = count_up();
  for (auto _ : state) {
    t.h.resume();
    benchmark::DoNotOptimize(t.h.promise().value);
  }
}
BENCHMARK(coro_resume);

// Creating and destroying a coroutine (frame allocation, a task per frame
// when no task is current: the worst case, every frame is a task root).
void coro_create_destroy(benchmark::State &state) {
  for (auto _ : state) {
    Ticker t = count_up();
    t.h.resume();
    benchmark::DoNotOptimize(t.h.promise().value);
  }
}
BENCHMARK(coro_create_destroy);

#if defined(MEMSCOPE_BENCH_RAW_HOOKS)
alignas(64) char g_frame[64];

// A task with one frame, and its binding, as frame_begin hands it out.
std::uint64_t make_task_binding() {
  const std::uint64_t saved = __memscope_ramp_enter(nullptr);
  const std::uint64_t binding = __memscope_frame_begin(g_frame, 64 | MEMSCOPE_FRAME_NOT_ON_HEAP);
  __memscope_suspend(saved);
  return binding;
}

void hook_pair_same_task(benchmark::State &state) {
  const std::uint64_t binding = make_task_binding();
  const std::uint64_t outer = __memscope_resume(binding);
  for (auto _ : state) {
    const std::uint64_t saved = __memscope_resume(binding);
    benchmark::DoNotOptimize(saved);
    __memscope_suspend(saved);
  }
  __memscope_suspend(outer);
}
BENCHMARK(hook_pair_same_task);

void hook_pair_task_switch(benchmark::State &state) {
  const std::uint64_t binding = make_task_binding();
  for (auto _ : state) {
    const std::uint64_t saved = __memscope_resume(binding);
    benchmark::DoNotOptimize(saved);
    __memscope_suspend(saved);
  }
}
BENCHMARK(hook_pair_task_switch);
#endif

// The floor: two calls to empty out-of-line functions with the same
// signatures (what any pair of hook calls costs before doing anything).
[[gnu::noinline]] std::uint64_t empty_resume(std::uint64_t v) {
  asm volatile("" : "+r"(v));
  return v;
}
[[gnu::noinline]] void empty_suspend(std::uint64_t v) {
  asm volatile("" : : "r"(v));
}
void call_pair_floor(benchmark::State &state) {
  std::uint64_t binding = 7;
  for (auto _ : state) {
    const std::uint64_t saved = empty_resume(binding);
    benchmark::DoNotOptimize(saved);
    empty_suspend(saved);
  }
}
BENCHMARK(call_pair_floor);

} // namespace

BENCHMARK_MAIN();
