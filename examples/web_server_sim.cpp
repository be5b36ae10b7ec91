// An async web-server simulation: 10 request handlers, each serving 100
// requests, send their responses through a channel to one collector task.
// Handlers are spawned with spawn_tracked as NetworkIntensive tasks, the
// collector as IoIntensive; all are joined through their handles.
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>
#include <boost/asio/experimental/channel.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using memscope::TaskType;
using Channel =
    asio::experimental::channel<void(boost::system::error_code, std::string)>;

constexpr int kHandlers = 10;
constexpr int kRequestsPerHandler = 100;

// A "database query" (a short wait) and a JSON response built from it.
asio::awaitable<std::string> process_request(std::string request) {
  asio::steady_timer timer(co_await asio::this_coro::executor, 200us);
  co_await timer.async_wait(asio::use_awaitable);
  std::vector<std::string> rows(10, request);
  std::string data;
  for (const std::string &r : rows)
    data += "\"Processed: " + r + "\",";
  data.pop_back();
  co_return "{\"status\":\"ok\",\"data\":[" + data + "]}";
}

asio::awaitable<void> handler(int worker, Channel &tx,
                              std::atomic<int> &served) {
  asio::steady_timer interval(co_await asio::this_coro::executor);
  for (int id = 0; id < kRequestsPerHandler; ++id) {
    std::string response = co_await process_request(
        "Request-" + std::to_string(worker) + "-" + std::to_string(id));
    co_await tx.async_send(boost::system::error_code{}, std::move(response),
                           asio::use_awaitable);
    served.fetch_add(1, std::memory_order_relaxed);
    interval.expires_after(100us);
    co_await interval.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<std::size_t> collector(Channel &rx) {
  std::vector<std::string> responses;
  while (responses.size() < kHandlers * kRequestsPerHandler)
    responses.push_back(co_await rx.async_receive(asio::use_awaitable));
  std::size_t bytes = 0;
  for (const std::string &r : responses)
    bytes += r.size();
  std::printf("   - bytes collected: %zu\n", bytes);
  co_return responses.size();
}

asio::awaitable<void> run() {
  co_await memscope::initialize();
  auto ex = co_await asio::this_coro::executor;
  Channel channel(ex, 1000);
  std::atomic<int> served{0};

  std::vector<memscope::tracked_task<void>> handlers;
  for (int w = 0; w < kHandlers; ++w)
    handlers.push_back(memscope::spawn_tracked(ex, handler(w, channel, served),
                                               TaskType::NetworkIntensive));
  auto collect =
      memscope::spawn_tracked(ex, collector(channel), TaskType::IoIntensive);

  for (auto &h : handlers)
    co_await h.join();
  const std::size_t collected = co_await collect.join();

  const memscope::MemorySnapshot snap = memscope::get_memory_snapshot();
  const auto net = snap.get_task_metrics(TaskType::NetworkIntensive);
  const auto io = snap.get_task_metrics(TaskType::IoIntensive);
  std::printf("Async web server simulation complete\n");
  std::printf("   - requests processed: %d\n", served.load());
  std::printf("   - responses collected: %zu\n", collected);
  std::printf("   - handler tasks: %llu (completed %.0f%%), avg peak %.3f MB\n",
              static_cast<unsigned long long>(net.task_count),
              net.completion_rate_percent, net.avg_memory_mb);
  std::printf("   - collector tasks: %llu, peak %.3f MB\n",
              static_cast<unsigned long long>(io.task_count),
              io.peak_memory_mb);
  std::printf("   - peak concurrent tasks: %zu\n",
              snap.peak_concurrent_tasks());
  std::printf("   - total memory allocated: %.2f MB\n",
              static_cast<double>(snap.total_memory_bytes()) /
                  memscope::kBytesPerMiB);
  std::printf("   - total live memory: %.2f MB\n",
              static_cast<double>(snap.live_memory_bytes()) /
                  memscope::kBytesPerMiB);
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  });
  io.run();
}
