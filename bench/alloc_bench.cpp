// new/delete microbenchmarks. The same source is built three ways (see
// bench/CMakeLists.txt): plain (libstdc++'s operator new), linked with the
// runtime (its replacement operator new: what allocations inside Asio and
// other uninstrumented code pay), and compiled with the plugin (new
// expressions here become __memscope_new with a compile-time site). The
// runner divides each variant's median by the plain build's median.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <sys/resource.h>

#if defined(MEMSCOPE_BENCH_RUNTIME)
#include "memscope/abi.h"
#endif

namespace {

// Makes a task current for the benchmark's thread (when the runtime is
// linked), so allocations are charged to a task rather than to "no task".
#if defined(MEMSCOPE_BENCH_RUNTIME)
// The root coroutine's site, registered as the plugin registers a module's
// table: a task with a known root takes the same path as an instrumented
// coroutine's (a root of "unknown" would be counted in the shared pair
// table, a path no instrumented task takes).
memscope_site g_task_site[] = {{"alloc_bench.cpp", "bench_task()", nullptr,
                                 1, 1, MEMSCOPE_SITE_COROUTINE, 0,
                                 MEMSCOPE_TYPE_UNKNOWN, 0}};
[[gnu::constructor]] void register_bench_sites() {
  __memscope_register_sites(g_task_site, g_task_site + 1);
}
#endif

struct InTask {
#if defined(MEMSCOPE_BENCH_RUNTIME)
  // A root frame as the pass would set it up (ramp, then frame_begin; the
  // frame is static here, not on the heap).
  std::uint64_t saved = __memscope_ramp_enter(g_task_site);
  std::uint64_t binding =
      __memscope_frame_begin(&frame, sizeof frame | MEMSCOPE_FRAME_NOT_ON_HEAP);
  ~InTask() { __memscope_suspend(saved); }
  static inline char frame[64];
#endif
};

void new_delete(benchmark::State &state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    char *p = new char[size];
    benchmark::DoNotOptimize(p);
    delete[] p;
  }
}

void new_delete_in_task(benchmark::State &state) {
  InTask task;
  new_delete(state);
}

// A realistic mix: a batch of live objects of varied sizes, freed in a
// different order than allocated (what a request handler does).
void batch_mixed(benchmark::State &state) {
  InTask task;
  constexpr std::size_t kBatch = 64;
  std::vector<std::unique_ptr<char[]>> live(kBatch);
  std::uint32_t x = 12345;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      x = x * 1103515245u + 12345u;
      live[i].reset(new char[16 + (x >> 16) % 512]);
      benchmark::DoNotOptimize(live[i].get());
    }
    for (std::size_t i = 0; i < kBatch; i += 2)
      live[i].reset();
    for (std::size_t i = 1; i < kBatch; i += 2)
      live[i].reset();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void string_build(benchmark::State &state) {
  InTask task;
  for (auto _ : state) {
    std::string s(100, 'x');
    s += std::to_string(state.iterations());
    benchmark::DoNotOptimize(s.data());
  }
}

// The C family: what C libraries, strdup and Asio's recycling allocator
// pay.
void malloc_free(benchmark::State &state) {
  InTask task;
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    void *p = std::malloc(size);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}

// A task that allocates 1000 blocks of 32..287 bytes and frees them, again
// and again: sensitive to the heap's behaviour (trim threshold, top pad),
// which a per-block header can push over an edge. Reports the minor page
// faults per iteration too (the runner compares them with plain's).
void alloc_loop_1000(benchmark::State &state) {
  InTask task;
  std::vector<char *> blocks(1000);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  for (auto _ : state) {
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      blocks[i] = new char[32 + (i * 37) % 256];
      benchmark::DoNotOptimize(blocks[i]);
    }
    for (char *b : blocks)
      delete[] b;
  }
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  state.counters["minor_faults"] = benchmark::Counter(
      static_cast<double>(after.ru_minflt - before.ru_minflt),
      benchmark::Counter::kAvgIterations);
}

} // namespace

BENCHMARK(new_delete)->Arg(16)->Arg(64)->Arg(512)->Arg(4096);
BENCHMARK(malloc_free)->Arg(64);
BENCHMARK(alloc_loop_1000);
BENCHMARK(new_delete_in_task)->Arg(64);
BENCHMARK(new_delete)->Arg(64)->Threads(2);
BENCHMARK(new_delete_in_task)->Arg(64)->Threads(2);
BENCHMARK(batch_mixed);
BENCHMARK(string_build);

BENCHMARK_MAIN();
