// Fixed-count loops for callgrind (docs/performance.md, "Instruction
// counts"): `asio_await_count_{plain,plugin} WHAT N` runs N iterations of
// WHAT; the instructions of one iteration are (Ir(2N) - Ir(N)) / N, which
// cancels start-up and exit. Repeatable under load, unlike timings.
//   child: a task awaits a trivial child awaitable<int>
//   post:  a task posts a plain handler and runs it with poll_one
//   spawn: co_spawn of a tiny task that completes at once, then poll
//   new:      a 64-byte new/delete pair outside any task
//   newtask:  the same inside a task
//   newother: the same inside a task, at a line (a helper) where this
//             thread's counters already count for another task root (the
//             shared (root, site) table's path, root_sites.hpp)
#include <boost/asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace asio = boost::asio;

namespace {
int sink = 0;
// A new/delete pair that the optimiser keeps (the pointer escapes).
[[gnu::noinline]] void new_delete() {
  char *p = new char[64];
  asm volatile("" : : "g"(p) : "memory");
  delete[] p;
}
asio::awaitable<void> first_root() { // claims the helper's line first
  new_delete();
  co_return;
}
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
  } else if (std::strcmp(argv[1], "new") == 0) {
    for (long i = 0; i < n; ++i)
      new_delete();
  } else if (std::strcmp(argv[1], "newtask") == 0 ||
             std::strcmp(argv[1], "newother") == 0) {
    if (argv[1][3] == 'o') {
      asio::co_spawn(io, first_root(), asio::detached);
      io.run();
      io.restart();
    }
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          for (long i = 0; i < n; ++i)
            new_delete();
          co_return;
        },
        asio::detached);
    io.run();
  } else {
    return 2;
  }
  std::printf("%d\n", sink != 0);
}
