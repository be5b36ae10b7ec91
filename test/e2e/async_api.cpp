// The task-centric API end to end, on Boost.Asio features users combine it
// with: spawn_tracked (join handle, explicit type, function objects,
// exceptions), create_tracked (constant and run-time types, awaited
// directly, in awaitable operators, nested in spawn_tracked), both co_spawn
// forms, strands, a multi-threaded io_context, experimental::channel,
// MEMSCOPE_TRACK_VAR and track_var_async, initialize() in every form.
//
// RUN: %memscope_cxx -O1 -g %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t 6 > %t.out 2> %t.err
// RUN: FileCheck %s < %t.out
// RUN: %python %S/async_api.py %t.json %t.out
// RUN: env MEMSCOPE_MODE=counts %t 6 | FileCheck --check-prefix=COUNTS %s
// RUN: env MEMSCOPE_MODE=off %t 6 | FileCheck --check-prefix=OFF %s
// RUN: env MEMSCOPE_MODE=loud MEMSCOPE_ASYNC_MODE=1 %t 6 2>&1 | FileCheck --check-prefix=BAD %s
// RUN: env MEMSCOPE_ASYNC_MODE=yes %t 6 2>&1 | FileCheck --check-prefix=BADASYNC %s
//
// CHECK: initialized
// CHECK: join: 42
// CHECK: lambda: 7
// CHECK: caught: boom from a task
// CHECK: awaited directly: 1048576
// CHECK: caught directly: seed boom
// CHECK: void awaited directly
// CHECK: direct: 65536
// CHECK: operators: 3 and 4, first: 1
// CHECK: nested: 5
// CHECK: strand total: 400
// CHECK: channel: 100 items, 4950
// CHECK: variables: 6 records
// CHECK: done
// COUNTS: variables: 0 records, 6 counted
// OFF: variables: 0 records, 0 counted
// BAD: memscope: ignoring MEMSCOPE_MODE='loud': expected off, counts or full; using full
// BAD-NOT: memscope:
// BAD: done
// BADASYNC: memscope: ignoring MEMSCOPE_ASYNC_MODE='yes': expected 0 or 1; using 0
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using asio::awaitable;
using asio::use_awaitable;
using memscope::TaskType;

// Makes a block observable, so the optimiser cannot elide its allocation.
inline void keep(const void *p) { asm volatile("" : : "r"(p) : "memory"); }

awaitable<int> answer() {
  std::vector<char> scratch(100000, 1); // ~100 kB, freed before the end
  keep(scratch.data());
  MEMSCOPE_TRACK_VAR(scratch);
  co_return 42;
}

awaitable<int> thrower() {
  std::string msg = "boom from a task";
  throw std::runtime_error(msg);
  co_return 0;
}

// The seed's quick start: `let result = spawn_tracked(work()).await?`.
awaitable<std::size_t> seed_work() {
  std::vector<char> mib(1 << 20, 's');
  keep(mib.data());
  co_return mib.size();
}
awaitable<int> seed_raise() {
  throw std::runtime_error(std::string("seed boom"));
  co_return 0;
}
awaitable<void> seed_void() {
  std::vector<char> v(3000, 'v');
  keep(v.data());
  co_return;
}

// Run-time type: decided by argv, not known to the compiler.
awaitable<std::size_t> typed_at_runtime() {
  std::vector<int> v(50000);
  keep(v.data());
  co_await memscope::track_var_async(v, "v");
  co_return v.size();
}

awaitable<std::size_t> direct_child() {
  std::vector<char> block(65536, 2);
  keep(block.data());
  co_return block.size();
}

awaitable<int> three() { co_return 3; }
awaitable<int> four() { co_return 4; }
awaitable<int> quick() { co_return 1; }
awaitable<void> slow() {
  asio::steady_timer t(co_await asio::this_coro::executor,
                       std::chrono::seconds(5));
  co_await t.async_wait(use_awaitable);
}
awaitable<int> nested_value() { co_return 5; }

awaitable<void> strand_worker(int &total) {
  std::vector<int> local(100, 1);
  keep(local.data());
  MEMSCOPE_TRACK_VAR(local);
  for (int v : local) {
    total += v; // the strand serialises the four workers
    co_await asio::post(co_await asio::this_coro::executor, use_awaitable);
  }
}

// Producer and consumer run on a two-thread io_context without a strand:
// the channel must be the thread-safe one.
using Channel = asio::experimental::concurrent_channel<void(
    boost::system::error_code, int)>;
awaitable<void> producer(Channel &ch) {
  for (int i = 0; i < 100; ++i)
    co_await ch.async_send(boost::system::error_code{}, i, use_awaitable);
}
awaitable<int> consumer(Channel &ch) {
  std::vector<int> got;
  for (int i = 0; i < 100; ++i)
    got.push_back(co_await ch.async_receive(use_awaitable));
  int sum = 0;
  for (int v : got)
    sum += v;
  co_return sum;
}

awaitable<void> run(TaskType runtime_type) {
  co_await memscope::initialize();
  co_await memscope::init_async();
  memscope::initialize(); // a plain call: also fine
  std::printf("initialized\n");
  auto ex = co_await asio::this_coro::executor;

  auto a = memscope::spawn_tracked(ex, answer(), TaskType::Background);
  std::printf("join: %d\n", co_await a.join());
  std::printf("task id reported: %s\n", a.id() ? "yes" : "no");

  auto l = memscope::spawn_tracked(ex, []() -> awaitable<int> {
    std::vector<long> l(1000);
    keep(l.data());
    co_return 7;
  });
  std::printf("lambda: %d\n", co_await l.join());

  try {
    auto t = memscope::spawn_tracked(ex, thrower());
    co_await t.join();
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
  }

  // The handle awaited directly: the result, the exception, or nothing.
  const std::size_t direct_result =
      co_await memscope::spawn_tracked(ex, seed_work());
  std::printf("awaited directly: %zu\n", direct_result);
  try {
    co_await memscope::spawn_tracked(ex, seed_raise());
  } catch (const std::exception &e) {
    std::printf("caught directly: %s\n", e.what());
  }
  co_await memscope::spawn_tracked(ex, seed_void());
  std::printf("void awaited directly\n");

  auto r = memscope::spawn_tracked(
      ex, memscope::create_tracked(typed_at_runtime(), runtime_type));
  std::printf("runtime typed: %zu\n", co_await r.join());

  std::size_t d = co_await memscope::create_tracked(direct_child(),
                                                    TaskType::MemoryIntensive);
  std::printf("direct: %zu\n", d);

  auto [x, y] = co_await (memscope::create_tracked(three()) &&
                          memscope::create_tracked(four()));
  auto first = co_await (memscope::create_tracked(quick()) ||
                         memscope::create_tracked(slow()));
  std::printf("operators: %d and %d, first: %d\n", x, y,
              first.index() == 0 ? std::get<0>(first) : -1);

  int n = 0;
  asio::co_spawn(ex, memscope::create_tracked(nested_value(), runtime_type),
                 [&](std::exception_ptr, int v) { n = v; });
  co_await asio::post(ex, use_awaitable);
  co_await asio::post(ex, use_awaitable);
  std::printf("nested: %d\n", n);
}

int main(int argc, char **argv) {
  const TaskType runtime_type =
      static_cast<TaskType>(argc > 1 ? std::atoi(argv[1]) : 8);
  asio::io_context io(2);
  asio::co_spawn(io, run(runtime_type), asio::detached);
  io.run();
  io.restart();

  // A strand on a two-thread io_context; the function-object form of
  // co_spawn; a channel between two tasks.
  int strand_total = 0;
  auto strand = asio::make_strand(io);
  for (int i = 0; i < 4; ++i)
    asio::co_spawn(strand, strand_worker(strand_total), asio::detached);
  Channel ch(io, 4);
  int channel_sum = -1;
  asio::co_spawn(io, [&]() -> awaitable<void> { co_await producer(ch); },
                 asio::detached);
  asio::co_spawn(io, consumer(ch), [&](std::exception_ptr, int s) {
    channel_sum = s;
  });
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  std::printf("strand total: %d\n", strand_total);
  std::printf("channel: 100 items, %d\n", channel_sum);

  const auto vars = memscope::tracked_variables();
  std::printf("variables: %zu records, %llu counted\n", vars.size(),
              static_cast<unsigned long long>(
                  memscope::tracked_variable_totals().count));
  for (const auto &v : vars)
    std::printf("variable %s type=%s bytes=%llu task=%llu line=%u\n",
                v.name.c_str(), v.type.c_str(),
                static_cast<unsigned long long>(v.heap_bytes),
                static_cast<unsigned long long>(v.task_id), v.line);
  std::printf("done\n");
}
