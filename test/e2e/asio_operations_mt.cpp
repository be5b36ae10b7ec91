// Each allocation made by an asynchronous operation is charged to the task
// that started it, on a 4-thread io_context with strands
// (docs/design.md §3 "Asynchronous operations"):
//  - async_read_until into a dynamic_buffer: the buffer grows in the
//    composed operation's intermediate steps, after the session suspended;
//  - a resolver: the results are built when the operation completes;
//  - callback style: a lambda posted from inside a task, and a timer
//    handler started there, allocate in that task.
//
// RUN: %memscope_cxx -O2 %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t | FileCheck %s
// RUN: %python %S/asio_operations_mt.py %t.json
// CHECK: 4 lines of 200000 bytes; resolved 1; callbacks 2
#include <boost/asio.hpp>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::size_t kLine = 200000;
std::atomic<int> lines{0}, resolved{0}, callbacks{0};
std::vector<std::vector<char> *> kept; // escapes: never elided

asio::awaitable<void> line_session(tcp::socket socket) {
  std::string data;
  std::size_t n = co_await asio::async_read_until(
      socket, asio::dynamic_buffer(data), '\n', asio::use_awaitable);
  lines += n == kLine + 1;
}

asio::awaitable<void> listener(tcp::acceptor &acceptor) {
  for (int i = 0; i < 4; ++i) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(asio::make_strand(acceptor.get_executor()),
                   line_session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> sender(tcp::endpoint to) {
  tcp::socket s(co_await asio::this_coro::executor);
  co_await s.async_connect(to, asio::use_awaitable);
  std::string line(kLine, 'l');
  line += '\n';
  co_await asio::async_write(s, asio::buffer(line), asio::use_awaitable);
}

asio::awaitable<void> resolver_task() {
  tcp::resolver r(co_await asio::this_coro::executor);
  auto results = co_await r.async_resolve("127.0.0.1", "8080",
                                          asio::use_awaitable);
  resolved += !results.empty();
}

asio::awaitable<void> callback_task(asio::strand<asio::io_context::executor_type> strand) {
  std::atomic<int> pending{2};
  asio::post(strand, [&] {
    kept.push_back(new std::vector<char>(30000));
    ++callbacks;
    --pending;
  });
  auto timer = std::make_shared<asio::steady_timer>(strand);
  timer->expires_after(std::chrono::milliseconds(1));
  timer->async_wait([&, timer](boost::system::error_code) {
    asio::post(strand, [&] { // started inside the timer's handler
      kept.push_back(new std::vector<char>(50000));
      ++callbacks;
      --pending;
    });
  });
  asio::steady_timer wait(strand);
  while (pending > 0) {
    wait.expires_after(std::chrono::milliseconds(1));
    co_await wait.async_wait(asio::use_awaitable);
  }
}

int main() {
  asio::io_context io(4);
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::co_spawn(io, listener(acceptor), asio::detached);
  for (int i = 0; i < 4; ++i)
    asio::co_spawn(io, sender(acceptor.local_endpoint()), asio::detached);
  asio::co_spawn(io, resolver_task(), asio::detached);
  auto strand = asio::make_strand(io);
  asio::co_spawn(strand, callback_task(strand), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { io.run_for(std::chrono::seconds(20)); });
  for (auto &t : threads)
    t.join();
  std::printf("%d lines of %zu bytes; resolved %d; callbacks %d\n",
              lines.load(), kLine, resolved.load(), callbacks.load());
  for (auto *v : kept)
    delete v;
}
