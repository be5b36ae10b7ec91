// Network + file -> Mixed; network + substantial computation -> Mixed;
// network + a small byte loop stays NetworkIntensive.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <algorithm>
#include <boost/asio.hpp>
#include <fstream>
#include <vector>
namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;

awaitable<void> upload(tcp::socket s) { //@up
  std::ofstream out("upload.bin");
  char buf[512];
  std::size_t n = co_await s.async_read_some(asio::buffer(buf), asio::use_awaitable);
  out.write(buf, n);
}

awaitable<void> rank(tcp::socket s) { //@rank
  std::vector<int> v(64);
  co_await asio::async_read(s, asio::buffer(v), asio::use_awaitable);
  std::sort(v.begin(), v.end());
}

awaitable<void> checksum(tcp::socket s) { //@sum
  unsigned char buf[512];
  unsigned sum = 0;
  for (;;) {
    std::size_t n = co_await s.async_read_some(asio::buffer(buf), asio::use_awaitable);
    for (std::size_t i = 0; i < n; ++i)
      sum += buf[i];
  }
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, upload(tcp::socket(io)), asio::detached);
  asio::co_spawn(io, rank(tcp::socket(io)), asio::detached);
  asio::co_spawn(io, checksum(tcp::socket(io)), asio::detached);
}

// CHECK: mixed.cpp:12:17: remark: memscope: 'upload' is a task root {{.*}}; type Mixed: calls boost::asio::basic_stream_socket::async_read_some at {{.*}}; and constructs std::basic_ofstream at
// CHECK: mixed.cpp:19:17: remark: memscope: 'rank' is a task root {{.*}}; type Mixed: calls boost::asio::async_read at {{.*}}; and calls std::sort at
// CHECK: mixed.cpp:25:17: remark: memscope: 'checksum' is a task root {{.*}}; type NetworkIntensive: calls boost::asio::basic_stream_socket::async_read_some
