// The frame batch (runtime/src/accounting/frame_batch.hpp): a task that
// co_awaits the same child again and again in a loop is counted as if every
// frame were counted on its own (MEMSCOPE_FRAME_BATCH=off): the same task
// figures, frame counts, peak and site figures, also when the task allocates
// right after a child ended (the peak must not count that ended frame),
// when another child (with a grandchild) comes in between, when the task
// suspends for real mid-loop, and when it takes a snapshot of itself
// mid-loop (printed: both runs must print the same).
//
// RUN: %memscope_cxx -O2 -g %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.on.json %t.O2 > %t.O2.on.txt
// RUN: env MEMSCOPE_FRAME_BATCH=off MEMSCOPE_OUTPUT=%t.O2.off.json %t.O2 > %t.O2.off.txt
// RUN: %python %S/frame_batch.py %t.O2.on.json %t.O2.off.json %t.O2.on.txt %t.O2.off.txt
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.on.json %t.O0 > %t.O0.on.txt
// RUN: env MEMSCOPE_FRAME_BATCH=off MEMSCOPE_OUTPUT=%t.O0.off.json %t.O0 > %t.O0.off.txt
// RUN: %python %S/frame_batch.py %t.O0.on.json %t.O0.off.json %t.O0.on.txt %t.O0.off.txt
#include <boost/asio.hpp>
#include <memscope/snapshot.hpp>

#include <cstdio>
#include <memory>
#include <vector>

namespace asio = boost::asio;

std::vector<std::unique_ptr<char[]>> g_keep; // escapes: kept allocations
long g_sum = 0;

asio::awaitable<int> child(int i) { co_return i + 1; }

asio::awaitable<int> grandchild(int i) { co_return i * 2; }

// Another frame size and site, with a child of its own.
asio::awaitable<int> bigger(int i) {
  volatile char pad[300] = {};
  pad[i % 300] = 1;
  const int v = co_await grandchild(i);
  co_return v + pad[i % 300];
}

void print_self(const char *when) {
  const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  for (const memscope::TaskProfile &t : s.tasks())
    if (t.id == memscope::current_task_id())
      std::printf("%s: frames %llu live_frames %llu frame_bytes %llu "
                  "allocated %llu freed %llu live %llu peak %llu "
                  "allocs %llu frees %llu\n",
                  when, (unsigned long long)t.frames,
                  (unsigned long long)t.live_frames,
                  (unsigned long long)t.frame_bytes,
                  (unsigned long long)t.allocated_bytes,
                  (unsigned long long)t.freed_bytes,
                  (unsigned long long)t.live_bytes,
                  (unsigned long long)t.peak_live_bytes,
                  (unsigned long long)t.alloc_count,
                  (unsigned long long)t.free_count);
}

asio::awaitable<void> looper() {
  long sum = 0;
  for (int i = 0; i < 1000; ++i) {
    sum += co_await child(i);
    if (i == 500) // right after a child ended: the peak is the task's own
      g_keep.push_back(std::make_unique<char[]>(100000));
    if (i % 100 == 7)
      sum += co_await bigger(i);
    if (i % 250 == 3) // a real suspension: the task leaves the thread
      co_await asio::post(co_await asio::this_coro::executor,
                          asio::use_awaitable);
    if (i == 700)
      print_self("mid-loop");
  }
  g_keep.clear();
  print_self("end");
  g_sum = sum;
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, looper(), asio::detached);
  io.run();
  std::printf("sum %ld\n", g_sum);
}
