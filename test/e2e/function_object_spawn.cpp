// co_spawn's function-object form: each lambda given to co_spawn is a task
// of its own, named after the lambda, typed from its body; the spawning
// coroutine is charged for none of it.
//
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t | FileCheck %s
// RUN: %python %S/function_object_spawn.py %t.json
// CHECK: 4 workers done
#include <boost/asio.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;

static int done = 0;

asio::awaitable<void> dispatcher() {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < 4; ++i) {
    asio::co_spawn(
        ex,
        [i]() -> asio::awaitable<void> {
          std::vector<std::string> lines(64 * (i + 1), std::string(200, 'x'));
          asio::steady_timer t(co_await asio::this_coro::executor);
          for (int tick = 0; tick < 2; ++tick) {
            t.expires_after(std::chrono::milliseconds(1));
            co_await t.async_wait(asio::use_awaitable);
          }
          done += !lines.empty();
        },
        asio::detached);
  }
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, dispatcher(), asio::detached);
  io.run();
  std::printf("%d workers done\n", done);
}
