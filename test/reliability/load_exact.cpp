// Exact under load: many threads run many short tasks that migrate between
// threads (every step re-queues the coroutine on a multi-threaded
// io_context) and free each other's blocks through a shared pool. At the end
// every task's live bytes must equal the bytes of the pool blocks it
// allocated (the only memory still live), and after main frees the pool,
// every task's live bytes must be zero.
//
// Fast variant here; `make stress` runs it with a million tasks.
// RUN: %memscope_cxx -O2 %s -o %t %memscope_link
// RUN: %t 20000 4 | FileCheck %s
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: %t.O0 5000 3 | FileCheck %s
// CHECK: load_exact: OK
#include <boost/asio.hpp>
#include <memscope/memscope.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;

namespace {

// A block the tasks keep: it records who allocated it and how big it is.
struct Block {
  std::uint64_t owner;
  std::uint64_t size;
};

// Static storage: the pool itself is nobody's memory.
constexpr std::size_t kSlots = 8192;
std::atomic<Block *> g_pool[kSlots];
std::atomic<std::uint64_t> g_in_flight{0};
std::atomic<std::uint64_t> g_done{0};

std::uint64_t next_random(std::uint64_t &state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

Block *make_block(std::uint64_t &rng) {
  std::size_t size = sizeof(Block) + next_random(rng) % 512;
  if (next_random(rng) % 64 == 0)
    size += 64 * 1024; // now and then a large one
  auto *b = reinterpret_cast<Block *>(new char[size]);
  b->owner = memscope::current_task_id();
  b->size = size;
  return b;
}

void drop(Block *b) { delete[] reinterpret_cast<char *>(b); }

// An awaited child: its frame and its temporary string are the parent's.
asio::awaitable<std::size_t> child_work(std::uint64_t seed) {
  std::string text(64 + seed % 200, 'x');
  co_return text.size();
}

asio::awaitable<void> worker(std::uint64_t seed) {
  auto ex = co_await asio::this_coro::executor;
  std::uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 1;
  const int steps = 1 + static_cast<int>(next_random(rng) % 4);
  for (int i = 0; i < steps; ++i) {
    Block *mine = make_block(rng);
    Block *old = g_pool[next_random(rng) % kSlots].exchange(mine);
    if (old)
      drop(old); // usually another task's block: a cross-task free
    std::vector<int> scratch(next_random(rng) % 100 + 1, 7);
    co_await child_work(next_random(rng));
    // Re-queued: the next step may run on another thread.
    co_await asio::post(ex, asio::use_awaitable);
  }
  g_in_flight.fetch_sub(1);
  g_done.fetch_add(1);
}

asio::awaitable<void> driver(std::uint64_t tasks) {
  auto ex = co_await asio::this_coro::executor;
  for (std::uint64_t i = 0; i < tasks; ++i) {
    // Bounded concurrency: a million frames need not exist at once.
    while (g_in_flight.load() > 2000)
      co_await asio::post(ex, asio::use_awaitable);
    g_in_flight.fetch_add(1);
    asio::co_spawn(ex, worker(i), asio::detached);
  }
}

} // namespace

int main(int argc, char **argv) {
  const std::uint64_t tasks =
      argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
  const unsigned threads = argc > 2 ? std::atoi(argv[2]) : 4;
  {
    asio::io_context io(static_cast<int>(threads));
    asio::co_spawn(io, driver(tasks), asio::detached);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&io] { io.run(); });
    for (auto &t : pool)
      t.join();
  }
  if (g_done.load() != tasks) {
    std::printf("load_exact: FAIL: %llu of %llu tasks finished\n",
                (unsigned long long)g_done.load(), (unsigned long long)tasks);
    return 1;
  }

  // What is actually live: the pool's blocks, by owner.
  std::map<std::uint64_t, std::uint64_t> expected;
  std::uint64_t pool_bytes = 0;
  for (auto &slot : g_pool)
    if (Block *b = slot.load()) {
      expected[b->owner] += b->size;
      pool_bytes += b->size;
    }

  int failures = 0;
  auto check = [&](const char *phase,
                   const std::map<std::uint64_t, std::uint64_t> &want) {
    const memscope::MemorySnapshot s = memscope::get_memory_snapshot();
    std::uint64_t sum_live = 0, migrated = 0, listed = 0;
    for (const memscope::TaskProfile &t : s.tasks()) {
      ++listed;
      sum_live += t.live_bytes;
      if (t.threads.size() > 1)
        ++migrated;
      auto it = want.find(t.id);
      const std::uint64_t w = it == want.end() ? 0 : it->second;
      if (t.live_bytes != w || t.allocated_bytes - t.freed_bytes != w ||
          t.state != memscope::TaskState::Completed) {
        if (++failures <= 10)
          std::printf("load_exact: FAIL (%s): task %llu '%s' live %llu, "
                      "allocated-freed %lld, expected %llu, state %s\n",
                      phase, (unsigned long long)t.id,
                      std::string(t.name).c_str(),
                      (unsigned long long)t.live_bytes,
                      (long long)(t.allocated_bytes - t.freed_bytes),
                      (unsigned long long)w,
                      std::string(memscope::to_string(t.state)).c_str());
      }
    }
    // Tasks the runtime folded to reuse their records (past
    // MEMSCOPE_MAX_TASKS completed ones) held nothing when folded.
    for (const memscope::FoldedTasks &g : s.folded())
      if (g.live_bytes != 0 || g.allocated_bytes != g.freed_bytes) {
        ++failures;
        std::printf("load_exact: FAIL (%s): folded '%s' live %llu\n", phase,
                    std::string(g.name).c_str(),
                    (unsigned long long)g.live_bytes);
      }
    listed += s.folded_task_count();
    std::uint64_t want_sum = 0;
    for (auto &[id, bytes] : want)
      want_sum += bytes;
    if (sum_live != want_sum || listed != tasks + 1 ||
        s.active_task_count() != 0 ||
        (threads > 1 && tasks >= 1000 && migrated == 0)) {
      ++failures;
      std::printf("load_exact: FAIL (%s): sum of task live %llu, actually "
                  "live %llu, tasks %llu (want %llu), active %zu, migrated "
                  "%llu\n",
                  phase, (unsigned long long)sum_live,
                  (unsigned long long)want_sum, (unsigned long long)listed,
                  (unsigned long long)(tasks + 1), s.active_task_count(),
                  (unsigned long long)migrated);
    }
    std::fprintf(stderr,
                 "load_exact (%s): %llu tasks, %llu migrated, %llu bytes live "
                 "in tasks\n",
                 phase, (unsigned long long)listed,
                 (unsigned long long)migrated, (unsigned long long)sum_live);
  };
  check("pool held", expected);

  // Free everything from main (no task): every task must drop to zero.
  for (auto &slot : g_pool)
    if (Block *b = slot.exchange(nullptr))
      drop(b);
  check("pool freed", {});
  if (pool_bytes == 0) {
    std::printf("load_exact: FAIL: nothing was kept\n");
    ++failures;
  }
  if (failures == 0)
    std::printf("load_exact: OK (%llu tasks, %u threads, %llu bytes)\n",
                (unsigned long long)tasks, threads,
                (unsigned long long)pool_bytes);
  return failures == 0 ? 0 : 1;
}
