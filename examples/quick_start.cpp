// Quick start: one tracked task that allocates 1 MiB, waits on a timer,
// sums the buffer and returns the sum to its spawner, which then reads the
// memory snapshot. Build with the memscope plugin; run with
// MEMSCOPE_OUTPUT=report.json for the full report.
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<std::uint64_t> process_block() {
  std::vector<std::uint8_t> data(1024 * 1024, 1); // 1 MiB
  MEMSCOPE_TRACK_VAR(data);
  asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);
  co_await timer.async_wait(asio::use_awaitable);
  co_return std::accumulate(data.begin(), data.end(), std::uint64_t{0});
}

asio::awaitable<void> run() {
  co_await memscope::initialize();
  auto task = memscope::spawn_tracked(co_await asio::this_coro::executor,
                                      process_block());
  // The seed's `let result = task.await?;` (the handle is kept for its id
  // below; without it: co_await memscope::spawn_tracked(ex, work())).
  const std::uint64_t sum = co_await task.join();
  std::printf("processed %d bytes, sum: %llu\n", 1024 * 1024,
              static_cast<unsigned long long>(sum));

  const memscope::MemorySnapshot snap = memscope::get_memory_snapshot();
  const auto profile = memscope::get_task_profile(snap, task.id());
  std::printf("tracked task id: %s\n", task.id() ? "known" : "unknown");
  if (profile)
    std::printf("tracked task: peak %.2f MiB, %llu allocations, efficiency "
                "%.0f%%, leak: %s\n",
                static_cast<double>(profile->peak_usage) / (1024.0 * 1024.0),
                static_cast<unsigned long long>(profile->allocation_count),
                profile->memory_efficiency() * 100.0,
                profile->has_potential_leak() ? "yes" : "no");
  for (const memscope::TrackedVariable &v : memscope::tracked_variables())
    std::printf("variable %s (%s): %llu heap bytes, in %s task\n",
                v.name.c_str(), v.type.c_str(),
                static_cast<unsigned long long>(v.heap_bytes),
                v.task_id == task.id() ? "the tracked" : "another");
  std::printf("active tasks: %zu\n", snap.active_task_count());
  std::printf("total memory tracked: %llu bytes\n",
              static_cast<unsigned long long>(snap.total_memory_bytes()));
  std::printf("live memory now: %llu bytes\n",
              static_cast<unsigned long long>(snap.live_memory_bytes()));
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  });
  io.run();
}
