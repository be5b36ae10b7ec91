// Beast HTTP and WebSocket streams are network I/O.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<void> handle(beast::tcp_stream stream) { //@h
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  co_await http::async_read(stream, buffer, req, asio::use_awaitable); //@r
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, handle(beast::tcp_stream(io)), asio::detached);
}
// CHECK: beast-http.cpp:10:23: remark: memscope: 'handle' is a task root (spawned at {{.*}}); type NetworkIntensive: calls boost::beast::http::async_read at {{.*}}beast-http.cpp:13:12
