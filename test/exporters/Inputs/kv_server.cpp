// A small instrumented TCP server for the live-view tests (GET /tasks and
// memscope-top): a listener on a loopback port spawns one session task per
// connection. A session reads lines; "hold N" makes it hold N KiB until
// its client disconnects, "keep N" leaves N KiB in a global cache that
// outlives the session, "block N" stalls the (only) executor thread for N
// ms. It answers each line with "ok\n".
//
// usage: kv_server PORT_FILE   (writes the port it listens on, then serves
// until stdin reaches end of file)
#include <boost/asio.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

struct Cache {
  std::mutex mutex;
  std::deque<std::unique_ptr<std::vector<char>>> kept;
};

asio::awaitable<void> session(tcp::socket socket, Cache &cache) {
  std::vector<std::unique_ptr<std::vector<char>>> held;
  std::string line;
  try {
    for (;;) {
      const std::size_t n = co_await asio::async_read_until(
          socket, asio::dynamic_buffer(line), '\n', asio::use_awaitable);
      const std::string cmd = line.substr(0, n - 1);
      line.erase(0, n);
      const std::size_t kib =
          cmd.size() > 5 ? std::strtoul(cmd.c_str() + 5, nullptr, 10) : 0;
      if (cmd.rfind("hold ", 0) == 0) {
        held.push_back(std::make_unique<std::vector<char>>(kib * 1024, 'h'));
      } else if (cmd.rfind("block", 0) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(
            cmd.size() > 6 ? std::strtoul(cmd.c_str() + 6, nullptr, 10) : 0));
      } else if (cmd.rfind("keep ", 0) == 0) {
        auto kept = std::make_unique<std::vector<char>>(kib * 1024, 'k');
        std::lock_guard lock(cache.mutex);
        cache.kept.push_back(std::move(kept));
      }
      co_await asio::async_write(socket, asio::buffer("ok\n", 3),
                                 asio::use_awaitable);
    }
  } catch (const std::exception &) {
    // The client went away: the session ends, what it held is freed.
  }
}

asio::awaitable<void> listener(tcp::acceptor &acceptor, Cache &cache) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), cache),
                   asio::detached);
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kv_server PORT_FILE\n");
    return 2;
  }
  asio::io_context io;
  tcp::acceptor acceptor(io,
                         tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  if (std::FILE *f = std::fopen(argv[1], "w")) {
    std::fprintf(f, "%u\n", acceptor.local_endpoint().port());
    std::fclose(f);
  }
  Cache &cache = *new Cache; // never freed: what sessions kept outlives them
  asio::co_spawn(io, listener(acceptor, cache), asio::detached);
  std::thread([&io] {
    while (std::getchar() != EOF)
      ;
    io.stop();
  }).detach();
  io.run();
  return 0;
}
