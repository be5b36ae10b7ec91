#include "accounting/site_shards.hpp"

namespace memscope::detail {
namespace {
// Raw zero bytes rather than an array of SitePage: the entries' atomics
// have constructors, and an array this large is past what the compiler
// evaluates at compile time, so it would get a dynamic initialiser that
// wipes pages claimed by allocations made before it runs.
alignas(SitePage) unsigned char g_page_bytes[sizeof(SitePage) * kSitePagePool];
SitePage *pool_page(std::uint32_t i) noexcept {
  return reinterpret_cast<SitePage *>(g_page_bytes) + i;
}
std::atomic<std::uint32_t> g_pages_used{0};
std::atomic<std::uint32_t> g_shards_with_pages{0}; // highest shard + 1
} // namespace

SiteShard g_site_shards[kMaxSiteShards];

SitePage *claim_site_page(std::uint32_t shard, std::uint32_t page) noexcept {
  const std::uint32_t i = g_pages_used.fetch_add(1, std::memory_order_relaxed);
  if (i >= kSitePagePool) {
    g_pages_used.store(kSitePagePool, std::memory_order_relaxed);
    return nullptr;
  }
  SitePage *p = pool_page(i);
  for (ShardSiteCounters &c : p->counters) // before readers can see it
    c.root.store(kUnclaimedRoot, std::memory_order_relaxed);
  std::uint32_t seen = g_shards_with_pages.load(std::memory_order_relaxed);
  while (seen < shard + 1 && !g_shards_with_pages.compare_exchange_weak(
                                 seen, shard + 1, std::memory_order_release))
    ;
  // Only this thread writes its directory: publish for readers.
  g_site_shards[shard].pages[page].store(p, std::memory_order_release);
  if (page == 0)
    set_site_page0(t_state, p);
  return p;
}

void add_site_shards(RootSiteTotals &out) {
  const std::uint32_t n = g_shards_with_pages.load(std::memory_order_acquire);
  for (std::uint32_t s = 0; s < n && s < kMaxSiteShards; ++s) {
    for (std::uint32_t page = 0; page < kSitePages; ++page) {
      const SitePage *p =
          g_site_shards[s].pages[page].load(std::memory_order_acquire);
      if (!p)
        continue;
      for (std::uint32_t i = 0; i < kSitesPerPage; ++i) {
        const ShardSiteCounters &c = p->counters[i];
        const std::uint32_t root = c.root.load(std::memory_order_acquire);
        if (root == kUnclaimedRoot)
          continue;
        // Freed first: a free landing in between shows up as less live
        // memory.
        const std::uint64_t f = c.freed_bytes.load(std::memory_order_relaxed);
        const std::uint64_t frees =
            c.free_count.load(std::memory_order_relaxed);
        out[root_site_key(root, page << kSitePageShift | i)].add(
            c.allocated_bytes.load(std::memory_order_relaxed), f,
            c.alloc_count.load(std::memory_order_relaxed), frees);
      }
    }
  }
}

} // namespace memscope::detail
