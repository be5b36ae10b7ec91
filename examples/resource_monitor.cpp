// CPU-, I/O- and network-intensive tasks under an AsyncResourceMonitor.
// Each task is made with create_tracked and an explicit TaskType; the three
// run concurrently (Asio's awaitable operators) and the monitor's analysis
// counts them by type and reports the largest per-task peak.
//
// The I/O task really writes and reads a temporary file; the network task
// really sends datagrams over loopback (127.0.0.1) to itself.
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using memscope::TaskType;

// 1,000,000 u64 squares mod 1000: an 8 MB working set.
asio::awaitable<std::uint64_t> cpu_work() {
  std::vector<std::uint64_t> data(1'000'000);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = (static_cast<std::uint64_t>(i) * i) % 1000;
  std::uint64_t sum = 0;
  for (std::uint64_t v : data)
    sum += v;
  co_return sum;
}

// 100 records written to and read back from a file, yielding in between.
asio::awaitable<std::size_t> io_work(std::string path) {
  std::vector<std::string> results;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < 100; ++i) {
    {
      std::ofstream out(path, std::ios::app);
      out << "Result-" << i << '\n';
    }
    timer.expires_after(100us);
    co_await timer.async_wait(asio::use_awaitable);
  }
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    results.push_back(line);
  std::remove(path.c_str());
  co_return results.size();
}

// 50 requests of 1 KiB over UDP on loopback, each answered by itself.
asio::awaitable<std::size_t> network_work() {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::udp::socket sock(ex, {asio::ip::make_address("127.0.0.1"), 0});
  const auto self = sock.local_endpoint();
  std::vector<std::string> responses;
  std::string request(1024, 'A');
  std::vector<char> buf(2048);
  for (int i = 0; i < 50; ++i) {
    co_await sock.async_send_to(asio::buffer(request), self,
                                asio::use_awaitable);
    std::size_t n =
        co_await sock.async_receive(asio::buffer(buf), asio::use_awaitable);
    responses.push_back("Response-" + std::to_string(i) + ": " +
                        std::string(buf.data(), n));
  }
  co_return responses.size();
}

asio::awaitable<void> run() {
  co_await memscope::initialize();
  memscope::AsyncResourceMonitor monitor;
  co_await monitor.start_monitoring();

  const std::string path =
      "/tmp/memscope-io-" + std::to_string(::getpid()) + ".txt";
  auto [cpu, io, net] = co_await (
      memscope::create_tracked(cpu_work(), TaskType::CpuIntensive) &&
      memscope::create_tracked(io_work(path), TaskType::IoIntensive) &&
      memscope::create_tracked(network_work(), TaskType::NetworkIntensive));

  std::printf("CPU task result: %llu\n", static_cast<unsigned long long>(cpu));
  std::printf("I/O task result: %zu\n", io);
  std::printf("Network task result: %zu\n", net);

  memscope::ResourceAnalysis analysis = co_await monitor.stop_monitoring();
  std::printf("Task analysis:\n");
  std::printf("  CPU-intensive tasks: %zu\n", analysis.cpu_task_count);
  std::printf("  I/O-intensive tasks: %zu\n", analysis.io_task_count);
  std::printf("  Network-intensive tasks: %zu\n", analysis.network_task_count);
  std::printf("  other tasks: %zu\n",
              analysis.total_tasks - analysis.cpu_task_count -
                  analysis.io_task_count - analysis.network_task_count);
  std::printf("  Peak memory per task: %.2f MB\n",
              analysis.peak_memory_per_task_mb);
  for (const memscope::TaskMemoryProfile &p : analysis.tasks)
    std::printf("  task %llu %-16s %-14s peak %8.3f MB, %5llu allocations\n",
                static_cast<unsigned long long>(p.task_id),
                std::string(memscope::to_string(p.task_type)).c_str(),
                p.task_name.c_str(),
                static_cast<double>(p.peak_usage) / memscope::kBytesPerMiB,
                static_cast<unsigned long long>(p.allocation_count));
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  });
  io.run();
}
