// MEMSCOPE_TRACE on a run with more task switches than a thread's ring
// holds: the trace keeps the newest events (its run slices reach the end of
// the run), says once on stderr how many it dropped, and shows each task's
// lifetime as a span around its run slices.
//
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: rm -f %t.trace.json %t.json
// RUN: env MEMSCOPE_TRACE=%t.trace.json MEMSCOPE_OUTPUT=%t.json %t 2> %t.err
// RUN: %python %S/trace_ring.py %t.trace.json %t.json %t.err
#include <boost/asio.hpp>

#include <cstdio>
#include <vector>

namespace asio = boost::asio;

inline void keep(const void *p) { asm volatile("" : : "r"(p) : "memory"); }

// Each hop through post() is a suspend and a resume: two trace events.
asio::awaitable<void> hopper(int hops) {
  std::vector<char> block(4096, 'h');
  keep(block.data());
  for (int i = 0; i < hops; ++i)
    co_await asio::post(asio::use_awaitable);
}

// The last task starts once the others are done: the end of the run.
asio::awaitable<void> last() {
  std::vector<char> block(8192, 'l');
  keep(block.data());
  co_await asio::post(asio::use_awaitable);
}

int main() {
  asio::io_context io;
  for (int t = 0; t < 8; ++t)
    asio::co_spawn(io, hopper(10000), asio::detached);
  io.run();
  io.restart();
  asio::co_spawn(io, last(), asio::detached);
  io.run();
  std::printf("done\n");
}
