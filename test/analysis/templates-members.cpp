// Each template instantiation is its own coroutine (one remark each);
// uninstantiated templates say nothing; member coroutines and coroutines
// awaited as children.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s --implicit-check-not='remark: memscope'
#include <boost/asio.hpp>
#include <string>
namespace asio = boost::asio;
using asio::awaitable;

template <class Stream> awaitable<void> pump(Stream &s) { //@pump
  char b[16];
  co_await s.async_read_some(asio::buffer(b), asio::use_awaitable);
}

template <class T> awaitable<T> never_used(T t) { co_return t; }

struct Conn {
  asio::ip::tcp::socket sock;
  awaitable<std::string> read_header(); //@rhdecl
  awaitable<void> serve() { //@serve
    std::string h = co_await read_header();
  }
};
awaitable<std::string> Conn::read_header() { //@rh
  char b[64];
  std::size_t n = co_await sock.async_read_some(asio::buffer(b), asio::use_awaitable); //@rd
  co_return std::string(b, n);
}

template <class T> struct Box {
  awaitable<T> get() { co_return T{}; } //@get
};

int main() {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  asio::posix::stream_descriptor d(io);
  asio::co_spawn(io, pump(s), asio::detached);
  asio::co_spawn(io, pump(d), asio::detached);
  Conn c{asio::ip::tcp::socket(io)};
  asio::co_spawn(io, c.serve(), asio::detached);
  Box<int> bi;
  Box<char> bc;
  asio::co_spawn(io, bi.get(), asio::detached);
  (void)bc.get();
}

// CHECK-DAG: templates-members.cpp:10:41: remark: memscope: 'pump<boost::asio::basic_stream_socket<boost::asio::ip::tcp>>' is a task root {{.*}}; type NetworkIntensive
// CHECK-DAG: templates-members.cpp:10:41: remark: memscope: 'pump<boost::asio::posix::basic_stream_descriptor<>>' is a task root {{.*}}; type IoIntensive
// CHECK-DAG: templates-members.cpp:20:19: remark: memscope: 'Conn::serve' is a task root {{.*}}; type NetworkIntensive: calls boost::asio::basic_stream_socket::async_read_some at {{.*}}templates-members.cpp:26:33 (in 'Conn::read_header')
// CHECK-DAG: templates-members.cpp:24:30: remark: memscope: 'Conn::read_header' is a child coroutine (runs in its caller's task)
// CHECK-DAG: templates-members.cpp:31:16: remark: memscope: 'Box<int>::get' is a task root
// CHECK-DAG: templates-members.cpp:31:16: remark: memscope: 'Box<char>::get' is a child coroutine
