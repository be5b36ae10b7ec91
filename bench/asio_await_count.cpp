// Fixed-count loops for callgrind (docs/performance.md, "Instruction
// counts"): `asio_await_count_{plain,plugin} WHAT N` runs N iterations of
// WHAT; the instructions of one iteration are (Ir(2N) - Ir(N)) / N, which
// cancels start-up and exit. Repeatable under load, unlike timings.
//   child: a task awaits a trivial child awaitable<int>
//   post:  a task posts a plain handler and runs it with poll_one
//   spawn: co_spawn of a tiny task that completes at once, then poll
#include <boost/asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace asio = boost::asio;

namespace {
int sink = 0;
asio::awaitable<int> child(int i) { co_return i + sink; }
asio::awaitable<void> tiny() {
  ++sink;
  co_return;
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  const long n = std::atol(argv[2]);
  asio::io_context io;
  if (std::strcmp(argv[1], "child") == 0) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          for (long i = 0; i < n; ++i)
            sink += co_await child(static_cast<int>(i));
        },
        asio::detached);
    io.run();
  } else if (std::strcmp(argv[1], "post") == 0) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          for (long i = 0; i < n; ++i) {
            asio::post(io, [] { ++sink; });
            io.poll_one();
          }
          co_return;
        },
        asio::detached);
    io.run();
  } else if (std::strcmp(argv[1], "spawn") == 0) {
    for (long i = 0; i < n; ++i) {
      asio::co_spawn(io, tiny(), asio::detached);
      io.poll();
      io.restart();
    }
  } else {
    return 2;
  }
  std::printf("%d\n", sink != 0);
}
