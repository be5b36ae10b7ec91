// A listener spawning one session per connection (awaitable form of
// co_spawn inside a coroutine): both are task roots, both NetworkIntensive.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio.hpp>
namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;

awaitable<void> session(tcp::socket socket) { //@sess
  char data[1024];
  for (;;) {
    std::size_t n = co_await socket.async_read_some(asio::buffer(data), //@read
                                                    asio::use_awaitable);
    co_await asio::async_write(socket, asio::buffer(data, n),
                               asio::use_awaitable);
  }
}

awaitable<void> listener() { //@lis
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acceptor(ex, {tcp::v4(), 55555}); //@acc
  for (;;) {
    tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(ex, session(std::move(s)), asio::detached); //@spawn1
  }
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, listener(), asio::detached); //@spawn2
  io.run();
}

// CHECK: network-listener-session.cpp:9:17: remark: memscope: 'session' is a task root (spawned at {{.*}}network-listener-session.cpp:24:5); type NetworkIntensive: calls boost::asio::basic_stream_socket::async_read_some at {{.*}}network-listener-session.cpp:12:37
// CHECK: network-listener-session.cpp:19:17: remark: memscope: 'listener' is a task root (spawned at {{.*}}network-listener-session.cpp:30:3); type NetworkIntensive: constructs boost::asio::basic_socket_acceptor at {{.*}}network-listener-session.cpp:21:17
// CHECK-NOT: remark: memscope:
