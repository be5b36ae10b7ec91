// Only timer waits in a loop: Background. One timer wait and nothing else:
// Unknown (docs/design.md §4 asks for a loop).
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio.hpp>
#include <chrono>
namespace asio = boost::asio;
using asio::awaitable;
using namespace std::chrono_literals;

awaitable<void> heartbeat() { //@hb
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(1s);
    co_await timer.async_wait(asio::use_awaitable); //@wait
  }
}

awaitable<void> delay_once() { //@once
  asio::system_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(1s);
  co_await timer.async_wait(asio::use_awaitable);
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, heartbeat(), asio::detached);
  asio::co_spawn(io, delay_once(), asio::detached);
  io.run();
}

// CHECK: background-timer.cpp:10:17: remark: memscope: 'heartbeat' is a task root (spawned at {{.*}}); type Background: only timer waits in a loop: calls boost::asio::basic_waitable_timer::async_wait at {{.*}}background-timer.cpp:14:20
// CHECK: background-timer.cpp:18:17: remark: memscope: 'delay_once' is a task root (spawned at {{.*}}); type Unknown: only a timer wait outside any loop
