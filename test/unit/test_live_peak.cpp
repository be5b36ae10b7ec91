// The process-wide peak of live bytes (live_peak.hpp): the flush logic on
// simulated threads (exact for one, within the bound for several), the
// peak-time encoding of task_peak.hpp, and both figures through a snapshot.
#include "fake_coro.hpp"
#include "accounting/live_peak.hpp"
#include "tasks/task_peak.hpp"

#include "memscope/snapshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

using memscope::detail::decode_peak_offset;
using memscope::detail::encode_peak_offset;
using memscope::detail::flow_charge;
using memscope::detail::flow_credit;
using memscope::detail::kLivePeakGranule;
using memscope::detail::LiveFlow;
using memscope::detail::LivePeak;
using memscope::detail::LivePeakTotals;
using memscope::detail::read_live_peak;

namespace {

constexpr std::int64_t kKiB = 1024;

// A set of simulated threads, each with its flow, over one global sum; the
// true sum and its true peak are kept beside them.
template <std::size_t N> struct Flows {
  LivePeakTotals g{};
  std::array<LiveFlow, N> flows{};
  std::int64_t live = 0, true_peak = 0;

  void alloc(std::size_t thread, std::int64_t n) {
    flow_charge(flows[thread], n, g);
    live += n;
    true_peak = std::max(true_peak, live);
  }
  void free(std::size_t thread, std::int64_t n) {
    flow_credit(flows[thread], n, g);
    live -= n;
  }
  LivePeak read() const {
    return read_live_peak(g, N, [this](std::uint32_t i) -> const LiveFlow & {
      return flows[i];
    });
  }
};

} // namespace

TEST(LivePeakFlush, SmallSteadyLoopNeverFlushes) {
  Flows<1> f;
  for (int i = 0; i < 100000; ++i) {
    f.alloc(0, 64);
    f.free(0, 64);
  }
  EXPECT_EQ(f.g.live.load(), 0); // nothing flushed
  EXPECT_EQ(f.flows[0].excursion.load(), 64);
  const LivePeak p = f.read();
  EXPECT_EQ(p.peak, 64);
  EXPECT_EQ(p.live, 0);
  EXPECT_EQ(p.bound, 0u);
}

TEST(LivePeakFlush, FlushesOnAGranuleUpOrDownFromTheHighPoint) {
  Flows<1> f;
  f.alloc(0, kLivePeakGranule - 1);
  EXPECT_EQ(f.g.live.load(), 0);
  f.alloc(0, 1); // reaches the granule: flushed, peak raised
  EXPECT_EQ(f.g.live.load(), kLivePeakGranule);
  EXPECT_EQ(f.g.peak.load(), kLivePeakGranule);
  EXPECT_NE(f.g.peak_ticks.load(), 0u);
  f.alloc(0, 10 * kKiB); // high point of the new window: 10 KiB
  f.free(0, kLivePeakGranule - 1); // not yet a granule below it
  EXPECT_EQ(f.g.live.load(), kLivePeakGranule);
  f.free(0, 1); // a granule below its high point: flushed
  EXPECT_EQ(f.g.live.load(), 10 * kKiB);
  EXPECT_EQ(f.g.peak.load(), kLivePeakGranule + 10 * kKiB); // exact
  EXPECT_EQ(f.flows[0].delta.load(), 0);
  EXPECT_EQ(f.flows[0].excursion.load(), 0);
}

// The case: a task holds 1.9 MiB for a moment above a baseline.
TEST(LivePeakFlush, OneThreadIsExact) {
  Flows<1> f;
  f.alloc(0, 300 * kKiB + 17); // baseline
  std::vector<std::int64_t> blocks;
  for (int i = 0; i < 19; ++i) {
    blocks.push_back(100 * kKiB + i);
    f.alloc(0, blocks.back());
  }
  for (std::int64_t b : blocks)
    f.free(0, b);
  const LivePeak p = f.read();
  EXPECT_EQ(p.peak, f.true_peak);
  EXPECT_EQ(p.live, f.live);
  EXPECT_EQ(p.bound, 0u);
  EXPECT_NE(p.peak_ticks, 0u); // flushed by the frees: timed then
}

TEST(LivePeakFlush, OneThreadRandomWalkIsExact) {
  std::mt19937_64 rng(14);
  for (int round = 0; round < 50; ++round) {
    Flows<1> f;
    std::vector<std::int64_t> held;
    for (int i = 0; i < 20000; ++i) {
      const bool grow = held.empty() || rng() % 100 < 52;
      if (grow) {
        const std::int64_t n =
            rng() % 10 == 0 ? static_cast<std::int64_t>(rng() % (200 * kKiB))
                            : static_cast<std::int64_t>(rng() % 512 + 1);
        held.push_back(n);
        f.alloc(0, n);
      } else {
        const std::size_t at = rng() % held.size();
        f.free(0, held[at]);
        held[at] = held.back();
        held.pop_back();
      }
      if (i % 997 == 0) // read at any moment, also mid-window
        ASSERT_EQ(f.read().peak, f.true_peak) << "round " << round;
    }
    const LivePeak p = f.read();
    ASSERT_EQ(p.peak, f.true_peak) << "round " << round;
    ASSERT_EQ(p.live, f.live);
  }
}

// Several threads: within n x granule of the true peak, and the frees one
// thread makes of another's blocks count on the freeing thread.
TEST(LivePeakFlush, SeveralThreadsStayWithinTheBound) {
  std::mt19937_64 rng(41);
  constexpr std::size_t kThreads = 4;
  std::int64_t worst = 0;
  for (int round = 0; round < 50; ++round) {
    Flows<kThreads> f;
    std::vector<std::int64_t> held;
    for (int i = 0; i < 20000; ++i) {
      const std::size_t thread = rng() % kThreads;
      if (held.empty() || rng() % 100 < 51) {
        const std::int64_t n =
            rng() % 8 == 0 ? static_cast<std::int64_t>(rng() % (100 * kKiB))
                           : static_cast<std::int64_t>(rng() % 4096 + 1);
        held.push_back(n);
        f.alloc(thread, n);
      } else {
        const std::size_t at = rng() % held.size();
        f.free(thread, held[at]); // often another thread's block
        held[at] = held.back();
        held.pop_back();
      }
    }
    const LivePeak p = f.read();
    ASSERT_EQ(p.bound, kThreads * kLivePeakGranule);
    ASSERT_EQ(p.live, f.live);
    const std::int64_t error = p.peak - f.true_peak;
    worst = std::max(worst, error < 0 ? -error : error);
    ASSERT_LT(error < 0 ? -error : error, static_cast<std::int64_t>(p.bound))
        << "round " << round << ": reported " << p.peak << ", true "
        << f.true_peak;
  }
  RecordProperty("worst_error_bytes", static_cast<int>(worst));
}

TEST(TaskPeakTime, EncodingIsExactBelow2To27Ticks) {
  for (std::uint64_t d : {0ull, 1ull, 12345ull, (1ull << 27) - 1})
    EXPECT_EQ(decode_peak_offset(encode_peak_offset(d)), d);
}

TEST(TaskPeakTime, EncodingKeeps26SignificantBits) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t d = rng() >> (6 + rng() % 30); // up to 2^58
    const std::uint64_t back = decode_peak_offset(encode_peak_offset(d));
    ASSERT_LE(back, d);
    ASSERT_LE(d - back, d >> 26) << d;
  }
  // Past 2^58 ticks: the largest offset, not a wrapped small one.
  EXPECT_GE(decode_peak_offset(encode_peak_offset(~0ull)), 1ull << 57);
}

namespace {

template <typename T> T *keep(T *p) {
  asm volatile("" : : "g"(p) : "memory");
  return p;
}

memscope_site g_peak_sites[] = {
    mstest::make_site("peak_task()", MEMSCOPE_SITE_COROUTINE,
                      MEMSCOPE_FLAG_TASK_ROOT, MEMSCOPE_TYPE_UNKNOWN, 400),
};

} // namespace

// Through the runtime: one thread (ctest runs each test in its own
// process), a 3 MiB burst outside any task and one inside a task, each
// freed again before the snapshot.
TEST(LivePeakSnapshot, BurstsBetweenSnapshotsAreRecorded) {
  mstest::register_table(g_peak_sites);
  const auto before = memscope::get_memory_snapshot();
  // The whole unit binary in one process: earlier tests' threads allocated.
  if (before.thread_count() > 1 && before.peak_live_bound_bytes() != 0)
    GTEST_SKIP() << "needs a process of its own, as ctest runs it";
  ASSERT_EQ(before.peak_live_bound_bytes(), 0u) << "one allocating thread";
  constexpr std::size_t kBurst = 3 << 20;
  char *block = keep(new char[kBurst]);
  delete[] block;
  const auto after = memscope::get_memory_snapshot();
  EXPECT_GE(after.peak_live_bytes(), before.live_memory_bytes() + kBurst);
  EXPECT_LE(after.peak_live_bytes(),
            std::max(before.peak_live_bytes(),
                     before.live_memory_bytes() + kBurst + 4096));
  EXPECT_GE(after.peak_live_at_ns(), before.uptime_ns());
  EXPECT_LE(after.peak_live_at_ns(), after.uptime_ns());

  // A task that peaks while it is current, then frees it all.
  std::uint64_t id = 0;
  char *big = nullptr;
  mstest::FakeCoro coro(&g_peak_sites[0]);
  id = coro.task();
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  const auto mid = memscope::get_memory_snapshot();
  coro.resume([&] { big = keep(new char[2 * kBurst]); });
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  coro.resume([&] { delete[] big; });
  const auto end = memscope::get_memory_snapshot();
  const memscope::TaskProfile *t = end.find_task(id);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->live_bytes, t->frame_bytes); // its frame is all it holds
  EXPECT_EQ(t->peak_live_bytes, 2 * kBurst + t->frame_bytes);
  EXPECT_GE(t->peak_live_at_ns, mid.uptime_ns());
  EXPECT_LE(t->peak_live_at_ns + 3'000'000, end.uptime_ns());
  EXPECT_GE(end.peak_live_bytes(), mid.live_memory_bytes() + 2 * kBurst);
  // Both were reached in the slice that allocated; the task's time is a
  // moment of that slice at which it held its peak (task_peak.hpp), the
  // process's that of the allocation.
  EXPECT_GE(end.peak_live_at_ns(), mid.uptime_ns());
  EXPECT_LE(end.peak_live_at_ns(), t->peak_live_at_ns);
  EXPECT_LE(end.peak_live_at_ns() + 3'000'000, end.uptime_ns());
}

namespace {

memscope_site g_owed_sites[] = {
    mstest::make_site("owed_task()", MEMSCOPE_SITE_COROUTINE,
                      MEMSCOPE_FLAG_TASK_ROOT, MEMSCOPE_TYPE_UNKNOWN, 410),
};

std::uint64_t uptime_now() {
  return memscope::get_memory_snapshot().uptime_ns();
}

// The same, read on another thread: a snapshot frees memory, and a free on
// this thread would record an owed peak time itself.
std::uint64_t uptime_elsewhere() {
  std::uint64_t t = 0;
  std::thread([&] { t = uptime_now(); }).join();
  return t;
}

} // namespace

// The owner's peak time is owed until the slice ends or the task frees
// (task_peak.hpp): a free in the same slice ends the plateau there, not at
// the switch 3 ms later.
TEST(TaskPeakTime, FreeInTheSameSliceEndsThePlateau) {
  mstest::register_table(g_owed_sites);
  mstest::FakeCoro coro(&g_owed_sites[0]);
  const std::uint64_t id = coro.task();
  std::uint64_t freed_at = 0, before = uptime_now();
  coro.resume([&] {
    char *a = keep(new char[100000]);
    char *b = keep(new char[100000]); // the peak: two blocks
    delete[] b;
    freed_at = uptime_now();
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    delete[] a;
  });
  const auto end = memscope::get_memory_snapshot();
  const memscope::TaskProfile *t = end.find_task(id);
  ASSERT_NE(t, nullptr);
  EXPECT_GE(t->peak_live_bytes, 200000u);
  EXPECT_GE(t->peak_live_at_ns, before);
  EXPECT_LE(t->peak_live_at_ns, freed_at);
}

// Without a free, the switch away records it: after the last raise, before
// the next slice.
TEST(TaskPeakTime, SwitchAwayRecordsIt) {
  mstest::register_table(g_owed_sites);
  mstest::FakeCoro coro(&g_owed_sites[0]);
  const std::uint64_t id = coro.task();
  std::vector<char *> grow;
  grow.reserve(50);
  std::uint64_t first_raise = 0;
  coro.resume([&] {
    first_raise = uptime_elsewhere();
    for (int i = 0; i < 50; ++i) // every one raises the peak
      grow.push_back(keep(new char[1000 + i]));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  const std::uint64_t later = uptime_elsewhere();
  coro.resume([&] {
    for (char *p : grow)
      delete[] p;
  });
  const auto end = memscope::get_memory_snapshot();
  const memscope::TaskProfile *t = end.find_task(id);
  ASSERT_NE(t, nullptr);
  EXPECT_GE(t->peak_live_at_ns, first_raise);
  EXPECT_LE(t->peak_live_at_ns + 3'000'000, later);
}

// A snapshot while the time is owed says "now"; a free of the task's block
// on another thread ends the plateau there.
TEST(TaskPeakTime, OwedTimeReadsAsNowAndOtherThreadsFreeEndsIt) {
  mstest::register_table(g_owed_sites);
  mstest::FakeCoro coro(&g_owed_sites[0]);
  const std::uint64_t id = coro.task();
  std::uint64_t raised = 0, freed_at = 0;
  memscope::TaskProfile mid{};
  coro.resume([&] {
    char *big = keep(new char[300000]);
    raised = uptime_now();
    const auto snap = memscope::get_memory_snapshot();
    if (const memscope::TaskProfile *t = snap.find_task(id))
      mid = *t;
    std::thread other([&] {
      delete[] big;
      freed_at = uptime_now();
    });
    other.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  });
  EXPECT_GE(mid.peak_live_at_ns, raised);
  const auto end = memscope::get_memory_snapshot();
  const memscope::TaskProfile *t = end.find_task(id);
  ASSERT_NE(t, nullptr);
  EXPECT_GE(t->peak_live_at_ns, raised);
  EXPECT_LE(t->peak_live_at_ns, freed_at);
}
