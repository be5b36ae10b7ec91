#include "accounting/live_peak.hpp"

#include "support/clock.hpp"
#include "accounting/no_task_shards.hpp"

namespace memscope::detail {

constinit LivePeakTotals g_live_peak{};

void raise_live_peak(LivePeakTotals &g, std::int64_t candidate) noexcept {
  std::int64_t seen = g.peak.load(std::memory_order_relaxed);
  do {
    if (candidate <= seen)
      return;
  } while (!g.peak.compare_exchange_weak(seen, candidate,
                                         std::memory_order_relaxed));
  // Raised: now is when. Two flushes raising it at once store the later
  // of their two times (a few nanoseconds apart), never an older one.
  const std::uint64_t now = ticks();
  std::uint64_t at = g.peak_ticks.load(std::memory_order_relaxed);
  while (now > at && !g.peak_ticks.compare_exchange_weak(
                         at, now, std::memory_order_relaxed))
    ;
}

MEMSCOPE_RARE_CALL void flush_live_flow(LiveFlow &f,
                                        LivePeakTotals &g) noexcept {
  const std::int64_t d = f.delta.load(std::memory_order_relaxed);
  const std::int64_t high = f.excursion.load(std::memory_order_relaxed);
  f.delta.store(0, std::memory_order_relaxed);
  f.excursion.store(0, std::memory_order_relaxed);
  f.low.store(-kLivePeakGranule, std::memory_order_relaxed);
  const std::int64_t before = g.live.fetch_add(d, std::memory_order_relaxed);
  raise_live_peak(g, before + high);
}

void flow_direct(std::int64_t n, LivePeakTotals &g) noexcept {
  const std::int64_t after = g.live.fetch_add(n, std::memory_order_relaxed) + n;
  if (n > 0)
    raise_live_peak(g, after);
}

LivePeak read_live_peak() noexcept {
  return read_live_peak(g_live_peak, no_task_shards_claimed(),
                        [](std::uint32_t i) -> const LiveFlow & {
                          return g_no_task_shards[i].flow;
                        });
}

} // namespace memscope::detail
