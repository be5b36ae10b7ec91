// Bounded closed-loop load generator for echo_bench_server (never
// instrumented). CONNECTIONS connections each send REQUESTS newline-terminated
// messages of SIZE bytes, one at a time, and wait for each reply; the latency
// of every request after the warm-up is recorded. Stops by itself: after the
// last reply, or with exit status 2 when TIMEOUT seconds pass.
//
//   echo_bench_client PORT CONNECTIONS REQUESTS SIZE [TIMEOUT]
// prints one JSON line: requests, seconds, throughput_rps, p50_us, p99_us,
// p999_us.
#include <boost/asio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kWarmup = 200; // requests per connection not timed

awaitable<void> run_connection(tcp::endpoint server, int requests,
                               std::size_t size,
                               std::vector<double> &latencies_us) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(server, use_awaitable);
  socket.set_option(tcp::no_delay(true));
  std::string message(size - 1, 'x');
  message.push_back('\n');
  std::string reply;
  for (int i = 0; i < requests; ++i) {
    const auto start = Clock::now();
    co_await asio::async_write(socket, asio::buffer(message), use_awaitable);
    const std::size_t n = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(reply), '\n', use_awaitable);
    reply.erase(0, n);
    if (i >= kWarmup)
      latencies_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - start)
              .count());
  }
  socket.shutdown(tcp::socket::shutdown_both);
}

double percentile(std::vector<double> &v, double p) {
  if (v.empty())
    return 0;
  const auto k =
      static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k),
                   v.end());
  return v[k];
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: echo_bench_client PORT CONNECTIONS "
                         "REQUESTS SIZE [TIMEOUT_S]\n");
    return 1;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int connections = std::atoi(argv[2]);
  const int requests = std::atoi(argv[3]);
  const auto size = static_cast<std::size_t>(std::max(2, std::atoi(argv[4])));
  const int timeout_s = argc > 5 ? std::atoi(argv[5]) : 120;

  asio::io_context io(1);
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
  std::vector<std::vector<double>> latencies(connections);
  for (auto &l : latencies)
    l.reserve(static_cast<std::size_t>(requests));
  int failed = 0;
  const auto start = Clock::now();
  for (int c = 0; c < connections; ++c)
    asio::co_spawn(io, run_connection(server, requests, size, latencies[c]),
                   [&](std::exception_ptr e) {
                     if (e)
                       ++failed;
                   });
  asio::steady_timer guard(io, std::chrono::seconds(timeout_s));
  bool timed_out = false;
  guard.async_wait([&](boost::system::error_code ec) {
    if (!ec) {
      timed_out = true;
      io.stop();
    }
  });
  // Run until every connection is done, then drop the guard.
  while (!io.stopped()) {
    io.run_one();
    bool done = true;
    for (int c = 0; c < connections; ++c)
      if (static_cast<int>(latencies[c].size()) + kWarmup < requests)
        done = false;
    if (done)
      break;
  }
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  guard.cancel();
  io.run(); // the connections shut down
  if (timed_out || failed) {
    std::fprintf(stderr, "echo_bench_client: %s\n",
                 timed_out ? "timed out" : "a connection failed");
    return 2;
  }
  std::vector<double> all;
  for (auto &l : latencies)
    all.insert(all.end(), l.begin(), l.end());
  const double total = static_cast<double>(connections) * requests;
  std::printf("{\"requests\": %.0f, \"seconds\": %.6f, \"throughput_rps\": "
              "%.1f, \"p50_us\": %.2f, \"p99_us\": %.2f, \"p999_us\": %.2f}\n",
              total, seconds, total / seconds, percentile(all, 0.50),
              percentile(all, 0.99), percentile(all, 0.999));
  return 0;
}
