// A real Asio TCP server stopped by signals (issue 13). Without handlers of
// its own, SIGINT/SIGTERM/SIGHUP leave a complete report and the server
// still dies by the signal; with an asio::signal_set ("own"), memscope
// leaves its signals alone. MEMSCOPE_REPORT_SIGNAL and GET /report write a
// report while it runs on.
//
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// Under TSan the pre-forking case is left out (--no-fork): TSan does not
// support a thread started in the child of a multi-threaded fork, which
// is what memscope's signal thread is there.
// RUN: %python %S/signals.py %t %t.dir %if tsan %{--no-fork%}
#include <boost/asio.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;

inline void keep(const void *p) { asm volatile("" : : "r"(p) : "memory"); }

// Each session holds 64 KiB while its client is connected.
asio::awaitable<void> session(tcp::socket socket) {
  std::vector<char> held(64 * 1024, 'x');
  keep(held.data());
  char line[64];
  for (;;) {
    const std::size_t n = co_await socket.async_read_some(asio::buffer(line),
                                                          asio::use_awaitable);
    co_await asio::async_write(socket, asio::buffer(line, n),
                               asio::use_awaitable);
  }
}

asio::awaitable<void> listener(tcp::acceptor &acceptor) {
  for (;;) {
    tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(), session(std::move(s)),
                   asio::detached);
  }
}

int main(int argc, char **argv) {
  const bool own = argc > 1 && std::strcmp(argv[1], "own") == 0;
  // "fork": a pre-forking server; the worker child serves, the parent waits.
  if (argc > 1 && std::strcmp(argv[1], "fork") == 0) {
    const pid_t child = fork();
    if (child > 0) {
      std::printf("child %d\n", static_cast<int>(child));
      std::fflush(stdout);
      int status = 0;
      waitpid(child, &status, 0);
      std::printf("child killed by %d\n",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
      return 0;
    }
  }
  asio::io_context io;
  tcp::acceptor acceptor(io,
                         tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  asio::signal_set signals(io);
  if (own) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&](boost::system::error_code, int sig) {
      std::printf("own handler: signal %d\n", sig);
      io.stop();
    });
  }
  asio::co_spawn(io, listener(acceptor), asio::detached);
  std::printf("port %u\n",
              static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  io.run();
  std::printf("stopped cleanly\n");
  return 3;
}
