// A 4-thread io_context running 1,000 tasks: exact totals per task and in all.
//
// RUN: %memscope_cxx -O2 %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t | FileCheck %s
// RUN: %python %S/thread_pool_1000.py %t.json
// CHECK: 1000 tasks finished
#include <boost/asio.hpp>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

namespace asio = boost::asio;

std::atomic<int> finished{0};
// The block escapes (atomic: every pool thread stores it), so the optimizer
// keeps the new/delete pair, which it removes when the pointer does not.
std::atomic<char *> g_escape;

asio::awaitable<void> worker(int i) {
  // Task i allocates exactly 1000 + i bytes with one `new` and frees it
  // after a hop through the pool, so it may resume on another thread.
  char *p = new char[1000 + i];
  p[0] = 1;
  g_escape.store(p, std::memory_order_relaxed);
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  delete[] p;
  finished.fetch_add(1);
}

int main() {
  asio::thread_pool pool(4);
  for (int i = 0; i < 1000; ++i)
    asio::co_spawn(pool, worker(i), asio::detached);
  pool.join();
  std::printf("%d tasks finished\n", finished.load());
}
