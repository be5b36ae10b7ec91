// An external program that uses memscope's API header (installed under
// <prefix>/include): a tracked Asio task allocating 1 MiB, joined for its
// result, and the snapshot read back from the program itself.
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>

#include <cstdio>
#include <vector>

namespace asio = boost::asio;

asio::awaitable<std::size_t> api_root() {
  std::vector<char> block(1 << 20, 1);
  MEMSCOPE_TRACK_VAR(block);
  std::size_t n = 0;
  for (char c : block)
    n += static_cast<std::size_t>(c);
  co_return n;
}

asio::awaitable<void> run() {
  co_await memscope::initialize();
  auto t =
      memscope::spawn_tracked(co_await asio::this_coro::executor, api_root(),
                              memscope::TaskType::CpuIntensive);
  const std::size_t n = co_await t.join();
  const auto p =
      memscope::get_task_profile(memscope::get_memory_snapshot(), t.id());
  std::printf("api app: %zu, task peak >= 1 MiB: %s\n", n,
              p && p->peak_usage >= (1u << 20) ? "yes" : "no");
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(), asio::detached);
  io.run();
}
