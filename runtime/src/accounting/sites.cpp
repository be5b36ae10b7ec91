#include "accounting/sites.hpp"

namespace memscope::detail {
namespace {

std::atomic<const memscope_site *> g_sites[kMaxSites];
std::atomic<std::uint32_t> g_next_index{1};

// The site's index field, shared with the compiler-emitted table; accessed
// atomically because registration may race with a lazy registration.
std::atomic_ref<std::uint32_t> index_of(const memscope_site *site) noexcept {
  return std::atomic_ref<std::uint32_t>(
      const_cast<memscope_site *>(site)->index);
}

[[gnu::noinline]] std::uint32_t register_site(const memscope_site *site) {
  auto field = index_of(site);
  std::uint32_t have = field.load(std::memory_order_acquire);
  if (have != 0)
    return have;
  const std::uint32_t fresh =
      g_next_index.fetch_add(1, std::memory_order_relaxed);
  if (fresh >= kMaxSites) {
    g_next_index.store(kMaxSites, std::memory_order_relaxed);
    // Table full: the site's figures go to "unknown", and its index stays
    // 0, never past the table (the inline hooks test only for 0: abi.h).
    return 0;
  }
  g_sites[fresh].store(site, std::memory_order_release);
  if (!field.compare_exchange_strong(have, fresh, std::memory_order_acq_rel)) {
    // Another thread registered it first: our index stays unused (readers
    // skip entries whose site does not carry their index).
    return have;
  }
  return fresh;
}

} // namespace

SiteCounters g_site_counters[kMaxSites];

std::uint32_t site_index(const memscope_site *site) noexcept {
  if (!site)
    return 0;
  const std::uint32_t index = index_of(site).load(std::memory_order_relaxed);
  if (index != 0 && index < kMaxSites) [[likely]]
    return index;
  return register_site(site);
}

const memscope_site *site_at(std::uint32_t index) noexcept {
  if (index == 0 || index >= kMaxSites)
    return nullptr;
  const memscope_site *site = g_sites[index].load(std::memory_order_acquire);
  if (!site || index_of(site).load(std::memory_order_acquire) != index)
    return nullptr;
  return site;
}

std::uint32_t site_index_end() noexcept {
  const std::uint32_t end = g_next_index.load(std::memory_order_acquire);
  return end > kMaxSites ? kMaxSites : end;
}

namespace {
std::atomic<bool> g_table_registered{false};
}

bool site_table_registered() noexcept {
  return g_table_registered.load(std::memory_order_relaxed);
}

} // namespace memscope::detail

#pragma GCC visibility push(default)
// The ABI check (abi.h): only this version's symbol exists, so modules
// compiled for another version fail to link.
extern "C" void MEMSCOPE_ABI_SYMBOL(void) {}

extern "C" void __memscope_register_sites(memscope_site *start,
                                          memscope_site *stop) {
  memscope::detail::g_table_registered.store(true, std::memory_order_relaxed);
  if (!start || !stop || stop <= start)
    return;
  // Idempotent: registered sites already carry their index.
  for (memscope_site *site = start; site != stop; ++site)
    if (site->kind != 0)
      memscope::detail::site_index(site);
}
#pragma GCC visibility pop
