// The memscope demo: an ordinary Boost.Asio service with no memscope code in
// it. A listener accepts connections and spawns one session per client;
// clients send lines and read them back; a checksum worker crunches numbers;
// a background flusher ticks on a timer. Built with the memscope plugin, its
// report shows one task per session (NetworkIntensive), the listener holding
// none of their memory, the CPU worker's 1 MiB and the background task.
#include <boost/asio.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::awaitable;
using asio::co_spawn;
using asio::detached;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr int kClients = 8;
constexpr int kMessagesPerClient = 50;

struct Stats {
  int sessions = 0;
  std::size_t bytes_echoed = 0;
  std::uint64_t checksum = 0;
  int ticks = 0;
};

awaitable<void> session(tcp::socket socket, Stats &stats) {
  // Per-connection state: a history of everything the client said.
  std::vector<std::string> history;
  std::string line;
  for (;;) {
    boost::system::error_code ec;
    std::size_t n = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(line), '\n',
        asio::redirect_error(use_awaitable, ec));
    if (ec)
      break;
    history.push_back(line.substr(0, n));
    co_await asio::async_write(socket, asio::buffer(history.back()),
                               use_awaitable);
    stats.bytes_echoed += n;
    line.erase(0, n);
  }
  ++stats.sessions;
}

awaitable<void> listener(tcp::acceptor &acceptor, Stats &stats) {
  for (int i = 0; i < kClients; ++i) {
    tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
    co_spawn(acceptor.get_executor(), session(std::move(socket), stats),
             detached);
  }
}

awaitable<void> client(tcp::endpoint server, int id) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(server, use_awaitable);
  std::string reply;
  for (int i = 0; i < kMessagesPerClient; ++i) {
    std::string message = "client " + std::to_string(id) + " message " +
                          std::to_string(i) + " " +
                          std::string(100 + 10 * id, 'x') + "\n";
    co_await asio::async_write(socket, asio::buffer(message), use_awaitable);
    std::size_t n = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(reply), '\n', use_awaitable);
    reply.erase(0, n);
  }
  socket.shutdown(tcp::socket::shutdown_send);
}

awaitable<void> checksum_worker(Stats &stats) {
  // 1 MiB of numbers, summed in rounds: pure computation, no I/O.
  std::vector<std::uint64_t> data(1 << 17);
  std::iota(data.begin(), data.end(), 1);
  std::uint64_t sum = 0;
  for (int round = 0; round < 16; ++round)
    for (std::uint64_t &x : data) {
      x = x * 2654435761u + static_cast<std::uint64_t>(round);
      sum ^= x;
    }
  stats.checksum = sum;
  co_return;
}

awaitable<void> log_flusher(Stats &stats) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < 5; ++i) {
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(use_awaitable);
    ++stats.ticks;
  }
}

} // namespace

int main() {
  asio::io_context io;
  Stats stats;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::endpoint server = acceptor.local_endpoint();

  co_spawn(io, listener(acceptor, stats), detached);
  for (int id = 0; id < kClients; ++id)
    co_spawn(io, client(server, id), detached);
  co_spawn(io, checksum_worker(stats), detached);
  co_spawn(io, log_flusher(stats), detached);
  io.run();

  std::printf("served %d sessions, echoed %zu bytes, %d ticks, checksum %016llx\n",
              stats.sessions, stats.bytes_echoed, stats.ticks,
              static_cast<unsigned long long>(stats.checksum));
  return stats.sessions == kClients ? 0 : 1;
}
