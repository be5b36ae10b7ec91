// Per-thread site counters. Every allocation and free also updates its
// site's figures; with one shared counter set per site that was two locked
// read-modify-writes per allocation and three per free, on cache lines that
// every thread running the same code writes.
//
// Each thread (the first kMaxSiteShards of them) gets a directory of pages
// of counters, one page per 512 site indices, taken on first use from a
// static pool (zero pages: no system call, and only pages that are touched
// become resident). Only the owning thread writes its pages, with plain
// adds; readers add every thread's page entry to the site's shared counters
// (g_site_counters, still used by threads without a shard), so figures stay
// exact. A free is counted on the freeing thread's page.
//
// An entry counts one (task root, site) pair (root_sites.hpp): it carries
// the root it counts for, claimed on first use. The allocation path checks
// that tag against its charge target's root (the same cache lines it
// touches anyway); a mismatch, a task whose root is not known yet, or a
// thread without a page takes the general path (count_site_slow), which
// uses the shared pair table. So an event still updates one counter set of
// its site, and per-site figures are the sums over roots.
#ifndef MEMSCOPE_RT_SITE_SHARDS_HPP
#define MEMSCOPE_RT_SITE_SHARDS_HPP

#include "accounting/no_task_shards.hpp"
#include "accounting/root_sites.hpp"
#include "accounting/sites.hpp"
#include "support/rare_call.hpp"
#include "tasks/thread_state.hpp"

#include <atomic>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint32_t kSitePageShift = 9;
inline constexpr std::uint32_t kSitesPerPage = 1u << kSitePageShift;
inline constexpr std::uint32_t kSitePages = kMaxSites >> kSitePageShift;
inline constexpr std::uint32_t kMaxSiteShards = 256;
inline constexpr std::uint32_t kSitePagePool = 1024; // 16 MiB of address space

// One thread's counters of one site, for one task root. Allocated rather
// than live bytes, so that an allocation and a free update different words.
struct ShardSiteCounters {
  // The root these count for (a TaskRecord::root_site, or kNoTaskRoot);
  // kUnclaimedRoot until first use. Written once, by the owning thread.
  std::atomic<std::uint32_t> root;
  std::uint32_t unused = 0;
  std::atomic<std::uint64_t> allocated_bytes;
  std::atomic<std::uint64_t> freed_bytes;
  std::atomic<std::uint64_t> alloc_count;
  std::atomic<std::uint64_t> free_count;
};

struct SitePage {
  ShardSiteCounters counters[kSitesPerPage];
};

struct SiteShard {
  std::atomic<SitePage *> pages[kSitePages];
};

extern SiteShard g_site_shards[kMaxSiteShards];

// Takes a pool page for (shard, page index); null when the pool is empty.
SitePage *claim_site_page(std::uint32_t shard, std::uint32_t page) noexcept;

// The calling thread's counters for a site; null when it has none (then the
// shared g_site_counters are used). The thread's shard index is the one its
// "no task" shard has.
inline ShardSiteCounters *my_site_counters(std::uint32_t site) noexcept {
  if (site < kSitesPerPage) [[likely]] {
    if (SitePage *p0 = t_state.site_page0) [[likely]]
      return &p0->counters[site];
  }
  std::uint32_t s = t_state.no_task_shard;
  if (s == 0) [[unlikely]] {
    claim_no_task_shard();
    s = t_state.no_task_shard;
  }
  if (s - 1u >= kMaxSiteShards) [[unlikely]]
    return nullptr;
  const std::uint32_t page = site >> kSitePageShift;
  SitePage *p =
      g_site_shards[s - 1].pages[page].load(std::memory_order_relaxed);
  if (!p) [[unlikely]]
    p = claim_site_page(s - 1, page);
  else if (page == 0)
    set_site_page0(t_state, p);
  return p ? &p->counters[site & (kSitesPerPage - 1)] : nullptr;
}

// The root a block of `slot` counts for: kNoTaskRoot for the "no task"
// bucket, else its task's root coroutine site (0 while not known). A block's
// slot stays its task's while the block lives (task_reclaim.hpp), so this
// is the allocating task's root, whichever thread or task frees the block.
inline std::uint32_t root_of_slot(std::uint32_t slot) noexcept {
  return slot == 0 ? kNoTaskRoot
                   : task(slot).root_site.load(std::memory_order_relaxed);
}

// Does this thread's entry count for the charge target's root? A "no task"
// shard's root_site is kNoTaskRoot; a task whose root is not known yet (0)
// matches no entry (nor does an unclaimed one).
[[gnu::always_inline]] inline bool
counts_for(const ShardSiteCounters &c, const TaskRecord &target) noexcept {
  return c.root.load(std::memory_order_relaxed) ==
         target.root_site.load(std::memory_order_relaxed);
}

// Plain adds on this thread's entry (the caller checked counts_for).
// `count` blocks of `size` bytes in all (the frame batch settles many).
[[gnu::always_inline]] inline void
entry_add_alloc(ShardSiteCounters &c, std::uint64_t size,
                std::uint64_t count = 1) noexcept {
  owner_add(c.allocated_bytes, size);
  owner_add(c.alloc_count, count);
}
[[gnu::always_inline]] inline void
entry_add_free(ShardSiteCounters &c, std::uint64_t size,
               std::uint64_t count = 1) noexcept {
  owner_add(c.freed_bytes, size);
  owner_add(c.free_count, count);
}

// Everything else: claims this thread's entry, or uses the task's pending
// list (root not known yet) or the shared pair table (root_sites.cpp).
// Saves every register it uses (rare_call.hpp): the fast paths call it
// on a rare branch.
MEMSCOPE_RARE_CALL void count_site_slow(bool alloc, std::uint32_t slot, std::uint32_t root,
                     std::uint32_t site, std::uint64_t size) noexcept;

// The allocation fast path's site update (allocator.cpp): `c` is this
// thread's entry of `site`, `target` the charge target (the owned task's
// record, or this thread's "no task" shard) of `slot`. The same plain adds
// as before per-root figures when the entry counts for the target's root;
// else the site part alone goes the slow way (the task's counters are done).
[[gnu::always_inline]] inline void
count_entry_alloc(ShardSiteCounters &c, const TaskRecord &target,
                  std::uint32_t slot, std::uint64_t site,
                  std::uint64_t size) noexcept {
  if (counts_for(c, target)) [[likely]]
    return entry_add_alloc(c, size);
  count_site_slow(true, slot, target.root_site.load(std::memory_order_relaxed),
                  static_cast<std::uint32_t>(site), size);
}
[[gnu::always_inline]] inline void
count_entry_free(ShardSiteCounters &c, const TaskRecord &target,
                 std::uint32_t slot, std::uint64_t site,
                 std::uint64_t size) noexcept {
  if (counts_for(c, target)) [[likely]]
    return entry_add_free(c, size);
  count_site_slow(false, slot, target.root_site.load(std::memory_order_relaxed),
                  static_cast<std::uint32_t>(site), size);
}

// The general allocation path's site update: (root of `slot`, site).
[[gnu::always_inline]] inline void
count_site_alloc(std::uint32_t slot, std::uint32_t site,
                 std::uint64_t size) noexcept {
  const std::uint32_t root = root_of_slot(slot);
  if (ShardSiteCounters *c = root ? my_site_counters(site) : nullptr;
      c && c->root.load(std::memory_order_relaxed) == root) [[likely]] {
    entry_add_alloc(*c, size);
    return;
  }
  count_site_slow(true, slot, root, site, size);
}
[[gnu::always_inline]] inline void
count_site_free(std::uint32_t slot, std::uint32_t site,
                std::uint64_t size) noexcept {
  const std::uint32_t root = root_of_slot(slot);
  if (ShardSiteCounters *c = root ? my_site_counters(site) : nullptr;
      c && c->root.load(std::memory_order_relaxed) == root) [[likely]] {
    entry_add_free(*c, size);
    return;
  }
  count_site_slow(false, slot, root, site, size);
}

// Adds every thread's entries, by (root, site), to `out` (readers).
void add_site_shards(RootSiteTotals &out);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_SITE_SHARDS_HPP
