// Per-thread accumulation of the busiest bucket: allocations made while no
// task is current (everything code allocates outside tasks: Asio's and the
// standard library's own blocks, start-up, other threads). Charging them to
// the shared slot-0 record cost locked read-modify-writes on a cache line
// that every thread writes (with the site counters, ten per new/delete pair:
// bench/alloc_bench measured 1.8x the time of plain libstdc++). Their sites
// are counted in the per-thread site pages (site_shards.hpp).
//
// Each thread gets its own shard, written only by that thread: an update is
// a relaxed load and store (a plain add), never a locked instruction, and
// readers sum the shards with relaxed loads, so every count and byte figure
// stays exact. A block is credited to the shard of the thread that frees it
// (a shard's live bytes may go negative; the sum is exact). The bucket's
// peak is the sum of the shards' own peaks: exact for a single thread, an
// upper bound (never below the true peak) when several threads allocate
// outside tasks at once.
//
// Threads past kMaxNoTaskShards use the shared atomic record, as before.
#ifndef MEMSCOPE_RT_NO_TASK_SHARDS_HPP
#define MEMSCOPE_RT_NO_TASK_SHARDS_HPP

#include <atomic>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint32_t kMaxNoTaskShards = 1024;
inline constexpr std::uint32_t kNoShard = 0xFFFFFFFFu; // all shards taken

struct alignas(64) NoTaskShard {
  // Allocated rather than live bytes, so that an allocation and a free
  // update different words. This thread's allocated - freed may go negative.
  std::atomic<std::uint64_t> allocated_bytes;
  std::atomic<std::int64_t> peak_live_bytes;
  std::atomic<std::uint64_t> freed_bytes;
  std::atomic<std::uint64_t> alloc_count;
  std::atomic<std::uint64_t> free_count;

  // Single writer: plain adds (no lock prefix), still atomic for readers.
  template <class T> static void bump(std::atomic<T> &c, T n) noexcept {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void charge(std::int64_t n) noexcept {
    bump(allocated_bytes, static_cast<std::uint64_t>(n));
    const auto live = static_cast<std::int64_t>(
        allocated_bytes.load(std::memory_order_relaxed) -
        freed_bytes.load(std::memory_order_relaxed));
    if (live > peak_live_bytes.load(std::memory_order_relaxed))
      peak_live_bytes.store(live, std::memory_order_relaxed);
    bump(alloc_count, std::uint64_t{1});
  }
  void credit(std::int64_t n) noexcept {
    bump(freed_bytes, static_cast<std::uint64_t>(n));
    bump(free_count, std::uint64_t{1});
  }
};

extern NoTaskShard g_no_task_shards[kMaxNoTaskShards];

// Claims a shard for the calling thread (once per thread); null when none
// is left.
NoTaskShard *claim_no_task_shard() noexcept;

// Sums of every claimed shard, for snapshots.
struct NoTaskTotals {
  std::int64_t live_bytes = 0;
  std::int64_t peak_live_bytes = 0;
  std::uint64_t freed_bytes = 0;
  std::uint64_t alloc_count = 0;
  std::uint64_t free_count = 0;
};
NoTaskTotals no_task_shard_totals() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_NO_TASK_SHARDS_HPP
