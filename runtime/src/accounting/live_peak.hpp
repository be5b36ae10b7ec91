// The process-wide peak of live bytes (summary.peak_live_bytes): the
// highest value the sum of every task's and the "no task" bucket's live
// bytes reached, and when.
//
// An exact peak of a sum over threads would need one shared counter updated
// on every allocation and free (a locked add on a line every thread writes:
// the very cost the per-thread counters avoid). Instead each thread keeps,
// in its "no task" shard, the net change of live bytes it made since its
// last flush (`delta`) and the highest value that change reached
// (`excursion`): a plain add and one compare per event. It flushes into the
// global sum when the change has grown by a granule, or fallen a granule
// below its high point: one locked add per 64 KiB of movement. A flush
// raises the global peak candidate to (global sum before the flush +
// excursion), reading the clock only when it does raise it.
//
// Exact for a single allocating thread (no other thread moves the sum, so
// the sum before the flush is the one at the thread's high point). With n
// threads each of the others may hold up to a granule it has not flushed:
// the figure is within n x 64 KiB of the true peak (peak_bound_bytes), and
// its time is that of the flush, at most a granule of that thread's frees
// after the high point. A block freed by another thread counts on the
// freeing thread. A high point not flushed by the time of a report (a
// thread that fell less than a granule since) is found by the report, which
// reads every shard, and is timed at the report.
#ifndef MEMSCOPE_RT_LIVE_PEAK_HPP
#define MEMSCOPE_RT_LIVE_PEAK_HPP

#include "support/rare_call.hpp"

#include <atomic>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::int64_t kLivePeakGranule = 64 * 1024;

// One thread's unflushed change (single writer: plain loads and stores,
// atomic so that a report may read them).
struct LiveFlow {
  std::atomic<std::int64_t> delta;
  std::atomic<std::int64_t> excursion; // max of delta since the flush, >= 0
  // excursion - granule, so that a free compares without an add. Zero in a
  // fresh flow: its first free flushes once (nothing) and sets it.
  std::atomic<std::int64_t> low;
};

struct LivePeakTotals {
  std::atomic<std::int64_t> live;        // flushed deltas, summed
  std::atomic<std::int64_t> peak;        // highest candidate so far
  std::atomic<std::uint64_t> peak_ticks; // when it was raised
};

extern constinit LivePeakTotals g_live_peak;

// Moves `f`'s change into `g` and raises g's peak (live_peak.cpp).
[[gnu::noinline]] MEMSCOPE_RARE_CALL void
flush_live_flow(LiveFlow &f, LivePeakTotals &g) noexcept;
// Raises g's peak to `candidate` if higher, and its time to now.
void raise_live_peak(LivePeakTotals &g, std::int64_t candidate) noexcept;

// One event of a flow; `flush` moves it into the global sum (a rare call).
template <class Flush>
[[gnu::always_inline]] inline void flow_charge_with(LiveFlow &f, std::int64_t n,
                                                    Flush flush) noexcept {
  const std::int64_t d = f.delta.load(std::memory_order_relaxed) + n;
  f.delta.store(d, std::memory_order_relaxed);
  // In a steady state (a loop allocating and freeing) the change stays at
  // or below its high point: this branch is not taken.
  if (d > f.excursion.load(std::memory_order_relaxed)) [[unlikely]] {
    f.excursion.store(d, std::memory_order_relaxed);
    f.low.store(d - kLivePeakGranule, std::memory_order_relaxed);
    if (d >= kLivePeakGranule) [[unlikely]]
      flush();
  }
}
template <class Flush>
[[gnu::always_inline]] inline void flow_credit_with(LiveFlow &f, std::int64_t n,
                                                    Flush flush) noexcept {
  const std::int64_t d = f.delta.load(std::memory_order_relaxed) - n;
  f.delta.store(d, std::memory_order_relaxed);
  if (d <= f.low.load(std::memory_order_relaxed)) [[unlikely]]
    flush();
}

[[gnu::always_inline]] inline void
flow_charge(LiveFlow &f, std::int64_t n,
            LivePeakTotals &g = g_live_peak) noexcept {
  flow_charge_with(f, n, [&] { flush_live_flow(f, g); });
}
[[gnu::always_inline]] inline void
flow_credit(LiveFlow &f, std::int64_t n,
            LivePeakTotals &g = g_live_peak) noexcept {
  flow_credit_with(f, n, [&] { flush_live_flow(f, g); });
}

// A thread without a shard (past kMaxNoTaskShards): straight into the sum,
// a locked add per event (exact, as a granule of zero would be).
void flow_direct(std::int64_t n, LivePeakTotals &g = g_live_peak) noexcept;

// What a report says: the peak so far including every thread's unflushed
// high point, when it was reached, and the bound of its error.
struct LivePeak {
  std::int64_t live = 0;        // sum now: flushed plus every delta
  std::int64_t peak = 0;
  std::uint64_t peak_ticks = 0; // 0: reached at the report (unflushed)
  std::uint64_t bound = 0;      // |figure - true peak| < bound (0: exact)
  std::uint32_t threads = 0;    // threads that allocated or freed
};
// `flow(i)` for i in [0, n): every thread's flow.
template <class FlowAt>
LivePeak read_live_peak(const LivePeakTotals &g, std::uint32_t n,
                        FlowAt flow) noexcept {
  LivePeak p;
  p.threads = n;
  p.live = g.live.load(std::memory_order_relaxed);
  std::int64_t highest_rise = 0; // max over threads of excursion - delta
  for (std::uint32_t i = 0; i < n; ++i) {
    const LiveFlow &f = flow(i);
    const std::int64_t d = f.delta.load(std::memory_order_relaxed);
    const std::int64_t m = f.excursion.load(std::memory_order_relaxed);
    p.live += d;
    if (m - d > highest_rise)
      highest_rise = m - d;
  }
  p.peak = g.peak.load(std::memory_order_relaxed);
  p.peak_ticks = g.peak_ticks.load(std::memory_order_relaxed);
  // A thread's unflushed high point, with every other thread's change as
  // it is now: the sum now plus how far that thread has fallen since.
  if (p.live + highest_rise > p.peak) {
    p.peak = p.live + highest_rise;
    p.peak_ticks = 0;
  }
  p.bound = n > 1 ? std::uint64_t{n} * kLivePeakGranule : 0;
  return p;
}
// The same for the runtime's own flows (every claimed shard).
LivePeak read_live_peak() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_LIVE_PEAK_HPP
