// The instrumented program behaves exactly as before: same output, same exit
// status, at -O0 and -O2, with and without -g.
//
// RUN: %clangxx %cxxflags -O0 %s -o %t.plain -lpthread
// RUN: not %t.plain > %t.plain.out 2>&1
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: not %t.O0 > %t.O0.out 2>&1
// RUN: diff %t.plain.out %t.O0.out
// RUN: %memscope_cxx -O2 -g %s -o %t.O2g %memscope_link
// RUN: not %t.O2g > %t.O2g.out 2>&1
// RUN: diff %t.plain.out %t.O2g.out
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json not %t.O2 > %t.O2.out 2>&1
// RUN: diff %t.plain.out %t.O2.out
// RUN: %python -c "import sys; sys.exit(0 if open('%t.plain.out').read().count('\n') >= 6 else 1)"
// RUN: sh -c '%t.O2; echo "exit $?"' | FileCheck %s --check-prefix=EXIT
// EXIT: exit 3
#include <boost/asio.hpp>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

namespace asio = boost::asio;

asio::awaitable<std::string> fetch(int i) {
  if (i == 3)
    throw std::out_of_range("no item " + std::to_string(i));
  co_return "item-" + std::to_string(i);
}

asio::awaitable<int> gather(std::map<int, std::string> &out) {
  int failures = 0;
  for (int i = 0; i < 6; ++i) {
    try {
      out[i] = co_await fetch(i);
    } catch (const std::out_of_range &e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      ++failures;
    }
  }
  co_return failures;
}

int main() {
  asio::io_context io;
  std::map<int, std::string> items;
  int failures = -1;
  asio::co_spawn(io, gather(items), [&](std::exception_ptr e, int f) {
    if (!e)
      failures = f;
  });
  io.run();
  for (auto &[k, v] : items)
    std::printf("%d=%s\n", k, v.c_str());
  std::fflush(stdout);
  return failures == 1 ? 3 : 0;
}
