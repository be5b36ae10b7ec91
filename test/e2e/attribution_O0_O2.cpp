// Attribution does not depend on the optimisation level: the same program at
// -O0 and at -O2 yields the same tasks with the same heap figures.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/attribution_O0_O2.py %t.O0.json %t.O2.json
// CHECK: checksum 4950
#include <boost/asio.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;

asio::awaitable<std::vector<int>> load_numbers(int n) {
  std::vector<int> v;
  v.reserve(n);
  for (int i = 0; i < n; ++i)
    v.push_back(i);
  co_return v;
}

asio::awaitable<void> indexer(std::map<std::string, int> &index, int &checksum) {
  std::vector<int> numbers = co_await load_numbers(100);
  for (int x : numbers) {
    index["key-" + std::to_string(x)] = x;
    checksum += x;
  }
}

asio::awaitable<void> holder(std::unique_ptr<std::string> &out) {
  out = std::make_unique<std::string>(5000, 'h'); // outlives the task
  co_return;
}

int main() {
  asio::io_context io;
  std::map<std::string, int> index;
  std::unique_ptr<std::string> kept;
  int checksum = 0;
  asio::co_spawn(io, indexer(index, checksum), asio::detached);
  asio::co_spawn(io, holder(kept), asio::detached);
  io.run();
  std::printf("checksum %d\n", checksum);
}
