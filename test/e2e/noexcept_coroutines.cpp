// noexcept coroutines are coroutines like any other (docs/design.md §3): their
// memory is their task's at every -O level, with and without exceptions.
// The attributes compile to running code too.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/noexcept_coroutines.py %t.O0.json
// RUN: %memscope_cxx -O1 %s -o %t.O1 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O1.json %t.O1 | FileCheck %s
// RUN: %python %S/noexcept_coroutines.py %t.O1.json
// RUN: %memscope_cxx -O3 %s -o %t.O3 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O3.json %t.O3 | FileCheck %s
// RUN: %python %S/noexcept_coroutines.py %t.O3.json
// RUN: %memscope_cxx -O2 -fno-exceptions -DNO_EXC %s -o %t.nx %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.nx.json %t.nx | FileCheck %s
// RUN: %python %S/noexcept_coroutines.py %t.nx.json
// CHECK: worker saw 97, cruncher 4950, rooted 1
#include <boost/asio.hpp>
#include <cstdio>
#include <vector>

namespace asio = boost::asio;

#ifdef NO_EXC
// Boost without exceptions asks the program what to do instead of throwing.
#include <cstdlib>
namespace boost {
void throw_exception(const std::exception &) { std::abort(); }
void throw_exception(const std::exception &, const source_location &) {
  std::abort();
}
} // namespace boost
#endif

std::vector<char> *kept, *kept_by_root; // escape: not elided at -O1 and up

asio::awaitable<void> child() noexcept {
  kept = new std::vector<char>(5000);
  co_return;
}

asio::awaitable<int> worker() noexcept {
  std::vector<char> v(70000, 'a');
  co_await child();
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  co_return v[5];
}

[[memscope::task_type("cpu")]] asio::awaitable<int> cruncher() noexcept {
  std::vector<int> n(100);
  int sum = 0;
  for (int i = 0; i < 100; ++i)
    n[i] = i;
  for (int x : n)
    sum += x;
  co_return sum;
}

[[memscope::task_root]] asio::awaitable<int> rooted() {
  kept_by_root = new std::vector<char>(12345);
  co_return static_cast<int>(kept_by_root->size() > 0);
}

asio::awaitable<void> main_task() {
  int w = co_await worker();
  int c = co_await cruncher();
  int r = co_await rooted();
  std::printf("worker saw %d, cruncher %d, rooted %d\n", w, c, r);
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, main_task(), asio::detached);
  io.run();
  delete kept;
  delete kept_by_root;
}
