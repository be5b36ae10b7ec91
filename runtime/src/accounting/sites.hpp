// The site table: every registered memscope_site gets a global index (its
// `index` field is written at registration); index 0 is the "unknown" site.
// Per-site counters live in a static array indexed by it, so charging a site
// is one indexed atomic add.
#ifndef MEMSCOPE_RT_SITES_HPP
#define MEMSCOPE_RT_SITES_HPP

#include "memscope/abi.h"

#include <atomic>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint32_t kMaxSites = MEMSCOPE_MAX_SITES;

struct SiteCounters {
  std::atomic<std::int64_t> live_bytes;
  std::atomic<std::uint64_t> freed_bytes; // allocated = live + freed
  std::atomic<std::uint64_t> alloc_count;
  std::atomic<std::uint64_t> free_count;
};

extern SiteCounters g_site_counters[kMaxSites];

// Index of a site, registering it on first sight (a module whose constructor
// has not run yet, or a site outside any registered table). 0 for null.
std::uint32_t site_index(const memscope_site *site) noexcept;

// The site registered under an index; null for 0 or an unused index.
const memscope_site *site_at(std::uint32_t index) noexcept;

// One past the highest index handed out.
std::uint32_t site_index_end() noexcept;

// Whether any module compiled with the plugin registered its site table
// (false: nothing in the program was instrumented).
bool site_table_registered() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_SITES_HPP
