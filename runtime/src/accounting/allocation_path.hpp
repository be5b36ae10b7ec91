// The allocation path shared by every entry point: operator new/delete
// (replace_new.cpp), the C allocation family (replace_malloc.cpp) and the
// instrumented `new` expressions (sited_new.cpp). Each block carries a
// 16-byte header in front of it:
//   word 0: bits 0..55 size requested, bits 56..63 log2 of the distance from
//           the block's real base to the returned pointer (0: base = p - 16)
//   word 1: task slot (bits 0..31) | site index (bits 32..63), the same
//           encoding as a context (thread_state.hpp)
// so a free is credited to the task and site that allocated the block,
// whichever thread or task frees it, and every entry point frees every
// other's blocks (a block from malloc deleted, or from new freed, goes back
// the same way). Blocks come from the allocator underneath
// (raw_allocator.hpp). Charging is a few relaxed atomic adds: no lock, no
// allocation, no system call beyond the allocator underneath.
//
// The common cases (no task, or a task this thread owns; a site index below
// 512; malloc's own alignment) take an inline fast path (allocate_fast,
// deallocate): a handful of plain adds on counters only this thread writes,
// behind one branch. Everything else goes to the general code (charge,
// credit, allocate) through out-of-line cold functions.
#ifndef MEMSCOPE_RT_ALLOCATION_PATH_HPP
#define MEMSCOPE_RT_ALLOCATION_PATH_HPP

#include "accounting/live_peak.hpp"
#include "accounting/no_task_shards.hpp"
#include "accounting/raw_allocator.hpp"
#include "accounting/site_shards.hpp"
#include "accounting/sites.hpp"
#include "tasks/task_peak.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/abi.h"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>

namespace memscope::detail {


struct Header {
  std::uint64_t size_shift;
  std::uint64_t owner; // slot | site << 32: a context's own encoding

  std::uint32_t slot() const noexcept {
    return static_cast<std::uint32_t>(owner);
  }
  std::uint32_t site() const noexcept {
    return static_cast<std::uint32_t>(owner >> 32);
  }
};
static_assert(sizeof(Header) == 16);

constexpr std::size_t kHeader = sizeof(Header);
constexpr std::uint64_t kSizeMask = (std::uint64_t{1} << 56) - 1;

inline Header *header_of(void *p) noexcept {
  return reinterpret_cast<Header *>(static_cast<char *>(p) - kHeader);
}

// Where the block of `p` starts in the allocator underneath: the header
// itself, or `align` (1 << shift) bytes before an over-aligned pointer.
inline void *block_base(void *p, unsigned shift) noexcept {
  return shift ? static_cast<char *>(p) - (std::size_t{1} << shift)
               : static_cast<void *>(header_of(p));
}

// Gives a block back to the allocator underneath, except one that came
// from the bootstrap arena while that allocator was being looked up.
inline void raw_free(void *base) noexcept {
  if (in_bootstrap_arena(base)) [[unlikely]]
    return;
  g_raw.free(base);
}

// This thread's "no task" shard (no_task_shards.hpp); null when all are
// taken.
inline NoTaskShard *my_no_task_shard() noexcept {
  if (NoTaskShard *mine = t_state.no_task) [[likely]]
    return mine;
  return claim_no_task_shard();
}

// This thread's share of the process-wide live bytes (live_peak.hpp), for
// the general paths: its shard's flow, or the shared sum without one.
inline void flow_charge_here(std::int64_t n) noexcept {
  if (NoTaskShard *mine = my_no_task_shard()) [[likely]]
    flow_charge(mine->flow, n);
  else
    flow_direct(n);
}
inline void flow_credit_here(std::int64_t n) noexcept {
  if (NoTaskShard *mine = my_no_task_shard()) [[likely]]
    flow_credit(mine->flow, n);
  else
    flow_direct(-n);
}

// ---- Before start-up --------------------------------------------------

// Set once the runtime has started (lifecycle.cpp): until then every
// allocation (the C and C++ runtimes' and libraries' initialisation, before
// main) is charged to nobody, like the runtime's own.
extern std::atomic<bool> g_runtime_started;
inline bool runtime_started() noexcept {
  return g_runtime_started.load(std::memory_order_acquire);
}

// Charges `size` bytes to the current task (or the "no task" bucket, or the
// untracked bucket while the runtime allocates for itself) and to a site:
// the precise one when given, else the coroutine that is running.
[[gnu::always_inline]] inline void charge(Header *h, std::size_t size,
                                          std::uint32_t precise_site) {
  ThreadState &ts = t_state;
  std::uint32_t slot, site;
  if (ts.internal == kBeforeStart && runtime_started()) [[unlikely]]
    ts.internal = 0; // this thread's first allocation since start-up
  if (ts.internal != 0) [[unlikely]] {
    slot = kUntrackedSlot;
    site = 0;
  } else {
    slot = context_slot(ts.context);
    site = precise_site ? precise_site : context_site(ts.context);
  }
  h->owner = std::uint64_t{slot} | std::uint64_t{site} << 32;
  const auto n = static_cast<std::int64_t>(size);
  NoTaskShard *shard;
  if (slot == 0 && (shard = my_no_task_shard())) [[likely]] {
    shard->charge(n); // no task: this thread's shard (no_task_shards.hpp)
  } else if (slot == ts.owned_slot && slot != 0) [[likely]] {
    // The owner (task_table.hpp): plain adds.
    TaskRecord &r = *ts.owned_record;
    owner_add(r.own_allocated_bytes, std::uint64_t{size});
    owner_add(r.own_alloc_count, std::uint64_t{1});
    const std::int64_t live = live_total(r);
    if (live > r.peak_live_bytes.load(std::memory_order_relaxed))
      raise_task_peak(r, slot, live);
  } else {
    TaskRecord &r = task(slot);
    const std::int64_t live =
        r.live_bytes.fetch_add(n, std::memory_order_relaxed) + n +
        static_cast<std::int64_t>(
            r.own_allocated_bytes.load(std::memory_order_relaxed) -
            r.own_freed_bytes.load(std::memory_order_relaxed));
    if (slot != kUntrackedSlot && slot != 0)
      raise_task_peak(r, slot, live);
    else
      raise_peak(r.peak_live_bytes, live);
    r.alloc_count.fetch_add(1, std::memory_order_relaxed);
  }
  if (slot == kUntrackedSlot)
    return; // the runtime's memory is nobody's, not even a site's
  flow_charge_here(n);
  count_site_alloc(slot, site, size); // (task root, site): site_shards.hpp
}

[[gnu::always_inline]] inline void credit(const Header *h,
                                          std::size_t size) noexcept {
  const auto n = static_cast<std::int64_t>(size);
  NoTaskShard *shard;
  const std::uint32_t slot = h->slot(), site = h->site();
  // The site first: it reads the task's root, and once the task's counts
  // balance (the release below) its slot may be reused.
  if (slot != kUntrackedSlot) {
    count_site_free(slot, site, size); // the allocating task's root
    flow_credit_here(n);               // counts on the freeing thread
  }
  if (slot == 0 && (shard = my_no_task_shard())) [[likely]] {
    shard->credit(n);
  } else if (slot == t_state.owned_slot && slot != 0) [[likely]] {
    TaskRecord &r = *t_state.owned_record;
    owner_add(r.own_freed_bytes, std::uint64_t{size});
    // The count last, with release: a slot sweep that sees the counts
    // balance sees these bytes too (task_reclaim.hpp).
    r.own_free_count.store(r.own_free_count.load(std::memory_order_relaxed) + 1,
                           std::memory_order_release);
  } else {
    TaskRecord &r = task(slot);
    r.live_bytes.fetch_sub(n, std::memory_order_relaxed);
    r.freed_bytes.fetch_add(size, std::memory_order_relaxed);
    r.free_count.fetch_add(1, std::memory_order_release);
  }
}

// One attempt at the raw block; null on failure. Alignments up to the
// header size are met by malloc itself (16 on every 64-bit glibc target).
inline void *try_raw(std::size_t size, std::size_t align, unsigned &shift) {
  if (align <= kHeader) {
    shift = 0;
    if (size > SIZE_MAX - kHeader)
      return nullptr;
    void *base = g_raw.malloc(size + kHeader);
    return base ? static_cast<char *>(base) + kHeader : nullptr;
  }
  // Over-aligned: the header goes in the `align` bytes before the returned
  // pointer, which stays aligned; the shift records that distance.
  if ((align & (align - 1)) != 0 || size > SIZE_MAX - align)
    return nullptr;
  void *base = g_raw.memalign(align, size + align);
  if (!base)
    return nullptr;
  shift = static_cast<unsigned>(__builtin_ctzll(align));
  return static_cast<char *>(base) + align;
}

// How an allocation reports failure: operator new (call the new_handler and
// retry; with none, throw std::bad_alloc), its nothrow forms (the same, but
// return null, also when the handler throws bad_alloc), and the C family
// (return null with errno ENOMEM, no new_handler).
enum class Failure { kThrow, kNothrow, kErrno };

template <Failure F>
inline void *allocate(std::size_t size, std::size_t align,
                      std::uint32_t precise_site) noexcept(F != Failure::kThrow) {
  unsigned shift = 0;
  void *p = size < kSizeMask ? try_raw(size, align, shift) : nullptr;
  while (!p) [[unlikely]] {
    if constexpr (F == Failure::kErrno) {
      errno = ENOMEM;
      return nullptr;
    } else {
      std::new_handler handler = std::get_new_handler();
      if (!handler) {
        if constexpr (F == Failure::kNothrow)
          return nullptr;
        else
          throw std::bad_alloc();
      }
      if constexpr (F == Failure::kNothrow) {
        try {
          handler();
        } catch (const std::bad_alloc &) {
          return nullptr;
        }
      } else {
        handler();
      }
      p = size < kSizeMask ? try_raw(size, align, shift) : nullptr;
    }
  }
  Header *h = header_of(p);
  h->size_shift =
      (std::uint64_t{size} & kSizeMask) | (std::uint64_t{shift} << 56);
  charge(h, size, precise_site);
  return p;
}

// Every case the fast paths below leave out: over-aligned blocks, sizes
// malloc cannot serve (then the new_handler loop), unregistered sites.
template <Failure F>
[[gnu::noinline, gnu::cold]] void *
allocate_slow(std::size_t size, std::size_t align,
              const memscope_site *site) noexcept(F != Failure::kThrow) {
  return allocate<F>(size, align, site_index(site));
}

// A block the fast path got from malloc, charged the general way: the
// runtime's own allocations, a thread whose shard or site page is not
// claimed yet, a task this thread does not own, a site index past 511, a
// site not registered yet.
[[gnu::noinline, gnu::cold]] inline void *charge_slow(Header *h, std::size_t size,
                                               const memscope_site *site) {
  h->size_shift = std::uint64_t{size};
  charge(h, size, site_index(site));
  return h + 1;
}

// The charge target of a block of `slot` when this thread owns it (the
// caller checks slot == owned_slot): the "no task" shard for slot 0, else
// the owned task's record. Both pointers are loaded and then one is picked
// with a conditional move, so the loads run in parallel with the load of
// the slot; the empty asm keeps the compiler from turning the pick into a
// load from a picked address, which would wait for the slot (a longer
// dependency chain in front of the counter updates; string_build measured
// 33.4 -> 31.6 ns).
[[gnu::always_inline]] inline TaskRecord *
charge_target(const ThreadState &ts, std::uint32_t slot) noexcept {
  TaskRecord *owned = ts.owned_record;
  TaskRecord *none = ts.no_task;
  asm("" : "+r"(owned), "+r"(none));
  return slot ? owned : none;
}

// The accounting half of allocate_fast, for a block (or, for a heap frame,
// a header on the stack) of `size` bytes at `site` (null: the context's
// site): the owner's plain adds behind one branch, everything else through
// charge_slow. Returns the block's user pointer.
[[gnu::always_inline]] inline void *
account_allocation(Header *h, std::size_t size,
                   const memscope_site *site) noexcept {
  const ThreadState &ts = t_state;
  const std::uint64_t ctx = ts.context;
  const std::uint32_t slot = context_slot(ctx);
  // The header's second word, slot | site << 32. A context has bit 63
  // clear, so it already is that word for the coroutine's site.
  std::uint64_t word = ctx;
  std::uint64_t unregistered = 0;
  if (site) {
    const std::uint32_t index =
        std::atomic_ref<std::uint32_t>(const_cast<memscope_site *>(site)->index)
            .load(std::memory_order_relaxed); // as site_index() reads it
    unregistered = index == 0;
    word = std::uint64_t{slot} | std::uint64_t{index} << 32;
  }
  TaskRecord *target = charge_target(ts, slot);
  SitePage *page = ts.site_page0;
  // One test for: not the charge target's owner, inside the runtime, site
  // index past page 0 (or bit 63 set), site not registered.
  if (((slot ^ ts.owned_slot) | ts.internal | (word >> (32 + kSitePageShift)) |
       unregistered) != 0 ||
      !target || !page) [[unlikely]]
    return charge_slow(h, size, site);
  h->size_shift = std::uint64_t{size};
  h->owner = word;
  const std::uint64_t allocated =
      target->own_allocated_bytes.load(std::memory_order_relaxed) + size;
  target->own_allocated_bytes.store(allocated, std::memory_order_relaxed);
  owner_add(target->own_alloc_count, std::uint64_t{1});
  // The peak: shared live bytes are zero for a shard.
  const auto live = static_cast<std::int64_t>(
      allocated - target->own_freed_bytes.load(std::memory_order_relaxed) +
      static_cast<std::uint64_t>(
          target->live_bytes.load(std::memory_order_relaxed)));
  if (live > target->peak_live_bytes.load(std::memory_order_relaxed))
      [[unlikely]] {
    if (slot == 0) // a shard: only this thread writes its peak
      target->peak_live_bytes.store(live, std::memory_order_relaxed);
    else // a task: non-owners raise it too; and when (task_peak.hpp)
      raise_task_peak(*target, slot, live);
  }
  // The process-wide peak: this thread's flow. The shard exists: page 0
  // is only ever set for a thread that has one (site_shards.hpp).
  flow_charge(ts.no_task->flow, static_cast<std::int64_t>(size));
  // (task root, site): this thread's entry, or site_shards.hpp's slow path.
  count_entry_alloc(page->counters[word >> 32], *target, slot, word >> 32,
                    size);
  return h + 1;
}

// The fast path of every operator new whose alignment malloc meets: malloc,
// the header, and two counter updates with plain adds (the charge target's
// owner set and this thread's site counters), with every rare case behind
// one branch (charge_slow). The charge target is this thread's "no task"
// shard when no task is current, else the task's record when this thread
// owns it (ThreadState::owned_slot == the current slot in both cases: the
// hooks reset owned_slot to 0 on every task switch); both have the owner
// set's layout (no_task_shards.hpp), so the choice is a conditional move.
template <Failure F>
[[gnu::always_inline]] inline void *
allocate_fast(std::size_t size,
              const memscope_site *site) noexcept(F != Failure::kThrow) {
  // Sizes from kSizeMask up cannot be served (nor can their header word
  // hold them); the general path fails them the standard way.
  if (size >= kSizeMask) [[unlikely]]
    return allocate_slow<F>(size, 0, site);
  void *base = g_raw.malloc(size + kHeader);
  if (!base) [[unlikely]]
    return allocate_slow<F>(size, 0, site);
  return account_allocation(static_cast<Header *>(base), size, site);
}

[[gnu::noinline, gnu::cold]] inline void deallocate_slow(void *p) noexcept {
  Header *h = header_of(p);
  const std::uint64_t word = h->size_shift;
  credit(h, static_cast<std::size_t>(word & kSizeMask));
  const unsigned shift = static_cast<unsigned>(word >> 56);
  raw_free(block_base(p, shift));
}

// The fast path of every delete: the mirror of allocate_fast (a block of
// the charge target, a site in page 0, not over-aligned), then free as a
// tail call.
// The accounting half of deallocate: false when the block is not the
// fast path's (another owner, over-aligned, a site past page 0); then
// nothing was credited.
[[gnu::always_inline]] inline bool credit_fast(const Header *h) noexcept {
  const std::uint64_t size = h->size_shift; // shift 0: the size itself
  const std::uint64_t word = h->owner;
  const ThreadState &ts = t_state;
  const std::uint32_t slot = static_cast<std::uint32_t>(word);
  TaskRecord *target = charge_target(ts, slot);
  SitePage *page = ts.site_page0;
  if (((slot ^ ts.owned_slot) | (size >> 56) |
       (word >> (32 + kSitePageShift))) != 0 ||
      !target || !page) [[unlikely]]
    return false;
  owner_add(target->own_freed_bytes, size);
  // The count last, with release: a slot sweep that sees the counts balance
  // sees these bytes too (task_reclaim.hpp). A plain store on x86.
  target->own_free_count.store(
      target->own_free_count.load(std::memory_order_relaxed) + 1,
      std::memory_order_release);
  // Before the site counters, whose slow path is a call: the size need not
  // live across it.
  flow_credit(ts.no_task->flow, static_cast<std::int64_t>(size));
  count_entry_free(page->counters[word >> 32], *target, slot, word >> 32, size);
  return true;
}

[[gnu::always_inline]] inline void deallocate(void *p) noexcept {
  if (!p)
    return;
  Header *h = header_of(p);
  if (!credit_fast(h)) [[unlikely]]
    return deallocate_slow(p);
  raw_free(h);
}


// ---- Coroutine frames ----------------------------------------------------

// A heap frame, charged by its size to the current task at the running
// coroutine's site (__memscope_frame_begin), and credited back to the
// frame's task and site (__memscope_frame_end, `owner` its binding without
// the root bit): as an allocation and a free of its own, whatever allocator
// the coroutine type uses underneath.
// Both take the allocation path's fast halves, so a frame costs what a
// new/delete pair's accounting costs, no more.
[[gnu::always_inline]] inline void charge_frame(std::uint64_t size) noexcept {
  Header counted{};
  (void)account_allocation(&counted, static_cast<std::size_t>(size), nullptr);
}
[[gnu::always_inline]] inline void credit_frame(std::uint64_t owner,
                                                std::uint64_t size) noexcept {
  const Header counted{size, owner};
  if (!credit_fast(&counted)) [[unlikely]]
    credit(&counted, static_cast<std::size_t>(size));
}

// ---- The C allocation family --------------------------------------------

// malloc: the fast path with C failure semantics; charged to the current
// coroutine's (or the bracketed call's) site.
inline void *c_allocate(std::size_t size) noexcept {
  return allocate_fast<Failure::kErrno>(size, nullptr);
}

// memalign and friends: alignments malloc meets take the fast path.
inline void *c_allocate_aligned(std::size_t align, std::size_t size) noexcept {
  if (align <= kHeader)
    return c_allocate(size);
  return allocate<Failure::kErrno>(size, align, 0);
}

// calloc: zeroed by the allocator underneath, so that it can hand out
// fresh (already zero) pages without touching them.
inline void *c_allocate_zeroed(std::size_t count, std::size_t size) noexcept {
  if (size != 0 && count > (SIZE_MAX - kHeader) / size) {
    errno = ENOMEM;
    return nullptr;
  }
  const std::size_t n = count * size;
  if (n >= kSizeMask) {
    errno = ENOMEM;
    return nullptr;
  }
  void *base = g_raw.calloc(1, n + kHeader);
  if (!base)
    return nullptr;
  Header *h = static_cast<Header *>(base);
  h->size_shift = std::uint64_t{n};
  charge(h, n, 0);
  return h + 1;
}

// The bytes the program may use in a block: what the allocator underneath
// gives beyond the header (at least the size requested).
inline std::size_t c_usable_size(void *p) noexcept {
  if (!p)
    return 0;
  const std::uint64_t word = header_of(p)->size_shift;
  const unsigned shift = static_cast<unsigned>(word >> 56);
  void *base = block_base(p, shift);
  if (in_bootstrap_arena(base))
    return static_cast<std::size_t>(word & kSizeMask);
  return g_raw.usable_size(base) -
         static_cast<std::size_t>(static_cast<char *>(p) -
                                  static_cast<char *>(base));
}

// realloc: the old bytes are credited to the task and site that allocated
// them, the new ones charged to the current task and site (an allocation
// and a free in the counts). A block of malloc's alignment is resized in
// place by the allocator underneath when it can be; an over-aligned one
// (its alignment is not kept by realloc anyway) is moved.
inline void *c_reallocate(void *p, std::size_t size) noexcept {
  if (!p)
    return c_allocate(size);
  Header *h = header_of(p);
  const std::uint64_t word = h->size_shift;
  const auto old_size = static_cast<std::size_t>(word & kSizeMask);
  const unsigned shift = static_cast<unsigned>(word >> 56);
  if (size == 0 && raw_realloc_zero_frees()) {
    deallocate(p);
    return nullptr;
  }
  if (size >= kSizeMask) {
    errno = ENOMEM;
    return nullptr;
  }
  if (shift != 0 || in_bootstrap_arena(h)) {
    void *q = c_allocate(size);
    if (!q)
      return nullptr;
    std::memcpy(q, p, old_size < size ? old_size : size);
    deallocate(p);
    return q;
  }
  // The header moves with the bytes; credit it only once the resize has
  // succeeded (on failure the old block stays the program's).
  Header *moved = static_cast<Header *>(g_raw.realloc(h, size + kHeader));
  if (!moved)
    return nullptr;
  credit(moved, old_size);
  moved->size_shift = std::uint64_t{size};
  charge(moved, size, 0);
  return moved + 1;
}

} // namespace memscope::detail

#endif // MEMSCOPE_RT_ALLOCATION_PATH_HPP
