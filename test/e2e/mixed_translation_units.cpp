// Translation units compiled with and without the plugin link and run
// together: the plugin's Asio handler tracking changes no Asio layout
// (docs/design.md §3). Awaitables cross between the halves both ways, and the
// instrumented half's tasks still get what they allocate.
//
// RUN: %clangxx %cxxflags -O2 -c %S/Inputs/mixed_tu_plain.cpp -o %t.plain.o
// RUN: %memscope_cxx -O2 -c %s -o %t.ms.o
// RUN: %clangxx %cxxflags %t.ms.o %t.plain.o -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t | FileCheck %s
// RUN: %python %S/mixed_translation_units.py %t.json
// CHECK: 3 lines of 100000 bytes
#include <boost/asio.hpp>
#include <cstdio>
#include <string>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::awaitable<std::size_t> plain_read(tcp::socket &s, std::string &into);
asio::awaitable<void> plain_wait(asio::steady_timer &t);

static int lines = 0;

asio::awaitable<void> reader_session(tcp::socket s) {
  std::string data;
  std::size_t n = co_await plain_read(s, data);
  asio::steady_timer t(s.get_executor());
  co_await plain_wait(t);
  lines += n == 100001;
}

asio::awaitable<void> listener(tcp::acceptor &a) {
  for (int i = 0; i < 3; ++i)
    asio::co_spawn(a.get_executor(),
                   reader_session(co_await a.async_accept(asio::use_awaitable)),
                   asio::detached);
}

asio::awaitable<void> writer(tcp::endpoint to) {
  tcp::socket s(co_await asio::this_coro::executor);
  co_await s.async_connect(to, asio::use_awaitable);
  std::string line(100000, 'm');
  line += '\n';
  co_await asio::async_write(s, asio::buffer(line), asio::use_awaitable);
}

int main() {
  asio::io_context io;
  tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::co_spawn(io, listener(a), asio::detached);
  for (int i = 0; i < 3; ++i)
    asio::co_spawn(io, writer(a.local_endpoint()), asio::detached);
  io.run_for(std::chrono::seconds(20));
  std::printf("%d lines of 100000 bytes\n", lines);
}
