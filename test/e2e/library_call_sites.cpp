// What library code allocates is charged to the line of user code that
// called into the library (docs/design.md §3 "Sites"): a std::vector, a
// std::string, make_shared, std::map inserts, each on its own line of one
// coroutine, and a library call in a plain (non-coroutine) user function,
// with and without -g, at -O0 and -O2. Each allocation escapes into a
// global, so the optimizer keeps it.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/library_call_sites.py %t.O0.json %s
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/library_call_sites.py %t.O2.json %s
// RUN: %memscope_cxx -O0 -g %s -o %t.O0g %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0g.json %t.O0g | FileCheck %s
// RUN: %python %S/library_call_sites.py %t.O0g.json %s
// RUN: %memscope_cxx -O2 -g %s -o %t.O2g %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2g.json %t.O2g | FileCheck %s
// RUN: %python %S/library_call_sites.py %t.O2g.json %s
// CHECK: kept 123457 234567 34567 3 2
#include <boost/asio.hpp>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;

std::vector<char> g_vector;
std::string g_string;
std::shared_ptr<std::array<char, 34567>> g_shared;
std::map<int, std::array<char, 4567>> g_map;
std::vector<std::string> g_plain;

// A plain function: its library call is bracketed like a coroutine's.
[[gnu::noinline]] void plain_fill(std::vector<std::string> &out) {
  out.emplace_back(45678, 'p'); // SITE: plain
}

asio::awaitable<void> library_allocations() {
  std::vector<char> v(123457); // SITE: vector
  std::string s(234567, 's'); // SITE: string
  auto p = std::make_shared<std::array<char, 34567>>(); // SITE: shared
  std::map<int, std::array<char, 4567>> m;
  for (int i = 0; i < 3; ++i)
    m[i][0] = 'm'; // SITE: map
  plain_fill(g_plain);
  g_vector = std::move(v);
  g_string = std::move(s);
  g_shared = std::move(p);
  g_map = std::move(m);
  co_return;
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, library_allocations(), asio::detached);
  io.run();
  plain_fill(g_plain); // outside any task: the same site, "no task"
  std::printf("kept %zu %zu %zu %zu %zu\n", g_vector.size(), g_string.size(),
              g_shared->size(), g_map.size(), g_plain.size());
}
