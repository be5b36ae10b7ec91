// Issue 12's coroutine workloads, timed (task_patterns.hpp), plus 300k tiny
// co_spawned tasks on one io_context. Built plain and with the plugin;
// run_bench.py prints the ratios.
#include "task_patterns.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio.hpp>

namespace asio = boost::asio;

namespace {

// Per element.
void generator_plain_code(benchmark::State &state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(bench::sum_generator(1000));
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(generator_plain_code);

// Per element: the same generator iterated inside one task, which runs the
// whole timed loop. The row measures what the generator costs in a task;
// what a task's creation and completion cost is the next row's and
// task_create_complete's.
bench::Task generator_loop_task(benchmark::State &state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(bench::sum_generator(1000));
  co_return;
}
void generator_in_task(benchmark::State &state) {
  bench::Task t = generator_loop_task(state);
  t.handle().resume();
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(generator_in_task);

// Per element, with a new task for every 1,000 elements: the generator's
// cost plus one task creation and completion per 1,000 elements.
void generator_in_new_tasks(benchmark::State &state) {
  for (auto _ : state) {
    bench::Task t = bench::sum_generator_task(1, 1000);
    t.handle().resume();
  }
  benchmark::DoNotOptimize(bench::g_sink);
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(generator_in_new_tasks);

// Per resume: a task resumed from plain code and suspended again.
void task_resume_from_plain(benchmark::State &state) {
  bench::Task t = bench::suspend_forever();
  for (auto _ : state)
    t.handle().resume();
}
BENCHMARK(task_resume_from_plain);

// Per task: created, run and destroyed from plain code.
void task_create_complete(benchmark::State &state) {
  long i = 0;
  for (auto _ : state)
    bench::create_run_destroy(++i);
}
BENCHMARK(task_create_complete);

asio::awaitable<void> tiny() {
  ++bench::g_sink;
  co_return;
}

// 300,000 tiny tasks co_spawned onto one io_context, then run.
void tiny_tasks_300k(benchmark::State &state) {
  for (auto _ : state) {
    asio::io_context io;
    for (int i = 0; i < 300000; ++i)
      asio::co_spawn(io, tiny(), asio::detached);
    io.run();
  }
}
BENCHMARK(tiny_tasks_300k)->Unit(benchmark::kMillisecond);

// 100,000 tasks forked onto a 2-thread pool and joined (libcoro's pattern).
void fork_join_100k(benchmark::State &state) {
  bench::Pool pool(2);
  for (auto _ : state)
    bench::fork_join(pool, 100000);
}
BENCHMARK(fork_join_100k)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
