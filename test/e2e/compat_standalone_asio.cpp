// Standalone Asio (libasio-dev, namespace ::asio) with the task-centric API:
// asio::co_spawn sessions are tasks, spawn_tracked / create_tracked work
// with MEMSCOPE_STANDALONE_ASIO, and the ready results are awaited through
// use_awaitable (Asio 1.22's awaitable takes no async operations directly).
//
// RUN: %memscope_cxx -O2 -DMEMSCOPE_STANDALONE_ASIO %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t | FileCheck %s
// RUN: %python %S/compat_standalone_asio.py %t.json
// CHECK: echoed 4 x 16 lines
// CHECK: joined: 1048576
// CHECK: monitor: 9 network, 1 cpu
#include <memscope/async_memory.hpp>

#include <asio.hpp>

#include <cstdio>
#include <string>
#include <vector>

using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

inline void keep(const void *p) { asm volatile("" : : "r"(p) : "memory"); }

awaitable<void> session(tcp::socket socket) {
  std::vector<std::string> history;
  std::string line;
  for (;;) {
    asio::error_code ec;
    std::size_t n = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(line), '\n',
        asio::redirect_error(use_awaitable, ec));
    if (ec)
      break;
    history.push_back(line.substr(0, n));
    co_await asio::async_write(socket, asio::buffer(history.back()),
                               use_awaitable);
    line.erase(0, n);
  }
}

awaitable<void> listener(tcp::acceptor &acceptor, int sessions) {
  for (int i = 0; i < sessions; ++i) {
    tcp::socket s = co_await acceptor.async_accept(use_awaitable);
    asio::co_spawn(acceptor.get_executor(), session(std::move(s)),
                   asio::detached);
  }
}

awaitable<int> client(tcp::endpoint ep) {
  tcp::socket s(co_await asio::this_coro::executor);
  co_await s.async_connect(ep, use_awaitable);
  int lines = 0;
  std::string in;
  for (int i = 0; i < 16; ++i) {
    std::string msg = "line " + std::to_string(i) + std::string(24, '.') + "\n";
    co_await asio::async_write(s, asio::buffer(msg), use_awaitable);
    std::size_t n = co_await asio::async_read_until(
        s, asio::dynamic_buffer(in), '\n', use_awaitable);
    in.erase(0, n);
    ++lines;
  }
  co_return lines;
}

awaitable<std::size_t> crunch() {
  std::vector<char> block(1 << 20, 1);
  keep(block.data());
  std::size_t sum = 0;
  for (char c : block)
    sum += static_cast<std::size_t>(c);
  co_return sum;
}

awaitable<void> run(tcp::endpoint ep) {
  co_await memscope::initialize()(use_awaitable);
  memscope::AsyncResourceMonitor monitor;
  co_await monitor.start_monitoring()(use_awaitable);
  auto ex = co_await asio::this_coro::executor;
  std::vector<memscope::tracked_task<int>> clients;
  for (int i = 0; i < 4; ++i)
    clients.push_back(memscope::spawn_tracked(ex, client(ep)));
  int lines = 0;
  for (auto &c : clients)
    lines += co_await c.join();
  std::printf("echoed 4 x %d lines\n", lines / 4);
  auto t = memscope::spawn_tracked(
      ex, memscope::create_tracked(crunch(), memscope::TaskType::CpuIntensive));
  std::printf("joined: %zu\n", co_await t.async_wait(use_awaitable));
  memscope::ResourceAnalysis a =
      co_await monitor.stop_monitoring()(use_awaitable);
  std::printf("monitor: %zu network, %zu cpu\n", a.network_task_count,
              a.cpu_task_count);
}

int main() {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::co_spawn(io, listener(acceptor, 4), asio::detached);
  asio::co_spawn(io, run(acceptor.local_endpoint()), asio::detached);
  io.run();
}
