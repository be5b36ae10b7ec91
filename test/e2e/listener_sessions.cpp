// A listener that spawns N sessions: N session tasks, each charged for its own
// buffer; the listener is charged for none of it.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/listener_sessions.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/listener_sessions.py %t.O2.json
// CHECK: 6 sessions done
#include <boost/asio.hpp>
#include <cstdio>
#include <vector>

namespace asio = boost::asio;

static int done = 0;

asio::awaitable<void> session(int id) {
  std::vector<char> buffer(100 * 1024, static_cast<char>(id));
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(std::chrono::milliseconds(1));
  co_await t.async_wait(asio::use_awaitable);
  done += buffer[0] == static_cast<char>(id);
}

asio::awaitable<void> listener() {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < 6; ++i)
    asio::co_spawn(ex, session(i), asio::detached);
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, listener(), asio::detached);
  io.run();
  std::printf("%d sessions done\n", done);
}
