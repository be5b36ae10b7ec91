// Per-type performance analysis: CPU, I/O and network tasks whose types the
// compiler infers (no TaskType given), run on a two-thread pool, then read
// back per type with get_task_metrics() and per task with
// TaskPerformanceMetrics.
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace asio = boost::asio;
using memscope::TaskType;

constexpr int kCpuTasks = 4, kIoTasks = 4, kNetworkTasks = 8;

// Pure computation over a 2 MiB table: inferred CpuIntensive.
asio::awaitable<std::uint64_t> checksum_table(std::uint64_t seed) {
  std::vector<std::uint64_t> table(256 * 1024);
  std::uint64_t x = seed;
  for (auto &v : table) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    v = x >> 33;
  }
  std::uint64_t sum = 0;
  for (int round = 0; round < 8; ++round)
    for (std::uint64_t v : table)
      sum += v ^ static_cast<std::uint64_t>(round);
  co_return sum;
}

// Writes and re-reads a 64 KiB file: inferred IoIntensive.
asio::awaitable<std::size_t> write_and_verify(int index) {
  const std::string path = "/tmp/memscope-perf-" + std::to_string(::getpid()) +
                           "-" + std::to_string(index);
  std::string block(64 * 1024, static_cast<char>('a' + index));
  {
    std::ofstream out(path, std::ios::binary);
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  std::ifstream in(path, std::ios::binary);
  std::string back(block.size(), '\0');
  in.read(back.data(), static_cast<std::streamsize>(back.size()));
  std::remove(path.c_str());
  co_return back == block ? back.size() : 0;
}

// 20 round trips of 4 KiB over UDP loopback: inferred NetworkIntensive.
asio::awaitable<std::size_t> udp_ping() {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::udp::socket sock(ex, {asio::ip::make_address("127.0.0.1"), 0});
  std::vector<char> out(4096, 'p'), in(4096);
  std::size_t total = 0;
  for (int i = 0; i < 20; ++i) {
    co_await sock.async_send_to(asio::buffer(out), sock.local_endpoint(),
                                asio::use_awaitable);
    total += co_await sock.async_receive(asio::buffer(in), asio::use_awaitable);
  }
  co_return total;
}

void print_type(const memscope::MemorySnapshot &s, TaskType t) {
  const memscope::TaskTypeMetrics m = s.get_task_metrics(t);
  std::printf("%-16s tasks %2llu  avg memory %.3f MB  peak memory %.3f MB  "
              "completion %.1f%%  avg wait %.3f ms  throughput %.1f/s\n",
              std::string(memscope::to_string(t)).c_str(),
              static_cast<unsigned long long>(m.task_count), m.avg_memory_mb,
              m.peak_memory_mb, m.completion_rate_percent, m.avg_wait_time_ms,
              m.throughput_per_sec);
}

asio::awaitable<void> run(asio::thread_pool::executor_type pool) {
  co_await memscope::initialize();
  std::vector<memscope::tracked_task<std::uint64_t>> cpu;
  std::vector<memscope::tracked_task<std::size_t>> io, net;
  for (int i = 0; i < kCpuTasks; ++i)
    cpu.push_back(memscope::spawn_tracked(pool, checksum_table(i + 1)));
  for (int i = 0; i < kIoTasks; ++i)
    io.push_back(memscope::spawn_tracked(pool, write_and_verify(i)));
  for (int i = 0; i < kNetworkTasks; ++i)
    net.push_back(memscope::spawn_tracked(pool, udp_ping()));

  std::uint64_t checksum = 0;
  std::size_t io_bytes = 0, net_bytes = 0;
  for (auto &t : cpu)
    checksum ^= co_await t.join();
  for (auto &t : io)
    io_bytes += co_await t.join();
  for (auto &t : net)
    net_bytes += co_await t.join();
  std::printf("checksum %llx, %zu bytes verified on disk, %zu bytes echoed\n",
              static_cast<unsigned long long>(checksum), io_bytes, net_bytes);

  const memscope::MemorySnapshot snap = memscope::get_memory_snapshot();
  std::printf("Task performance analysis:\n");
  for (TaskType t : {TaskType::CpuIntensive, TaskType::IoIntensive,
                     TaskType::NetworkIntensive})
    print_type(snap, t);
  std::printf("Per task:\n");
  for (auto *group : {&io, &net}) {
    for (auto &t : *group) {
      auto m = memscope::get_task_performance(snap, t.id());
      if (!m)
        continue;
      std::printf("  task %llu %-16s busy %.3f ms of %.3f ms (%.0f%%), %llu "
                  "resumes, %zu threads, %.1f MB/s allocated\n",
                  static_cast<unsigned long long>(m->task_id),
                  std::string(memscope::to_string(m->task_type)).c_str(),
                  m->busy_time.count() / 1e6, m->lifetime.count() / 1e6,
                  m->cpu_utilization_percent,
                  static_cast<unsigned long long>(m->resume_count),
                  m->thread_count,
                  m->allocation_rate_bytes_per_sec / memscope::kBytesPerMiB);
    }
  }
}

int main() {
  asio::thread_pool pool(2);
  asio::io_context io;
  asio::co_spawn(io, run(pool.get_executor()), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  });
  io.run();
  pool.join();
}
