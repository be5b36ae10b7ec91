#include "support/clock.hpp"

#include <atomic>
#include <chrono>

namespace memscope::detail {
namespace {

std::atomic<std::uint64_t> g_origin_ticks{0};
std::atomic<std::int64_t> g_origin_ns{0};

std::int64_t steady_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace

void clock_init() noexcept {
  std::uint64_t expected = 0;
  const std::int64_t ns = steady_ns();
  const std::uint64_t now = ticks();
  if (g_origin_ticks.compare_exchange_strong(expected, now ? now : 1))
    g_origin_ns.store(ns, std::memory_order_relaxed);
}

// The ratio is measured over everything since the origin: the longer the
// program has run, the better the estimate. A program younger than the
// minimum window gets a short spin so that the ratio is not noise.
TickConverter make_tick_converter() noexcept {
  clock_init();
  constexpr std::int64_t kMinWindowNs = 5'000'000;
  TickConverter c;
  c.origin_ticks = g_origin_ticks.load(std::memory_order_relaxed);
  const std::int64_t origin_ns = g_origin_ns.load(std::memory_order_relaxed);
  std::int64_t now_ns = steady_ns();
  while (now_ns - origin_ns < kMinWindowNs)
    now_ns = steady_ns();
  c.now_ticks = ticks();
  if (c.now_ticks > c.origin_ticks)
    c.ns_per_tick = static_cast<double>(now_ns - origin_ns) /
                    static_cast<double>(c.now_ticks - c.origin_ticks);
  return c;
}

} // namespace memscope::detail
