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

#include "accounting/live_peak.hpp"
#include "tasks/task_table.hpp"

#include <atomic>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint32_t kMaxNoTaskShards = 1024;
inline constexpr std::uint32_t kNoShard = 0xFFFFFFFFu; // all shards taken

// A shard has the layout of a task record and uses only its owner set
// (own_allocated_bytes, own_freed_bytes, own_alloc_count, own_free_count) and
// peak_live_bytes; its shared set stays zero. So the allocator's fast path
// charges "no task" and a task this thread owns with the same code: one
// pointer, chosen without a branch (allocator.cpp).
struct NoTaskShard : TaskRecord {
  // Single writer: plain adds (no lock prefix), still atomic for readers.
  void charge(std::int64_t n) noexcept {
    owner_add(own_allocated_bytes, static_cast<std::uint64_t>(n));
    const auto live = static_cast<std::int64_t>(
        own_allocated_bytes.load(std::memory_order_relaxed) -
        own_freed_bytes.load(std::memory_order_relaxed));
    if (live > peak_live_bytes.load(std::memory_order_relaxed))
      peak_live_bytes.store(live, std::memory_order_relaxed);
    owner_add(own_alloc_count, std::uint64_t{1});
  }
  void credit(std::int64_t n) noexcept {
    owner_add(own_freed_bytes, static_cast<std::uint64_t>(n));
    owner_add(own_free_count, std::uint64_t{1});
  }
  // This thread's unflushed change of live bytes, whatever it charged or
  // credited (tasks too): the process-wide peak (live_peak.hpp). In its own
  // line after the record's three.
  LiveFlow flow;
};
static_assert(sizeof(NoTaskShard) == sizeof(TaskRecord) + 64);

extern NoTaskShard g_no_task_shards[kMaxNoTaskShards];

// Claims a shard for the calling thread (once per thread); null when none
// is left.
NoTaskShard *claim_no_task_shard() noexcept;

// flush_live_flow of the calling thread's shard's flow into g_live_peak
// (the thread has a shard). Takes no argument, so that the fast paths
// (allocation_path.hpp), which call it on a rare branch, keep their own
// values in the argument registers across it.
[[gnu::noinline]] MEMSCOPE_RARE_CALL void flush_my_live_flow() noexcept;

// How many shards threads have claimed (they are g_no_task_shards[0..n)).
std::uint32_t no_task_shards_claimed() noexcept;

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
