// A Beast HTTP server whose sessions read a 300 KB request body with
// http::async_read, a composed operation whose steps run in completion
// handlers after the session has suspended. The body is the session's
// memory: each session's peak is at least the body, the listener is charged
// for none of it, and hardly anything runs outside any task.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/beast_http_body.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/beast_http_body.py %t.O2.json
// CHECK: 4 requests answered, 4 bodies of 300000 bytes
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cstdio>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kBody = 300000;
constexpr int kClients = 4;
static int answered = 0, full_bodies = 0;

asio::awaitable<void> session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  co_await http::async_read(stream, buffer, req, asio::use_awaitable);
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.body() = std::to_string(req.body().size());
  res.prepare_payload();
  co_await http::async_write(stream, res, asio::use_awaitable);
  stream.socket().shutdown(tcp::socket::shutdown_send);
}

asio::awaitable<void> listener(tcp::acceptor &acceptor) {
  for (int i = 0; i < kClients; ++i) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket)),
                   asio::detached);
  }
}

asio::awaitable<void> client(tcp::endpoint to) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await stream.async_connect(to, asio::use_awaitable);
  http::request<http::string_body> req{http::verb::post, "/upload", 11};
  req.body().assign(kBody, 'x');
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  ++answered;
  full_bodies += res.body() == std::to_string(kBody);
}

int main() {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::co_spawn(io, listener(acceptor), asio::detached);
  for (int i = 0; i < kClients; ++i)
    asio::co_spawn(io, client(acceptor.local_endpoint()), asio::detached);
  io.run_for(std::chrono::seconds(20));
  std::printf("%d requests answered, %d bodies of %zu bytes\n", answered,
              full_bodies, kBody);
}
