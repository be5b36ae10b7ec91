// Differential: Asio with awaitable operators (|| and &&), timeouts,
// per-operation cancellation, cancelled timers, exceptions through
// co_spawn's completion handler, and a non-zero exit status.
// RUN: %clangxx %cxxflags -O0 %s -o %t.p0 -lpthread
// RUN: %memscope_cxx -O0 %s -o %t.m0 %memscope_link
// RUN: %python %S/Inputs/compare.py %t.p0 %t.m0 %t.m0.json
// RUN: %clangxx %cxxflags -O2 %s -o %t.p2 -lpthread
// RUN: %memscope_cxx -O2 %s -o %t.m2 %memscope_link
// RUN: %python %S/Inputs/compare.py %t.p2 %t.m2 %t.m2.json
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

asio::awaitable<std::string> slow(std::chrono::milliseconds d, std::string v) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
  co_return v + std::string(100, '.').substr(0, 3);
}

asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

asio::awaitable<int> failing(int code) {
  co_await sleep(1ms);
  throw std::runtime_error("failure " + std::to_string(code));
}

asio::awaitable<int> scenario() {
  int score = 0;
  // Timeout wins.
  auto r1 = co_await (slow(200ms, "late") || sleep(5ms));
  std::printf("race 1: index %zu\n", r1.index());
  score += static_cast<int>(r1.index());
  // Work wins.
  auto r2 = co_await (slow(1ms, "fast") || sleep(500ms));
  if (r2.index() == 0)
    std::printf("race 2: %s\n", std::get<0>(r2).c_str());
  // Both.
  auto [a, b] = co_await (slow(2ms, "left") && slow(3ms, "right"));
  std::printf("both: %s %s\n", a.c_str(), b.c_str());
  // && with a failure: the exception propagates, the sibling is cancelled.
  try {
    co_await (slow(300ms, "never") && failing(7));
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
    score += 10;
  }
  // Per-operation cancellation of a timer.
  asio::cancellation_signal sig;
  asio::steady_timer t(co_await asio::this_coro::executor, 10s);
  asio::post(co_await asio::this_coro::executor, [&] {
    sig.emit(asio::cancellation_type::terminal);
  });
  try {
    co_await t.async_wait(
        asio::bind_cancellation_slot(sig.slot(), asio::use_awaitable));
  } catch (const boost::system::system_error &e) {
    std::printf("cancelled: %s\n",
                e.code() == asio::error::operation_aborted ? "aborted" : "?");
    score += 100;
  }
  co_return score;
}

int main() {
  asio::io_context io;
  int result = -1;
  std::string error;
  asio::co_spawn(io, scenario(), [&](std::exception_ptr e, int r) {
    result = r;
    if (e)
      error = "unexpected";
  });
  // A spawned task that fails: its exception reaches the handler.
  asio::co_spawn(io, failing(42), [&](std::exception_ptr e, int) {
    try {
      if (e)
        std::rethrow_exception(e);
    } catch (const std::exception &x) {
      std::fprintf(stderr, "handler saw: %s\n", x.what());
    }
  });
  io.run();
  std::printf("score %d %s\n", result, error.c_str());
  return result == 111 ? 3 : 1;
}
