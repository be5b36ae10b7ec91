// An awaited child coroutine's allocations land in its parent's task: the
// child is not a task of its own.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/awaited_child.py %t.O0.json
// RUN: %memscope_cxx -O2 -g %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/awaited_child.py %t.O2.json
// CHECK: sum 1048576
#include <boost/asio.hpp>
#include <cstdio>
#include <memory>

namespace asio = boost::asio;

asio::awaitable<std::unique_ptr<char[]>> make_block(std::size_t n) {
  auto block = std::make_unique<char[]>(n);
  for (std::size_t i = 0; i < n; ++i)
    block[i] = 1;
  co_return block;
}

asio::awaitable<long> parent_task() {
  // 1 MiB, allocated by the child, kept and freed by the parent.
  std::unique_ptr<char[]> block = co_await make_block(1 << 20);
  long sum = 0;
  for (std::size_t i = 0; i < (1 << 20); ++i)
    sum += block[i];
  co_return sum;
}

int main() {
  asio::io_context io;
  long result = 0;
  asio::co_spawn(io, parent_task(), [&](std::exception_ptr, long v) { result = v; });
  io.run();
  std::printf("sum %ld\n", result);
}
