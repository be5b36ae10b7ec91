// What a spawn expression evaluates belongs to the task it starts
// (docs/design.md §3 "Spawns"):
//  - `co_spawn(ex, session(std::make_unique<Conn>(n)), detached)`: each
//    session is charged its Conn, the listener is not;
//  - Asio chat_server style: `co_spawn(ex, [self] { return self->reader(); },
//    detached)` spawns a lambda that is not a coroutine but returns one;
//    each call starts a task named after the coroutine it returns.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/spawn_arguments.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/spawn_arguments.py %t.O2.json
// CHECK: 5 sessions read 5 connections; 3 readers, 3 writers
#include <boost/asio.hpp>
#include <cstdio>
#include <memory>
#include <vector>

namespace asio = boost::asio;

struct Conn {
  explicit Conn(int n) : id(n), buffer(40000, static_cast<char>(n)) {}
  int id;
  std::vector<char> buffer;
};

static int sessions_read = 0, readers = 0, writers = 0;

asio::awaitable<void> session(std::unique_ptr<Conn> conn) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(std::chrono::milliseconds(2));
  co_await t.async_wait(asio::use_awaitable);
  sessions_read += conn->buffer[0] == static_cast<char>(conn->id);
}

asio::awaitable<void> listener() {
  auto ex = co_await asio::this_coro::executor;
  for (int n = 0; n < 5; ++n)
    asio::co_spawn(ex, session(std::make_unique<Conn>(n)), asio::detached);
}

// A chat_server participant: its reader and writer are spawned through
// lambdas that return the member coroutines.
struct Participant : std::enable_shared_from_this<Participant> {
  std::vector<char> inbox = std::vector<char>(1000);
  asio::awaitable<void> reader() {
    std::vector<char> line(20000, 'r');
    co_await asio::post(co_await asio::this_coro::executor,
                        asio::use_awaitable);
    readers += line[0] == 'r';
  }
  asio::awaitable<void> writer() {
    std::vector<char> out(30000, 'w');
    co_await asio::post(co_await asio::this_coro::executor,
                        asio::use_awaitable);
    writers += out[0] == 'w';
  }
  void start(asio::any_io_executor ex) {
    asio::co_spawn(
        ex, [self = shared_from_this()] { return self->reader(); },
        asio::detached);
    asio::co_spawn(
        ex, [self = shared_from_this()] { return self->writer(); },
        asio::detached);
  }
};

asio::awaitable<void> chat_listener() {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < 3; ++i)
    std::make_shared<Participant>()->start(ex);
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, listener(), asio::detached);
  asio::co_spawn(io, chat_listener(), asio::detached);
  io.run();
  std::printf("%d sessions read 5 connections; %d readers, %d writers\n",
              sessions_read, readers, writers);
}
