// Task names end to end: spawn_tracked's name argument and set_task_name()
// inside a co_spawn'ed task name real Asio tasks; the names reach the JSON
// report, memscope-report's tables and HTML page, and the trace.
//
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: rm -f %t.json %t.trace.json %t.html
// RUN: env MEMSCOPE_OUTPUT=%t.json MEMSCOPE_TRACE=%t.trace.json %t | FileCheck %s
// RUN: %python %S/task_names.py %t.json %t.trace.json
// RUN: %memscope_report --top 10 %t.json | FileCheck %s --check-prefix=TEXT
// RUN: %memscope_report --html %t.html %t.json
// RUN: grep -c 'session 3' %t.html
// CHECK: 4 sessions, worker 42
// TEXT: worker() "worker for \x1b[3
// TEXT: session(int) "session 3"
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;

inline void keep(const void *p) { asm volatile("" : : "r"(p) : "memory"); }

asio::awaitable<int> session(int n) {
  std::vector<char> buffer(10000 * (n + 1), 's');
  keep(buffer.data());
  co_await asio::post(asio::use_awaitable);
  co_return n;
}

asio::awaitable<int> worker() {
  // Named from inside, once it knows what it works for.
  memscope::set_task_name("worker for \x1b[31mclient\x1b[0m 7");
  std::vector<char> buffer(50000, 'w');
  keep(buffer.data());
  co_await asio::post(asio::use_awaitable);
  co_return 42;
}

asio::awaitable<void> run() {
  auto ex = co_await asio::this_coro::executor;
  int done = 0;
  for (int i = 0; i < 4; ++i)
    done += co_await memscope::spawn_tracked(
                ex, session(i), "session " + std::to_string(i)) >= 0;
  auto w = memscope::spawn_tracked(ex, worker());
  std::printf("%d sessions, worker %d\n", done, co_await w.join());
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(), asio::detached);
  io.run();
}
