#include "accounting/no_task_shards.hpp"

#include "accounting/root_sites.hpp"
#include "tasks/thread_state.hpp"

namespace memscope::detail {
namespace {
std::atomic<std::uint32_t> g_shards_claimed{0};
} // namespace

NoTaskShard g_no_task_shards[kMaxNoTaskShards];

NoTaskShard *claim_no_task_shard() noexcept {
  ThreadState &ts = t_state;
  if (ts.no_task_shard == kNoShard)
    return nullptr;
  if (ts.no_task_shard != 0) // index + 1
    return &g_no_task_shards[ts.no_task_shard - 1];
  const std::uint32_t index =
      g_shards_claimed.fetch_add(1, std::memory_order_relaxed);
  if (index >= kMaxNoTaskShards) {
    g_shards_claimed.store(kMaxNoTaskShards, std::memory_order_relaxed);
    ts.no_task_shard = kNoShard;
    return nullptr;
  }
  ts.no_task_shard = index + 1;
  // Its site entries count for the "no task" root (site_shards.hpp).
  g_no_task_shards[index].root_site.store(kNoTaskRoot,
                                          std::memory_order_relaxed);
  ts.no_task = &g_no_task_shards[index];
  return ts.no_task;
}

MEMSCOPE_RARE_CALL void flush_my_live_flow() noexcept {
  flush_live_flow(t_state.no_task->flow, g_live_peak);
}

std::uint32_t no_task_shards_claimed() noexcept {
  const std::uint32_t n = g_shards_claimed.load(std::memory_order_acquire);
  return n < kMaxNoTaskShards ? n : kMaxNoTaskShards;
}

NoTaskTotals no_task_shard_totals() noexcept {
  NoTaskTotals t;
  const std::uint32_t n = no_task_shards_claimed();
  for (std::uint32_t i = 0; i < n; ++i) {
    const NoTaskShard &s = g_no_task_shards[i];
    // Freed first, as read_figures does: a free landing in between shows up
    // as less live memory, never as more allocated than was.
    const std::uint64_t freed =
        s.own_freed_bytes.load(std::memory_order_relaxed);
    t.free_count += s.own_free_count.load(std::memory_order_relaxed);
    t.freed_bytes += freed;
    t.live_bytes += static_cast<std::int64_t>(
        s.own_allocated_bytes.load(std::memory_order_relaxed) - freed);
    t.alloc_count += s.own_alloc_count.load(std::memory_order_relaxed);
    const std::int64_t peak = s.peak_live_bytes.load(std::memory_order_relaxed);
    t.peak_live_bytes += peak > 0 ? peak : 0;
  }
  return t;
}

} // namespace memscope::detail
