// Channels and co_yield: Streaming. A channel plus a socket: Mixed.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <coroutine>
namespace asio = boost::asio;
using asio::awaitable;
using channel = asio::experimental::channel<void(boost::system::error_code, int)>;

awaitable<void> producer(channel &ch) { //@prod
  for (int i = 0; i < 10; ++i)
    co_await ch.async_send(boost::system::error_code{}, i, asio::use_awaitable); //@send
}

awaitable<void> forwarder(channel &ch, asio::ip::tcp::socket &s) { //@fwd
  int v = co_await ch.async_receive(asio::use_awaitable); //@recv
  co_await asio::async_write(s, asio::buffer(&v, sizeof v), asio::use_awaitable);
}

struct gen {
  struct promise_type {
    int value = 0;
    gen get_return_object() { return {}; }
    std::suspend_always initial_suspend() { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int v) { value = v; return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

[[memscope::task_root]] gen numbers() { //@gen
  for (int i = 0;; ++i)
    co_yield i; //@yield
}

int main() {
  asio::io_context io;
  channel ch(io);
  asio::ip::tcp::socket s(io);
  asio::co_spawn(io, producer(ch), asio::detached);
  asio::co_spawn(io, forwarder(ch, s), asio::detached);
  numbers();
}

// CHECK: streaming.cpp:10:17: remark: memscope: 'producer' is a task root (spawned at {{.*}}); type Streaming: calls boost::asio::experimental::basic_channel::async_send at {{.*}}streaming.cpp:12:17
// CHECK: streaming.cpp:15:17: remark: memscope: 'forwarder' is a task root (spawned at {{.*}}); type Mixed: calls boost::asio::async_write at {{.*}}; and calls boost::asio::experimental::basic_channel::async_receive at {{.*}}streaming.cpp:16:23
// CHECK: streaming.cpp:32:29: remark: memscope: 'numbers' is a task root (marked {{\[\[}}memscope::task_root]]); type Streaming: co_yield at {{.*}}streaming.cpp:34:5
