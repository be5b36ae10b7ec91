// The server under load for the throughput/latency benchmark: an ordinary
// Boost.Asio line-echo service (one coroutine task per connection, a few
// allocations per request, as a real handler makes). Built plain and with
// the memscope plugin from this same file.
//
//   echo_bench_server CONNECTIONS   prints "port N" and serves exactly
//                                    CONNECTIONS connections, then exits.
#include <boost/asio.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

awaitable<void> session(tcp::socket socket) {
  std::string in;
  std::string out;
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(in), '\n',
        asio::redirect_error(use_awaitable, ec));
    if (ec)
      break;
    // The handler's work: a response built from the request.
    out.assign("echo ");
    out.append(in, 0, n);
    in.erase(0, n);
    co_await asio::async_write(socket, asio::buffer(out),
                               asio::redirect_error(use_awaitable, ec));
    if (ec)
      break;
  }
}

awaitable<void> listener(tcp::acceptor &acceptor, int connections) {
  for (int i = 0; i < connections; ++i) {
    tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket)),
                   asio::detached);
  }
}

} // namespace

int main(int argc, char **argv) {
  const int connections = argc > 1 ? std::atoi(argv[1]) : 1;
  asio::io_context io(1);
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::printf("port %u\n", unsigned{acceptor.local_endpoint().port()});
  std::fflush(stdout);
  asio::co_spawn(io, listener(acceptor, connections), asio::detached);
  io.run();
  return 0;
}
