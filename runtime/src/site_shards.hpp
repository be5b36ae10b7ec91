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
#ifndef MEMSCOPE_RT_SITE_SHARDS_HPP
#define MEMSCOPE_RT_SITE_SHARDS_HPP

#include "no_task_shards.hpp"
#include "sites.hpp"
#include "thread_state.hpp"

#include <atomic>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint32_t kSitePageShift = 9;
inline constexpr std::uint32_t kSitesPerPage = 1u << kSitePageShift;
inline constexpr std::uint32_t kSitePages = kMaxSites >> kSitePageShift;
inline constexpr std::uint32_t kMaxSiteShards = 256;
inline constexpr std::uint32_t kSitePagePool = 1024; // 16 MiB of address space

// One thread's counters of one site. Allocated rather than live bytes, so
// that an allocation and a free update different words.
struct ShardSiteCounters {
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
    t_state.site_page0 = p;
  return p ? &p->counters[site & (kSitesPerPage - 1)] : nullptr;
}

// Adds every thread's counters of a site (readers).
void add_site_shards(std::uint32_t site, std::int64_t &live,
                     std::uint64_t &freed, std::uint64_t &allocs,
                     std::uint64_t &frees) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_SITE_SHARDS_HPP
