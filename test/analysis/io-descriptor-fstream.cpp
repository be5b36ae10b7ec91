// Files, stream descriptors, fstream and stdio make a task IoIntensive.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio.hpp>
#include <cstdio>
#include <fstream>
#include <string>
namespace asio = boost::asio;
using asio::awaitable;

awaitable<void> tail_fd(int fd) { //@fd
  auto ex = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor in(ex, fd); //@desc
  char buf[256];
  co_await in.async_read_some(asio::buffer(buf), asio::use_awaitable);
}

awaitable<void> load_config(std::string path) { //@cfg
  std::ifstream f(path); //@ifs
  std::string line;
  while (std::getline(f, line)) {
  }
  co_return;
}

awaitable<void> dump(const char *path) { //@dump
  FILE *f = std::fopen(path, "w"); //@fopen
  std::fputs("x", f);
  std::fclose(f);
  co_return;
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, tail_fd(0), asio::detached);
  asio::co_spawn(io, load_config("a.conf"), asio::detached);
  asio::co_spawn(io, dump("/tmp/x"), asio::detached);
  io.run();
}

// CHECK: io-descriptor-fstream.cpp:10:17: remark: memscope: 'tail_fd' is a task root {{.*}}; type IoIntensive: constructs boost::asio::posix::basic_stream_descriptor at {{.*}}:12:
// CHECK: io-descriptor-fstream.cpp:17:17: remark: memscope: 'load_config' is a task root {{.*}}; type IoIntensive: constructs std::basic_ifstream at {{.*}}:18:17
// CHECK: io-descriptor-fstream.cpp:25:17: remark: memscope: 'dump' is a task root {{.*}}; type IoIntensive: calls fopen at {{.*}}:26:
