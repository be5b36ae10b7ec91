// Exceptions thrown through coroutines, and frames destroyed while suspended,
// leave the task context and the counts correct.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/exceptions.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/exceptions.py %t.O2.json
// CHECK: caught: deep failure
// CHECK: after: 65536
// CHECK: abandoned waiter destroyed
#include <boost/asio.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;

// At -O2 Clang may elide a new/delete pair whose memory is never observed;
// this makes each buffer observable, as real code's buffers are.
template <typename T> void keep(T &v) { asm volatile("" : : "r"(v.data()) : "memory"); }

asio::awaitable<void> deep(int level) {
  std::vector<char> scratch(4096);
  keep(scratch);
  if (level == 0)
    throw std::runtime_error("deep failure");
  co_await deep(level - 1);
}

asio::awaitable<void> thrower() {
  try {
    co_await deep(3);
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
  }
  // After the exception the context must still be this task: this block is
  // charged here, not to whoever ran before.
  auto after = std::make_unique<std::vector<char>>(65536);
  std::printf("after: %zu\n", after->size());
}

asio::awaitable<void> waiter(std::shared_ptr<asio::steady_timer> t) {
  std::vector<char> held(32768);
  keep(held);
  co_await t->async_wait(asio::use_awaitable); // never completes normally
  std::printf("waiter resumed (unexpected)\n");
}

asio::awaitable<void> bystander() {
  std::vector<char> mine(16384);
  keep(mine);
  co_return;
}

int main() {
  {
    asio::io_context io;
    auto timer = std::make_shared<asio::steady_timer>(io);
    timer->expires_at(asio::steady_timer::time_point::max());
    asio::co_spawn(io, waiter(timer), asio::detached);
    asio::co_spawn(io, thrower(), asio::detached);
    io.run_for(std::chrono::milliseconds(20));
    // The waiter is still suspended; destroying the io_context destroys its
    // frame while suspended.
  }
  std::printf("abandoned waiter destroyed\n");
  asio::io_context io2;
  asio::co_spawn(io2, bystander(), asio::detached);
  io2.run();
}
