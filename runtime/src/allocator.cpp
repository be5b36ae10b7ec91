// Replacement global operator new/delete (every form) and the __memscope_new*
// entry points. Each block carries a 16-byte header in front of it:
//   word 0: bits 0..55 size requested, bits 56..63 log2 of the distance from
//           the block's real base to the returned pointer (0: base = p - 16)
//   word 1: task slot (32 bits) | site index (32 bits)
// so a free is credited to the task and site that allocated the block,
// whichever thread or task frees it. Charging is a few relaxed atomic adds:
// no lock, no allocation, no system call beyond malloc itself.
#include "lifecycle.hpp"
#include "no_task_shards.hpp"
#include "site_shards.hpp"
#include "sites.hpp"
#include "task_table.hpp"
#include "thread_state.hpp"

#include "memscope/abi.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace memscope::detail {
namespace {

struct Header {
  std::uint64_t size_shift;
  std::uint32_t slot;
  std::uint32_t site;
};
static_assert(sizeof(Header) == 16);

constexpr std::size_t kHeader = sizeof(Header);
constexpr std::uint64_t kSizeMask = (std::uint64_t{1} << 56) - 1;

inline Header *header_of(void *p) noexcept {
  return reinterpret_cast<Header *>(static_cast<char *>(p) - kHeader);
}

// This thread's "no task" shard (no_task_shards.hpp); null when all are
// taken.
inline NoTaskShard *my_no_task_shard() noexcept {
  if (NoTaskShard *mine = t_state.no_task) [[likely]]
    return mine;
  return claim_no_task_shard();
}

// Charges `size` bytes to the current task (or the "no task" bucket, or the
// untracked bucket while the runtime allocates for itself) and to a site:
// the precise one when given, else the coroutine that is running.
[[gnu::always_inline]] inline void charge(Header *h, std::size_t size,
                                          std::uint32_t precise_site) {
  const ThreadState &ts = t_state;
  std::uint32_t slot, site;
  if (ts.internal != 0) [[unlikely]] {
    slot = kUntrackedSlot;
    site = 0;
  } else {
    slot = context_slot(ts.context);
    site = precise_site ? precise_site : context_site(ts.context);
  }
  h->slot = slot;
  h->site = site;
  const auto n = static_cast<std::int64_t>(size);
  NoTaskShard *shard;
  if (slot == 0 && (shard = my_no_task_shard())) [[likely]] {
    shard->charge(n); // no task: this thread's shard (no_task_shards.hpp)
  } else if (slot == ts.owned_slot && slot != 0) [[likely]] {
    // The owner (task_table.hpp): plain adds.
    TaskRecord &r = *ts.owned_record;
    owner_add(r.own_allocated_bytes, std::uint64_t{size});
    owner_add(r.own_alloc_count, std::uint64_t{1});
    raise_peak(r.peak_live_bytes, live_total(r));
  } else {
    TaskRecord &r = task(slot);
    const std::int64_t live =
        r.live_bytes.fetch_add(n, std::memory_order_relaxed) + n +
        static_cast<std::int64_t>(
            r.own_allocated_bytes.load(std::memory_order_relaxed) -
            r.own_freed_bytes.load(std::memory_order_relaxed));
    raise_peak(r.peak_live_bytes, live);
    r.alloc_count.fetch_add(1, std::memory_order_relaxed);
  }
  if (slot == kUntrackedSlot)
    return; // the runtime's memory is nobody's, not even a site's
  if (ShardSiteCounters *mine = my_site_counters(site)) [[likely]] {
    // This thread's page (site_shards.hpp).
    owner_add(mine->allocated_bytes, std::uint64_t{size});
    owner_add(mine->alloc_count, std::uint64_t{1});
    return;
  }
  SiteCounters &s = g_site_counters[site];
  s.live_bytes.fetch_add(n, std::memory_order_relaxed);
  s.alloc_count.fetch_add(1, std::memory_order_relaxed);
}

[[gnu::always_inline]] inline void credit(const Header *h,
                                          std::size_t size) noexcept {
  const auto n = static_cast<std::int64_t>(size);
  NoTaskShard *shard;
  if (h->slot == 0 && (shard = my_no_task_shard())) [[likely]] {
    shard->credit(n);
  } else if (h->slot == t_state.owned_slot && h->slot != 0) [[likely]] {
    TaskRecord &r = *t_state.owned_record;
    owner_add(r.own_freed_bytes, std::uint64_t{size});
    // The count last, with release: a slot sweep that sees the counts
    // balance sees these bytes too (task_reclaim.hpp).
    r.own_free_count.store(r.own_free_count.load(std::memory_order_relaxed) + 1,
                           std::memory_order_release);
  } else {
    TaskRecord &r = task(h->slot);
    r.live_bytes.fetch_sub(n, std::memory_order_relaxed);
    r.freed_bytes.fetch_add(size, std::memory_order_relaxed);
    r.free_count.fetch_add(1, std::memory_order_release);
  }
  if (h->slot == kUntrackedSlot)
    return;
  if (ShardSiteCounters *mine = my_site_counters(h->site)) [[likely]] {
    owner_add(mine->freed_bytes, std::uint64_t{size});
    owner_add(mine->free_count, std::uint64_t{1});
    return;
  }
  SiteCounters &s = g_site_counters[h->site];
  s.live_bytes.fetch_sub(n, std::memory_order_relaxed);
  s.freed_bytes.fetch_add(size, std::memory_order_relaxed);
  s.free_count.fetch_add(1, std::memory_order_relaxed);
}

// One attempt at the raw block; null on failure. Alignments up to the
// header size are met by malloc itself (16 on every 64-bit glibc target).
inline void *try_raw(std::size_t size, std::size_t align, unsigned &shift) {
  if (align <= kHeader) {
    shift = 0;
    if (size > SIZE_MAX - kHeader)
      return nullptr;
    void *base = std::malloc(size + kHeader);
    return base ? static_cast<char *>(base) + kHeader : nullptr;
  }
  // Over-aligned: the header goes in the `align` bytes before the returned
  // pointer, which stays aligned; the shift records that distance.
  if ((align & (align - 1)) != 0 || size > SIZE_MAX - align)
    return nullptr;
  void *base = nullptr;
  if (posix_memalign(&base, align, size + align) != 0)
    return nullptr;
  shift = static_cast<unsigned>(__builtin_ctzll(align));
  return static_cast<char *>(base) + align;
}

// operator new semantics: on failure call the new_handler and retry; with no
// handler, fail (the throwing forms throw std::bad_alloc, the nothrow forms
// return null, also when the handler throws bad_alloc).
template <bool Nothrow>
inline void *allocate(std::size_t size, std::size_t align,
                      std::uint32_t precise_site) noexcept(Nothrow) {
  unsigned shift = 0;
  void *p = try_raw(size, align, shift);
  while (!p) [[unlikely]] {
    std::new_handler handler = std::get_new_handler();
    if (!handler) {
      if constexpr (Nothrow)
        return nullptr;
      else
        throw std::bad_alloc();
    }
    if constexpr (Nothrow) {
      try {
        handler();
      } catch (const std::bad_alloc &) {
        return nullptr;
      }
    } else {
      handler();
    }
    p = try_raw(size, align, shift);
  }
  Header *h = header_of(p);
  h->size_shift =
      (std::uint64_t{size} & kSizeMask) | (std::uint64_t{shift} << 56);
  charge(h, size, precise_site);
  return p;
}

inline void deallocate(void *p) noexcept {
  if (!p)
    return;
  Header *h = header_of(p);
  const std::uint64_t word = h->size_shift;
  credit(h, static_cast<std::size_t>(word & kSizeMask));
  const unsigned shift = static_cast<unsigned>(word >> 56);
  std::free(shift ? static_cast<char *>(p) - (std::size_t{1} << shift)
                  : static_cast<void *>(h));
}

inline std::uint32_t precise(const memscope_site *site) noexcept {
  return site_index(site);
}

inline std::size_t align_of(std::align_val_t a) noexcept {
  return static_cast<std::size_t>(a);
}

} // namespace
} // namespace memscope::detail

using memscope::detail::align_of;
using memscope::detail::allocate;
using memscope::detail::deallocate;
using memscope::detail::precise;

// ---- Global replacements ([new.delete]) ----------------------------------
// Exported: they must replace libstdc++'s for the whole process.
#pragma GCC visibility push(default)

void *operator new(std::size_t n) { return allocate<false>(n, 0, 0); }
void *operator new[](std::size_t n) { return allocate<false>(n, 0, 0); }
void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
  return allocate<true>(n, 0, 0);
}
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept {
  return allocate<true>(n, 0, 0);
}
void *operator new(std::size_t n, std::align_val_t a) {
  return allocate<false>(n, align_of(a), 0);
}
void *operator new[](std::size_t n, std::align_val_t a) {
  return allocate<false>(n, align_of(a), 0);
}
void *operator new(std::size_t n, std::align_val_t a,
                   const std::nothrow_t &) noexcept {
  return allocate<true>(n, align_of(a), 0);
}
void *operator new[](std::size_t n, std::align_val_t a,
                     const std::nothrow_t &) noexcept {
  return allocate<true>(n, align_of(a), 0);
}

// The header knows size and alignment, so every delete form is the same.
void operator delete(void *p) noexcept { deallocate(p); }
void operator delete[](void *p) noexcept { deallocate(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept {
  deallocate(p);
}
void operator delete[](void *p, const std::nothrow_t &) noexcept {
  deallocate(p);
}
void operator delete(void *p, std::size_t) noexcept { deallocate(p); }
void operator delete[](void *p, std::size_t) noexcept { deallocate(p); }
void operator delete(void *p, std::align_val_t) noexcept { deallocate(p); }
void operator delete[](void *p, std::align_val_t) noexcept { deallocate(p); }
void operator delete(void *p, std::align_val_t,
                     const std::nothrow_t &) noexcept {
  deallocate(p);
}
void operator delete[](void *p, std::align_val_t,
                       const std::nothrow_t &) noexcept {
  deallocate(p);
}
void operator delete(void *p, std::size_t, std::align_val_t) noexcept {
  deallocate(p);
}
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept {
  deallocate(p);
}

#pragma GCC visibility pop

// ---- Sited entry points (abi.h) -----------------------------------------

// The ABI hooks are the library's interface: exported despite
// -fvisibility=hidden.
#pragma GCC visibility push(default)
extern "C" {

void *__memscope_new(size_t size, const memscope_site *site) {
  return allocate<false>(size, 0, precise(site));
}
void *__memscope_new_array(size_t size, const memscope_site *site) {
  return allocate<false>(size, 0, precise(site));
}
void *__memscope_new_nothrow(size_t size, const memscope_site *site) {
  return allocate<true>(size, 0, precise(site));
}
void *__memscope_new_array_nothrow(size_t size, const memscope_site *site) {
  return allocate<true>(size, 0, precise(site));
}
void *__memscope_new_aligned(size_t size, size_t align,
                             const memscope_site *site) {
  return allocate<false>(size, align, precise(site));
}
void *__memscope_new_array_aligned(size_t size, size_t align,
                                   const memscope_site *site) {
  return allocate<false>(size, align, precise(site));
}
void *__memscope_new_aligned_nothrow(size_t size, size_t align,
                                     const memscope_site *site) {
  return allocate<true>(size, align, precise(site));
}
void *__memscope_new_array_aligned_nothrow(size_t size, size_t align,
                                           const memscope_site *site) {
  return allocate<true>(size, align, precise(site));
}

} // extern "C"
#pragma GCC visibility pop

// Static links: a program that pulls the allocator also gets the exit report.
[[gnu::used]] static const int *const memscope_allocator_anchor =
    &memscope::detail::g_lifecycle_anchor;
