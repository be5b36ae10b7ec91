#include "accounting/root_sites.hpp"

#include "accounting/site_shards.hpp"
#include "accounting/sites.hpp"
#include "tasks/task_cold.hpp"
#include "tasks/task_table.hpp"

namespace memscope::detail {
namespace {

// The shared pairs: open addressing over a static array (bss: only pages
// that are used become resident), keys inserted with a CAS and never
// removed, so a lookup needs no lock and an event no allocation.
struct PairCounters {
  std::atomic<std::uint64_t> key1; // root_site_key + 1; 0: free
  std::atomic<std::uint64_t> allocated_bytes;
  std::atomic<std::uint64_t> freed_bytes;
  std::atomic<std::uint64_t> alloc_count;
  std::atomic<std::uint64_t> free_count;
};
constexpr std::uint32_t kPairShift = 16;
constexpr std::uint32_t kPairs = 1u << kPairShift;
constexpr std::uint32_t kProbes = 64;
std::atomic<std::uint32_t> g_pairs_used{0}; // readers skip an unused table
// Raw zero bytes, as site_shards.cpp's page pool: no dynamic initialiser.
alignas(PairCounters) unsigned char g_pair_bytes[sizeof(PairCounters) * kPairs];
PairCounters *pairs() noexcept {
  return reinterpret_cast<PairCounters *>(g_pair_bytes);
}

PairCounters *find_pair(std::uint32_t root, std::uint32_t site) noexcept {
  const std::uint64_t key1 = root_site_key(root, site) + 1;
  const std::uint64_t h = (key1 * 0x9E3779B97F4A7C15ull) >> (64 - kPairShift);
  for (std::uint32_t probe = 0; probe < kProbes; ++probe) {
    PairCounters &p = pairs()[(h + probe) & (kPairs - 1)];
    std::uint64_t k = p.key1.load(std::memory_order_acquire);
    if (k == 0 &&
        p.key1.compare_exchange_strong(k, key1, std::memory_order_acq_rel)) {
      g_pairs_used.fetch_add(1, std::memory_order_release);
      return &p;
    }
    if (k == key1)
      return &p;
  }
  return nullptr; // full around here: the site's shared counters
}

void add_shared(std::uint32_t root, std::uint32_t site, std::uint64_t allocated,
                std::uint64_t freed, std::uint64_t allocs,
                std::uint64_t frees) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  if (PairCounters *p = find_pair(root, site)) [[likely]] {
    if (allocated | allocs) {
      p->allocated_bytes.fetch_add(allocated, relaxed);
      p->alloc_count.fetch_add(allocs, relaxed);
    }
    if (freed | frees) {
      p->freed_bytes.fetch_add(freed, relaxed);
      p->free_count.fetch_add(frees, relaxed);
    }
    return;
  }
  SiteCounters &s = g_site_counters[site];
  s.live_bytes.fetch_add(static_cast<std::int64_t>(allocated - freed), relaxed);
  if (allocs)
    s.alloc_count.fetch_add(allocs, relaxed);
  if (freed | frees) {
    s.freed_bytes.fetch_add(freed, relaxed);
    s.free_count.fetch_add(frees, relaxed);
  }
}

} // namespace

void count_shared(bool alloc, std::uint32_t root, std::uint32_t site,
                  std::uint64_t size) noexcept {
  if (alloc)
    add_shared(root, site, size, 0, 1, 0);
  else
    add_shared(root, site, 0, size, 0, 1);
}

bool count_pending(bool alloc, std::uint32_t slot, std::uint32_t site,
                   std::uint64_t size) noexcept {
  TaskCold *cold = task_cold(slot);
  if (!cold)
    return false;
  constexpr auto relaxed = std::memory_order_relaxed;
  for (std::size_t k = 0; k < kPendingSites; ++k) {
    PendingSite &e = cold->pending[k];
    std::atomic<std::uint32_t> &site1 = cold->pending_site1[k];
    std::uint32_t s1 = site1.load(std::memory_order_acquire);
    if (s1 == 0 && site1.compare_exchange_strong(s1, site + 1,
                                                 std::memory_order_acq_rel))
      s1 = site + 1;
    if (s1 != site + 1)
      continue;
    if (alloc) {
      e.allocated_bytes.fetch_add(size, relaxed);
      e.alloc_count.fetch_add(1, relaxed);
    } else {
      e.freed_bytes.fetch_add(size, relaxed);
      e.free_count.fetch_add(1, relaxed);
    }
    // The root may have become known since this event read it: then this
    // event's counts move too (the mover may have passed already).
    if (task(slot).root_site.load(std::memory_order_acquire) != 0)
      move_pending(slot);
    return true;
  }
  return false;
}

void move_pending(std::uint32_t slot) noexcept {
  TaskCold *cold = task_cold(slot);
  if (!cold)
    return;
  const std::uint32_t root =
      task(slot).root_site.load(std::memory_order_acquire);
  for (std::size_t k = 0; k < kPendingSites; ++k) {
    PendingSite &e = cold->pending[k];
    const std::uint32_t s1 =
        cold->pending_site1[k].load(std::memory_order_acquire);
    if (s1 == 0)
      continue;
    // Exchanges: each count moves once, whoever moves it.
    const std::uint64_t allocated = e.allocated_bytes.exchange(0);
    const std::uint64_t freed = e.freed_bytes.exchange(0);
    const std::uint64_t allocs = e.alloc_count.exchange(0);
    const std::uint64_t frees = e.free_count.exchange(0);
    if (allocated | freed | allocs | frees)
      add_shared(root, s1 - 1, allocated, freed, allocs, frees);
  }
}

MEMSCOPE_RARE_CALL void count_site_slow(bool alloc, std::uint32_t slot, std::uint32_t root,
                     std::uint32_t site, std::uint64_t size) noexcept {
  if (root == 0 && slot != 0) { // a task whose root is not known yet
    if (!count_pending(alloc, slot, site, size))
      count_shared(alloc, 0, site, size);
    return;
  }
  if (ShardSiteCounters *c = my_site_counters(site)) {
    std::uint32_t tag = c->root.load(std::memory_order_relaxed);
    if (tag == kUnclaimedRoot) {
      // Only this thread writes its entries: claim it for this root.
      c->root.store(root, std::memory_order_release);
      tag = root;
    }
    if (tag == root) {
      if (alloc)
        entry_add_alloc(*c, size);
      else
        entry_add_free(*c, size);
      return;
    }
  }
  count_shared(alloc, root, site, size);
}

void add_shared_root_sites(RootSiteTotals &out) {
  constexpr auto relaxed = std::memory_order_relaxed;
  const bool used = g_pairs_used.load(std::memory_order_acquire) != 0;
  for (std::uint32_t i = 0; used && i < kPairs; ++i) {
    const PairCounters &p = pairs()[i];
    const std::uint64_t key1 = p.key1.load(std::memory_order_acquire);
    if (key1 == 0)
      continue;
    // Freed first: a free landing in between shows as less live memory.
    const std::uint64_t freed = p.freed_bytes.load(relaxed);
    const std::uint64_t frees = p.free_count.load(relaxed);
    out[key1 - 1].add(p.allocated_bytes.load(relaxed), freed,
                      p.alloc_count.load(relaxed), frees);
  }
  const std::uint32_t end = site_index_end();
  for (std::uint32_t i = 0; i < end; ++i) {
    const SiteCounters &c = g_site_counters[i];
    const std::uint64_t allocs = c.alloc_count.load(relaxed);
    const std::uint64_t frees = c.free_count.load(relaxed);
    if (allocs == 0 && frees == 0)
      continue;
    RootSiteSum &sum = out[root_site_key(0, i)];
    sum.live_bytes += c.live_bytes.load(relaxed);
    sum.freed_bytes += c.freed_bytes.load(relaxed);
    sum.alloc_count += allocs;
    sum.free_count += frees;
  }
  const std::uint32_t slots = task_slot_end();
  for (std::uint32_t slot = 1; slot < slots; ++slot) {
    const TaskRecord *r = task_if_mapped(slot);
    const TaskCold *cold = r ? task_cold(slot) : nullptr;
    if (!cold || !(r->flags.load(std::memory_order_acquire) & kPublished))
      continue;
    for (std::size_t k = 0; k < kPendingSites; ++k) {
      const PendingSite &e = cold->pending[k];
      const std::uint32_t s1 =
          cold->pending_site1[k].load(std::memory_order_acquire);
      if (s1 == 0)
        continue;
      const std::uint64_t allocs = e.alloc_count.load(relaxed);
      const std::uint64_t frees = e.free_count.load(relaxed);
      if (allocs == 0 && frees == 0)
        continue;
      const std::uint64_t freed = e.freed_bytes.load(relaxed);
      out[root_site_key(r->root_site.load(relaxed), s1 - 1)].add(
          e.allocated_bytes.load(relaxed), freed, allocs, frees);
    }
  }
}

} // namespace memscope::detail
