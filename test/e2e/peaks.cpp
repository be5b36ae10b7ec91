// Peaks are recorded as they happen, not sampled: a task that holds 1.9 MiB
// for about 5 ms between two ticks of a 1-second sampler has that peak,
// exactly and at its time, and so does the process; with several threads
// the process peak is within the bound the report gives. The text summary
// and the HTML page show both.
//
// RUN: %memscope_cxx -O2 %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json MEMSCOPE_SAMPLE_MS=1000 %t > %t.out
// RUN: %python %S/peaks.py single %t.json %t.out
// RUN: %memscope_report %t.json | FileCheck %s --check-prefix=TEXT
// RUN: %memscope_report --html %t.html %t.json
// RUN: %python %S/peaks.py html %t.json %t.out %t.html
// RUN: env MEMSCOPE_OUTPUT=%t.mt.json MEMSCOPE_SAMPLE_MS=1000 %t threads > %t.mt.out
// RUN: %python %S/peaks.py threads %t.mt.json %t.mt.out
// RUN: %memscope_report %t.mt.json | FileCheck %s --check-prefix=TEXT-MT
//
// TEXT: Peak live: {{[0-9.]+}} MiB at {{[0-9.]+}} ms (exact)
// TEXT-MT: Peak live: {{[0-9.]+}} MiB at {{[0-9.]+}} ms (within {{[0-9.]+}} KiB)
#include "memscope/snapshot.hpp"

#include <boost/asio.hpp>

#include <barrier>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;

// 19 blocks of 102,400 + 2,458 bytes: 1,992,302 bytes, 1.9 MiB. The
// pointers escape through this array, so the new/delete pairs stay.
constexpr int kBlocks = 19;
constexpr std::size_t kBlock = 104858;
char *volatile g_blocks[kBlocks];

struct Marks {
  std::uint64_t task_id = 0, task_live = 0, process_live = 0;
  std::uint64_t before_ns = 0, after_ns = 0, freed_ns = 0;
};

asio::awaitable<void> burst(Marks &m) {
  const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  m.task_id = memscope::current_task_id();
  m.task_live = s.find_task(m.task_id)->live_bytes;
  m.process_live = s.live_memory_bytes();
  m.before_ns = s.uptime_ns();
  std::this_thread::sleep_for(2ms);
  for (char *volatile &b : g_blocks)
    b = new char[kBlock];
  std::this_thread::sleep_for(2ms);
  m.after_ns = memscope::get_memory_snapshot().uptime_ns();
  std::this_thread::sleep_for(1ms);
  for (char *volatile &b : g_blocks)
    delete[] b;
  m.freed_ns = memscope::get_memory_snapshot().uptime_ns();
  std::this_thread::sleep_for(5ms);
  co_return;
}

// Four threads each allocate 1 MiB + 60 KiB in 1 KiB blocks (so each leaves
// part of a granule unflushed), wait until all hold theirs, then free.
int threads() {
  constexpr int kThreads = 4, kSmall = 1084;
  std::barrier holding(kThreads + 1), release(kThreads + 1);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&] {
      std::vector<char *> mine(kSmall);
      for (char *&p : mine)
        p = new char[1024];
      holding.arrive_and_wait();
      release.arrive_and_wait();
      for (char *p : mine)
        delete[] p;
    });
  holding.arrive_and_wait();
  // Every thread holds its blocks and nothing frees until the release: the
  // live bytes now are the run's true peak.
  const std::uint64_t peak = memscope::get_memory_snapshot().live_memory_bytes();
  release.arrive_and_wait();
  for (std::thread &t : pool)
    t.join();
  std::printf("true peak %llu\n", static_cast<unsigned long long>(peak));
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && std::string_view(argv[1]) == "threads")
    return threads();
  asio::io_context io;
  Marks m;
  asio::co_spawn(io, burst(m), asio::detached);
  io.run();
  std::printf("task %llu live %llu process %llu before %llu after %llu "
              "freed %llu\n",
              static_cast<unsigned long long>(m.task_id),
              static_cast<unsigned long long>(m.task_live),
              static_cast<unsigned long long>(m.process_live),
              static_cast<unsigned long long>(m.before_ns),
              static_cast<unsigned long long>(m.after_ns),
              static_cast<unsigned long long>(m.freed_ns));
}
