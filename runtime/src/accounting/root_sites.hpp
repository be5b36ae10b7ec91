// Figures per (task root, site): what each root coroutine's tasks allocated
// at each site, and how much of it is still live, so that memory that
// outlived its task is reported by the line that allocated it (docs/design.md
// §3). A block is counted for the root of the task that allocated it, also
// when another task frees it: the footer names the allocating task's slot,
// whose record stays until the block is freed (task_reclaim.hpp).
//
// Where the counts live, cheapest first:
//   - this thread's site entry (site_shards.hpp), tagged with one root: the
//     allocation path's plain adds;
//   - a task whose root is not known yet (a spawn's arguments, allocated
//     before its coroutine starts) keeps them in its own short pending list
//     (TaskCold::pending); when the root becomes known (adopt, context.cpp)
//     they move to that root;
//   - everything else (an entry tagged with another root, a thread without
//     site pages, a full pending list): a shared, fixed-size, lock-free
//     table of pairs with relaxed atomic adds;
//   - and when that is full, the site's shared counters (g_site_counters)
//     under "root not known", so per-site figures stay exact regardless.
// Readers add all four (snapshot.cpp).
#ifndef MEMSCOPE_RT_ROOT_SITES_HPP
#define MEMSCOPE_RT_ROOT_SITES_HPP

#include <atomic>
#include <cstdint>
#include <unordered_map>

namespace memscope::detail {

// Root keys: a root coroutine's site index (0: not known), or these.
inline constexpr std::uint32_t kNoTaskRoot = 0xFFFFFFFEu;    // "no task" bucket
inline constexpr std::uint32_t kUnclaimedRoot = 0xFFFFFFFFu; // entry unused

inline constexpr std::uint64_t root_site_key(std::uint32_t root,
                                             std::uint32_t site) noexcept {
  return std::uint64_t{root} << 32 | site;
}

// A task's counts at one site while its root is not known
// (TaskCold::pending; the site is TaskCold::pending_site1).
struct PendingSite {
  std::atomic<std::uint64_t> allocated_bytes;
  std::atomic<std::uint64_t> freed_bytes;
  std::atomic<std::uint64_t> alloc_count;
  std::atomic<std::uint64_t> free_count;
};
inline constexpr std::size_t kPendingSites = 2;

// One pair's figures as readers add them up.
struct RootSiteSum {
  std::int64_t live_bytes = 0;
  std::uint64_t freed_bytes = 0;
  std::uint64_t alloc_count = 0;
  std::uint64_t free_count = 0;
  void add(std::uint64_t allocated, std::uint64_t freed, std::uint64_t allocs,
           std::uint64_t frees) noexcept {
    live_bytes += static_cast<std::int64_t>(allocated - freed);
    freed_bytes += freed;
    alloc_count += allocs;
    free_count += frees;
  }
};
using RootSiteTotals = std::unordered_map<std::uint64_t, RootSiteSum>;

// Counts an event in the shared table (or, when full, g_site_counters).
void count_shared(bool alloc, std::uint32_t root, std::uint32_t site,
                  std::uint64_t size) noexcept;

// Counts an event of a task whose root is not known yet in its pending
// list; false when the list is full.
bool count_pending(bool alloc, std::uint32_t slot, std::uint32_t site,
                   std::uint64_t size) noexcept;

// Moves a task's pending counts to its root (whatever root_site says now,
// 0 included): when the root becomes known, and before its slot is reused.
// Each byte and count moves once, also when two threads move at once.
void move_pending(std::uint32_t slot) noexcept;

// Adds the shared table, g_site_counters and the pending lists of the
// listed tasks to `out` (readers; with the FoldLock held, so that no
// pending list is moved by a reclaim meanwhile).
void add_shared_root_sites(RootSiteTotals &out);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_ROOT_SITES_HPP
