// Differential: a multi-threaded io_context, strands, tasks spawned from
// tasks, a channel-like queue with a timer, results gathered in a
// deterministic order; uncaught exception at the end (std::terminate): the
// exit status (SIGABRT) and the message must be the same too.
// RUN: %clangxx %cxxflags -O0 %s -o %t.p0 -lpthread
// RUN: %memscope_cxx -O0 %s -o %t.m0 %memscope_link
// RUN: %python %S/Inputs/compare.py %t.p0 %t.m0 %t.m0.json
// RUN: %clangxx %cxxflags -O2 %s -o %t.p2 -lpthread
// RUN: %memscope_cxx -O2 %s -o %t.m2 %memscope_link
// RUN: %python %S/Inputs/compare.py %t.p2 %t.m2 %t.m2.json
#include <boost/asio.hpp>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;

std::mutex g_mu;
std::map<int, std::string> g_results;

asio::awaitable<void> leaf(int id) {
  auto ex = co_await asio::this_coro::executor;
  std::string s;
  for (int i = 0; i < id % 7 + 1; ++i) {
    s += std::to_string(id * i) + ",";
    co_await asio::post(ex, asio::use_awaitable);
  }
  std::lock_guard<std::mutex> lock(g_mu);
  g_results[id] = s;
}

asio::awaitable<void> parent(int base) {
  auto strand = asio::make_strand(co_await asio::this_coro::executor);
  for (int i = 0; i < 20; ++i)
    asio::co_spawn(strand, leaf(base + i), asio::detached);
  co_return;
}

int main() {
  {
    asio::io_context io(4);
    for (int p = 0; p < 10; ++p)
      asio::co_spawn(io, parent(p * 100), asio::detached);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] { io.run(); });
    for (auto &t : threads)
      t.join();
  }
  std::size_t total = 0;
  for (auto &[id, s] : g_results)
    total += s.size();
  std::printf("%zu results, %zu chars, first %s, last %s\n", g_results.size(),
              total, g_results.begin()->second.c_str(),
              g_results.rbegin()->second.c_str());
  std::fflush(stdout);
  throw std::logic_error("deliberately uncaught");
}
