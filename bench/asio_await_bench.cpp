// A child co_await under Boost.Asio: the cost a coroutine-heavy service pays
// per awaited child coroutine. Built plain and with the plugin
// (bench/CMakeLists.txt); run_bench.py prints the ratio. With each
// operation run in the task that started it, Asio's awaitable pump resumes
// the child and its parent inside their task, so the hooks take their
// same-task path (docs/performance.md).
#include <benchmark/benchmark.h>
#include <boost/asio.hpp>

namespace asio = boost::asio;

namespace {

int sink = 0;

asio::awaitable<int> child(int i) { co_return i + sink; }

void asio_child_co_await(benchmark::State &state) {
  asio::io_context io;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        int i = 0;
        for (auto _ : state)
          benchmark::DoNotOptimize(co_await child(++i));
      },
      asio::detached);
  io.run();
}
BENCHMARK(asio_child_co_await);

// A plain handler posted from a task and run by the io_context: the path of
// every callback-style operation.
void asio_post_handler(benchmark::State &state) {
  asio::io_context io;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (auto _ : state) {
          asio::post(io, [] { ++sink; });
          io.poll_one();
        }
        co_return;
      },
      asio::detached);
  io.run();
}
BENCHMARK(asio_post_handler);

} // namespace

BENCHMARK_MAIN();
