// A service that spawns tasks for ever: 20 waves of 1,000 short tasks with
// MEMSCOPE_MAX_TASKS=100. The runtime recycles the records of old completed
// tasks while the program runs (docs/performance.md), so its task table
// stays far smaller than the number of tasks, and every byte of every task
// is still in the report: listed, or folded per root function.
//
// The Chrome trace still names the tasks whose records were recycled.
//
// RUN: %memscope_cxx -O2 %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json MEMSCOPE_TRACE=%t.trace.json MEMSCOPE_MAX_TASKS=100 %t | FileCheck %s
// RUN: %python %S/recycling.py %t.json %t.trace.json
// CHECK: 20000 tasks finished
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>

namespace asio = boost::asio;

int finished = 0;
// The block escapes, so the optimizer keeps the new/delete pair (it removes
// a pair whose pointer does not escape, instrumented or not).
char *volatile g_escape;

asio::awaitable<void> worker(int i) {
  char *p = new char[64 + i % 7];
  p[0] = 1;
  g_escape = p;
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  delete[] p;
  ++finished;
}

asio::awaitable<void> spawner() {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer pause(ex);
  for (int wave = 0; wave < 20; ++wave) {
    for (int i = 0; i < 1000; ++i)
      asio::co_spawn(ex, worker(wave * 1000 + i), asio::detached);
    // Between waves the program idles a little, as a service does.
    pause.expires_after(std::chrono::milliseconds(20));
    co_await pause.async_wait(asio::use_awaitable);
  }
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, spawner(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  });
  io.run();
  std::printf("%d tasks finished\n", finished);
}
