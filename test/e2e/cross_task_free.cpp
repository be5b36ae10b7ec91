// Memory allocated in one task and freed in another is credited back to the
// task (and site) that allocated it: ownership travels with the block.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/cross_task_free.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/cross_task_free.py %t.O2.json
// CHECK: consumed 4 blocks
#include <boost/asio.hpp>
#include <cstdio>
#include <deque>
#include <memory>
#include <vector>

namespace asio = boost::asio;

struct Mailbox {
  std::deque<std::unique_ptr<std::vector<char>>> blocks;
};

asio::awaitable<void> producer(Mailbox &box) {
  for (int i = 0; i < 4; ++i)
    box.blocks.push_back(std::make_unique<std::vector<char>>(256 * 1024, 'p'));
  co_return;
}

asio::awaitable<void> consumer(Mailbox &box, int &consumed) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  while (consumed < 4) {
    if (box.blocks.empty()) {
      t.expires_after(std::chrono::milliseconds(1));
      co_await t.async_wait(asio::use_awaitable);
      continue;
    }
    box.blocks.pop_front(); // frees the producer's block here
    ++consumed;
  }
}

int main() {
  asio::io_context io;
  Mailbox box;
  int consumed = 0;
  asio::co_spawn(io, consumer(box, consumed), asio::detached);
  asio::co_spawn(io, producer(box), asio::detached);
  io.run();
  std::printf("consumed %d blocks\n", consumed);
}
