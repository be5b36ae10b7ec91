// The allocation path shared by every entry point: operator new/delete
// (replace_new.cpp), the C allocation family (replace_malloc.cpp) and the
// instrumented `new` expressions (sited_new.cpp). The program gets the
// allocator's own block: memscope asks for 8 bytes more and keeps an 8-byte
// footer in the last word of the block's usable area (as the allocator
// underneath reports it), packing
//   bits 0..49   the owner, a context's own encoding: task slot (bits
//                0..31) | site index (bits 32..49; kMaxSites is 2^18)
//   bits 50..63  slack: usable - 8 - size requested (all ones: the size is
//                in the word before the footer)
// so a free is credited to the task and site that allocated the block,
// whichever thread or task frees it, and every entry point frees every
// other's blocks. Why a footer rather than a header in front: the pointer
// stays the allocator's, so alignment is the allocator's, and the sizes
// malloc sees grow by 8 bytes rather than 16, which for glibc changes the
// size class of only half the requests and keeps its trimming and top
// padding as in the plain program (a 16-byte header pushed a loop of 1000
// small blocks across the trim threshold: 20 times the page faults).
// Blocks come from the allocator underneath (raw_allocator.hpp); with
// glibc's, the usable size is read inline from its chunk header.
// Charging is a few relaxed atomic adds: no lock, no allocation, no system
// call beyond the allocator underneath.
//
// The common cases (no task, or a task this thread owns; a site index below
// 512) take an inline fast path (allocate_fast, deallocate): a handful of
// plain adds on counters only this thread writes, behind one branch.
// Everything else goes to the general code (charge, credit, allocate)
// through out-of-line cold functions.
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

// ---- The footer ------------------------------------------------------------

// What malloc aligns to (and operator new's default alignment): requests
// with alignments up to this take malloc itself.
constexpr std::size_t kMallocAlign = 16;
constexpr std::size_t kFooter = 8;
// Sizes from here up cannot be served (the general path fails them the
// standard way).
constexpr std::uint64_t kMaxSize = (std::uint64_t{1} << 56) - 1;

constexpr unsigned kSlackShift = 50;
constexpr std::uint64_t kOwnerMask = (std::uint64_t{1} << kSlackShift) - 1;
constexpr std::uint64_t kSlackEscape = (std::uint64_t{1} << (64 - kSlackShift)) - 1;
static_assert(kMaxSites <= (std::uint64_t{1} << (kSlackShift - 32)),
              "a site index must fit the footer's owner bits");

// A block's owner in a context's own encoding (slot | site << 32) and the
// size the program asked for.
struct BlockOwner {
  std::uint64_t owner;
  std::uint64_t size;

  std::uint32_t slot() const noexcept {
    return static_cast<std::uint32_t>(owner);
  }
  std::uint32_t site() const noexcept {
    return static_cast<std::uint32_t>(owner >> 32);
  }
};

// The usable size of a block of the allocator underneath (or of the
// bootstrap arena). glibc's is read from its chunk header, as its own
// malloc_usable_size does: the chunk size less the size field, less the
// previous-size word too for an mmapped chunk.
// A bootstrap arena block has a word in front that reads the same way, as
// an mmapped chunk's (raw_allocator.cpp), so the glibc path needs no arena
// check.
[[gnu::always_inline]] inline std::size_t block_usable(void *p) noexcept {
  if (g_raw_is_glibc) [[likely]] {
    const std::size_t field = static_cast<const std::size_t *>(p)[-1];
    return (field & ~std::size_t{7}) - ((field & 2) ? 16 : 8);
  }
  if (in_bootstrap_arena(p)) [[unlikely]]
    return arena_usable_size(p);
  return g_raw.usable_size(p);
}

// glibc underneath: a block's chunk size field (the word before it) and,
// for a chunk that is not mmapped, its usable size. The fast paths read the
// field once and take every other block (an mmapped chunk, or a bootstrap
// arena block, whose field has the same bit set: raw_allocator.cpp) to the
// general code; so a freed block that passes that test is glibc's own.
inline constexpr std::size_t kChunkMmapped = 2;
[[gnu::always_inline]] inline std::size_t chunk_field(void *p) noexcept {
  return static_cast<const std::size_t *>(p)[-1];
}
[[gnu::always_inline]] inline std::size_t
heap_chunk_usable(std::size_t field) noexcept {
  return (field & ~std::size_t{7}) - 8;
}

// The footer's word, and the escaped size word before it. The usable size
// need not be a multiple of 8 (ASan's is the size asked for), so both are
// read and written unaligned (one mov on x86).
inline char *footer_at(void *p, std::size_t usable) noexcept {
  return static_cast<char *>(p) + usable - kFooter;
}
inline std::uint64_t load_word(const char *at) noexcept {
  std::uint64_t v;
  std::memcpy(&v, at, sizeof v);
  return v;
}
inline void store_word(char *at, std::uint64_t v) noexcept {
  std::memcpy(at, &v, sizeof v);
}

// Writes the footer of a block of `size` requested bytes (at most
// usable - 8, which asking for size + 8 guarantees).
[[gnu::always_inline]] inline void put_footer(void *p, std::size_t usable,
                                              std::uint64_t size,
                                              std::uint64_t owner) noexcept {
  char *footer = footer_at(p, usable);
  std::uint64_t slack = usable - kFooter - size;
  if (slack >= kSlackEscape) [[unlikely]] {
    store_word(footer - 8, size); // a slack this large leaves room for it
    slack = kSlackEscape;
  }
  store_word(footer, owner | slack << kSlackShift);
}

[[gnu::always_inline]] inline BlockOwner read_footer(void *p,
                                                     std::size_t usable) noexcept {
  const char *footer = footer_at(p, usable);
  const std::uint64_t word = load_word(footer);
  const std::uint64_t slack = word >> kSlackShift;
  const std::uint64_t size = slack == kSlackEscape
                                 ? load_word(footer - 8)
                                 : usable - kFooter - slack;
  return {word & kOwnerMask, size};
}

// The bytes the program may use: up to the footer (and the size word
// before it, when there is one).
inline std::size_t program_usable(void *p, std::size_t usable) noexcept {
  const bool escaped =
      (load_word(footer_at(p, usable)) >> kSlackShift) == kSlackEscape;
  return usable - kFooter - (escaped ? 8 : 0);
}

// Gives a block back to the allocator underneath, except one that came
// from the bootstrap arena while that allocator was being looked up.
inline void raw_free(void *p) noexcept {
  if (in_bootstrap_arena(p)) [[unlikely]]
    return;
  g_raw.free(p);
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

// A block of the untracked bucket (the runtime's own memory, a frame's own
// block inside the frame window) after start-up: counted nowhere, since the
// one figure read from that bucket is taken at start-up (charge).
inline bool counts_nothing(std::uint32_t slot) noexcept {
  return slot == kUntrackedSlot && runtime_started();
}

// Charges `size` bytes to the current task (or the "no task" bucket, or the
// untracked bucket while the runtime allocates for itself) and to a site:
// the precise one when given, else the coroutine that is running. Returns
// the block's owner (slot | site << 32).
[[gnu::always_inline]] inline std::uint64_t charge(std::size_t size,
                                                   std::uint32_t precise_site) {
  ThreadState &ts = t_state;
  std::uint32_t slot, site;
  if (ts.internal & kVirtualFrame) [[unlikely]]
    flush_frame_batch(); // no peak may count an ended frame (frame_batch.hpp)
  if (ts.internal == kBeforeStart && runtime_started()) [[unlikely]]
    ts.internal = 0; // this thread's first allocation since start-up
  if (ts.internal != 0) [[unlikely]] {
    // Nobody's: the runtime's own memory, or a frame's own block inside
    // the frame window. Counted only before start-up, for the start-up
    // figure (record_startup_live_bytes). After it nothing reads these
    // counts, and they were locked adds on one record shared by every
    // thread, at every heap frame's allocation and free.
    if (runtime_started()) [[likely]]
      return std::uint64_t{kUntrackedSlot};
    slot = kUntrackedSlot;
    site = 0;
  } else {
    slot = context_slot(ts.context);
    site = precise_site ? precise_site : context_site(ts.context);
  }
  const std::uint64_t owner = std::uint64_t{slot} | std::uint64_t{site} << 32;
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
    return owner; // the runtime's memory is nobody's, not even a site's
  flow_charge_here(n);
  count_site_alloc(slot, site, size); // (task root, site): site_shards.hpp
  return owner;
}

[[gnu::always_inline]] inline void credit(BlockOwner b) noexcept {
  const auto n = static_cast<std::int64_t>(b.size);
  NoTaskShard *shard;
  const std::uint32_t slot = b.slot(), site = b.site();
  if (counts_nothing(slot)) [[unlikely]]
    return;
  // The site first: it reads the task's root, and once the task's counts
  // balance (the release below) its slot may be reused.
  if (slot != kUntrackedSlot) {
    count_site_free(slot, site, b.size); // the allocating task's root
    flow_credit_here(n);                 // counts on the freeing thread
  }
  if (slot == 0 && (shard = my_no_task_shard())) [[likely]] {
    shard->credit(n);
  } else if (slot == t_state.owned_slot && slot != 0) [[likely]] {
    TaskRecord &r = *t_state.owned_record;
    owner_add(r.own_freed_bytes, b.size);
    // The count last, with release: a slot sweep that sees the counts
    // balance sees these bytes too (task_reclaim.hpp).
    r.own_free_count.store(r.own_free_count.load(std::memory_order_relaxed) + 1,
                           std::memory_order_release);
  } else {
    TaskRecord &r = task(slot);
    // A task whose peak time another thread owes leaves its peak now
    // (task_peak.hpp; this thread's own debt is settled before a free).
    if (slot != kUntrackedSlot &&
        r.peak_at.load(std::memory_order_relaxed) == kPeakOwed) [[unlikely]]
      end_peak_plateau(slot);
    r.live_bytes.fetch_sub(n, std::memory_order_relaxed);
    r.freed_bytes.fetch_add(b.size, std::memory_order_relaxed);
    r.free_count.fetch_add(1, std::memory_order_release);
  }
}

// One attempt at the raw block of a `size`-byte request: 8 bytes more, for
// the footer; null on failure. Alignments up to malloc's are met by malloc
// itself.
inline void *try_raw(std::size_t size, std::size_t align) {
  if (align <= kMallocAlign)
    return g_raw.malloc(size + kFooter);
  if ((align & (align - 1)) != 0)
    return nullptr;
  return g_raw.memalign(align, size + kFooter);
}

// How an allocation reports failure: operator new (call the new_handler and
// retry; with none, throw std::bad_alloc), its nothrow forms (the same, but
// return null, also when the handler throws bad_alloc), and the C family
// (return null with errno ENOMEM, no new_handler).
enum class Failure { kThrow, kNothrow, kErrno };

template <Failure F>
inline void *allocate(std::size_t size, std::size_t align,
                      std::uint32_t precise_site) noexcept(F != Failure::kThrow) {
  void *p = size < kMaxSize ? try_raw(size, align) : nullptr;
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
      p = size < kMaxSize ? try_raw(size, align) : nullptr;
    }
  }
  put_footer(p, block_usable(p), size, charge(size, precise_site));
  return p;
}

// Every case the fast paths below leave out: over-aligned blocks, sizes
// malloc cannot serve (then the new_handler loop), unregistered sites.
// `precise_site` as charge() takes it.
template <Failure F>
[[gnu::noinline, gnu::cold]] void *
allocate_slow(std::size_t size, std::size_t align,
              std::uint32_t precise_site) noexcept(F != Failure::kThrow) {
  return allocate<F>(size, align, precise_site);
}
template <Failure F>
[[gnu::noinline, gnu::cold]] void *
allocate_unregistered(std::size_t size,
                      const memscope_site *site) noexcept(F != Failure::kThrow) {
  return allocate<F>(size, 0, site_index(site));
}

// An allocation charged the general way: the runtime's own allocations, a
// thread whose shard or site page is not claimed yet, a task this thread
// does not own, a site index past 511. `precise_site` as charge() takes it
// (the context's own site gives the same charge as none).
[[gnu::noinline, gnu::cold]] inline std::uint64_t
charge_slow(std::size_t size, std::uint32_t precise_site) {
  return charge(size, precise_site);
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

// The site index of an allocation at `site` (null: 0, the context's
// site), 0 too with `*unregistered` set for a site not registered yet.
// Read before the allocator underneath is called, so that only the index
// and the size live across that call.
[[gnu::always_inline]] inline std::uint32_t
precise_index(const memscope_site *site, bool *unregistered) noexcept {
  *unregistered = false;
  if (!site)
    return 0;
  const std::uint32_t index =
      std::atomic_ref<std::uint32_t>(const_cast<memscope_site *>(site)->index)
          .load(std::memory_order_relaxed); // as site_index() reads it
  *unregistered = index == 0;
  return index;
}

// The owner word (slot | site << 32) of the current context for a site
// index from precise_index(): the context word itself for none (its bit 63
// is clear, so it already is that word for the coroutine's site).
[[gnu::always_inline]] inline std::uint64_t
owner_word(const memscope_site *site, std::uint32_t index) noexcept {
  const std::uint64_t ctx = t_state.context;
  if (!site)
    return ctx;
  return std::uint64_t{context_slot(ctx)} | std::uint64_t{index} << 32;
}

// The accounting half of allocate_fast, for a block (or a heap frame) of
// `size` bytes owned by `word` (owner_word): the owner's plain adds behind
// one branch, everything else through charge_slow. Returns the block's
// owner (slot | site << 32).
[[gnu::always_inline]] inline std::uint64_t
account_word(std::size_t size, std::uint64_t word) noexcept {
  const ThreadState &ts = t_state;
  const std::uint32_t slot = context_slot(word);
  TaskRecord *target = charge_target(ts, slot);
  SitePage *page = ts.site_page0;
  // One test for: not the charge target's owner, inside the runtime, site
  // index past page 0. The target is not null when the page is not: a
  // thread that owns a task has its record cached with its slot
  // (context.cpp), and page 0 is only set for a thread that has a shard
  // (site_shards.hpp).
  if (((slot ^ ts.owned_slot) | ts.internal | (word >> (32 + kSitePageShift))) !=
          0 ||
      !page) [[unlikely]]
    return charge_slow(size, static_cast<std::uint32_t>(word >> 32));
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
  flow_charge_with(ts.no_task->flow, static_cast<std::int64_t>(size),
                   [] { flush_my_live_flow(); });
  // (task root, site): this thread's entry, or site_shards.hpp's slow path.
  count_entry_alloc(page->counters[word >> 32], *target, slot, word >> 32,
                    size);
  return word;
}

// The same for a caller that has not read the owner word (frames).
[[gnu::always_inline]] inline std::uint64_t
account_allocation(std::size_t size, const memscope_site *site) noexcept {
  bool unregistered;
  const std::uint32_t index = precise_index(site, &unregistered);
  if (unregistered) [[unlikely]]
    return charge_slow(size, site_index(site));
  return account_word(size, owner_word(site, index));
}

// The footer of every block allocate_fast_on leaves out: another allocator
// underneath, an mmapped chunk. Out of line, so that the fast path keeps
// no address of the general code's across the call to malloc.
[[gnu::noinline]] inline void put_footer_general(void *p, std::size_t size,
                                                 std::uint64_t owner) noexcept {
  put_footer(p, block_usable(p), size, owner);
}

// The fast path of every operator new whose alignment malloc meets: malloc,
// the footer, and two counter updates with plain adds (the charge target's
// owner set and this thread's site counters), with every rare case behind
// one branch (charge_slow). The charge target is this thread's "no task"
// shard when no task is current, else the task's record when this thread
// owns it (ThreadState::owned_slot == the current slot in both cases: the
// hooks reset owned_slot to 0 on every task switch); both have the owner
// set's layout (no_task_shards.hpp), so the choice is a conditional move.
// kGlibc: the caller has checked that glibc's malloc is underneath; the
// usable size of a heap chunk is then read from its size field alone.
template <Failure F, bool kGlibc>
[[gnu::always_inline]] inline void *
allocate_fast_on(std::size_t size,
                 const memscope_site *site) noexcept(F != Failure::kThrow) {
  bool unregistered;
  const std::uint32_t index = precise_index(site, &unregistered);
  if (unregistered) [[unlikely]]
    return allocate_unregistered<F>(size, site);
  if (size >= kMaxSize) [[unlikely]]
    return allocate_slow<F>(size, 0, index);
  void *p = g_raw.malloc(size + kFooter);
  if (!p) [[unlikely]]
    return allocate_slow<F>(size, 0, index);
  const std::uint64_t owner = account_word(size, owner_word(site, index));
  if constexpr (kGlibc) {
    const std::size_t field = chunk_field(p);
    if ((field & kChunkMmapped) == 0) [[likely]] {
      put_footer(p, heap_chunk_usable(field), size, owner);
      return p;
    }
  }
  put_footer_general(p, size, owner);
  return p;
}
template <Failure F>
[[gnu::always_inline]] inline void *
allocate_fast(std::size_t size,
              const memscope_site *site) noexcept(F != Failure::kThrow) {
  if (g_raw_is_glibc) [[likely]]
    return allocate_fast_on<F, true>(size, site);
  return allocate_fast_on<F, false>(size, site);
}

// The accounting half of deallocate: false when the block is not the
// fast path's (another owner, a site past page 0); then nothing was
// credited.
// A free credited to `target`, a task this thread owns (or its "no task"
// shard): plain adds on the owner's counters and this thread's site page.
[[gnu::always_inline]] inline void credit_owner(const ThreadState &ts,
                                                TaskRecord *target,
                                                SitePage *page,
                                                BlockOwner b) noexcept {
  const std::uint64_t word = b.owner;
  const std::uint32_t slot = static_cast<std::uint32_t>(word);
  owner_add(target->own_freed_bytes, b.size);
  // The count last, with release: a slot sweep that sees the counts balance
  // sees these bytes too (task_reclaim.hpp). A plain store on x86.
  target->own_free_count.store(
      target->own_free_count.load(std::memory_order_relaxed) + 1,
      std::memory_order_release);
  // Before the site counters, whose slow path is a call: the size need not
  // live across it.
  flow_credit_with(ts.no_task->flow, static_cast<std::int64_t>(b.size),
                   [] { flush_my_live_flow(); });
  count_entry_free(page->counters[word >> 32], *target, slot, word >> 32,
                   b.size);
}

[[gnu::always_inline]] inline bool credit_fast(BlockOwner b) noexcept {
  const std::uint64_t word = b.owner;
  const ThreadState &ts = t_state;
  const std::uint32_t slot = static_cast<std::uint32_t>(word);
  TaskRecord *target = charge_target(ts, slot);
  // Null also while a peak time is owed: the general code records it.
  SitePage *page = ts.free_page0;
  if (((slot ^ ts.owned_slot) | (word >> (32 + kSitePageShift))) != 0 ||
      !page) [[unlikely]] // the target is not null then: account_allocation
    return false;
  credit_owner(ts, target, page, b);
  return true;
}

// Saves every register it uses (rare_call.hpp), so that deallocate keeps
// the pointer in a scratch register and frees it with a tail call.
// A block of the task this thread last found it owns, freed while another
// task or none is current (a scheduler freeing a finished task's handler
// memory: every co_spawn's), still takes the owner's plain counters: only
// this thread writes them, and the id (never reused) says the slot still
// holds that task.
// The general code in a function of its own that saves what it uses too,
// so that credit_slow's common cases save only the few registers they use
// (with credit() inlined, every call saved and restored thirteen).
[[gnu::noinline, gnu::cold]] MEMSCOPE_RARE_CALL inline void
credit_general(BlockOwner b) noexcept {
  credit(b);
}
[[gnu::noinline, gnu::cold]] MEMSCOPE_RARE_CALL inline void
credit_slow(BlockOwner b) noexcept {
  const ThreadState &ts = t_state;
  const std::uint32_t slot = b.slot();
  if (counts_nothing(slot)) [[unlikely]]
    return; // without the general code's call (every heap frame's block)
  // The first free since a peak was raised (the runtime's own memory, a
  // snapshot taken by the task, does not count).
  if (ts.peak_owed && slot != kUntrackedSlot) [[unlikely]]
    record_owed_peak(0);
  SitePage *page = ts.site_page0;
  if (slot != 0 && slot == ts.last_owned_slot && page &&
      (b.owner >> (32 + kSitePageShift)) == 0 && still_owns_last(ts)) {
    credit_owner(ts, ts.last_owned_record, page, b);
    return;
  }
  credit_general(b);
}

// Every block the fast path below leaves out: another allocator
// underneath, an mmapped chunk, a bootstrap arena block.
[[gnu::noinline]] inline void deallocate_general(void *p) noexcept {
  const BlockOwner b = read_footer(p, block_usable(p));
  if (!credit_fast(b)) [[unlikely]]
    credit_slow(b);
  raw_free(p);
}

// The fast path of every delete and free: with glibc underneath and a heap
// chunk (the one test of its size field also keeps bootstrap arena blocks
// out), the footer read, the mirror of allocate_fast's accounting, then
// glibc's free as a tail call.
[[gnu::always_inline]] inline void deallocate(void *p) noexcept {
  if (!p)
    return;
  if (g_raw_is_glibc) [[likely]] {
    const std::size_t field = chunk_field(p);
    if ((field & kChunkMmapped) == 0) [[likely]] {
      const BlockOwner b = read_footer(p, heap_chunk_usable(field));
      if (!credit_fast(b)) [[unlikely]]
        credit_slow(b);
      return g_raw.free(p);
    }
  }
  deallocate_general(p);
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
  (void)account_allocation(static_cast<std::size_t>(size), nullptr);
}
[[gnu::always_inline]] inline void credit_frame(std::uint64_t owner,
                                                std::uint64_t size) noexcept {
  const BlockOwner b{owner, size};
  if (!credit_fast(b)) [[unlikely]]
    credit_slow(b);
}

// ---- The C allocation family --------------------------------------------

// malloc: the fast path with C failure semantics; charged to the current
// coroutine's (or the bracketed call's) site.
inline void *c_allocate(std::size_t size) noexcept {
  return allocate_fast<Failure::kErrno>(size, nullptr);
}

// memalign and friends: alignments malloc meets take the fast path.
inline void *c_allocate_aligned(std::size_t align, std::size_t size) noexcept {
  if (align <= kMallocAlign)
    return c_allocate(size);
  return allocate<Failure::kErrno>(size, align, 0);
}

// calloc: zeroed by the allocator underneath, so that it can hand out
// fresh (already zero) pages without touching them.
inline void *c_allocate_zeroed(std::size_t count, std::size_t size) noexcept {
  if (size != 0 && count > (SIZE_MAX - kFooter) / size) {
    errno = ENOMEM;
    return nullptr;
  }
  const std::size_t n = count * size;
  if (n >= kMaxSize) {
    errno = ENOMEM;
    return nullptr;
  }
  void *p = g_raw.calloc(1, n + kFooter);
  if (!p)
    return nullptr;
  put_footer(p, block_usable(p), n, charge(n, 0));
  return p;
}

// The bytes the program may use in a block: what the allocator underneath
// gives, up to the footer (at least the size requested).
inline std::size_t c_usable_size(void *p) noexcept {
  if (!p)
    return 0;
  return program_usable(p, block_usable(p));
}

// realloc: the old bytes are credited to the task and site that allocated
// them, the new ones charged to the current task and site (an allocation
// and a free in the counts). Resized in place by the allocator underneath
// when it can be (an over-aligned block's alignment is not kept by realloc
// anyway); the footer moves to the new end.
inline void *c_reallocate(void *p, std::size_t size) noexcept {
  if (!p)
    return c_allocate(size);
  const BlockOwner old = read_footer(p, block_usable(p));
  if (size == 0 && raw_realloc_zero_frees()) {
    deallocate(p);
    return nullptr;
  }
  if (size >= kMaxSize) {
    errno = ENOMEM;
    return nullptr;
  }
  if (in_bootstrap_arena(p)) {
    void *q = c_allocate(size);
    if (!q)
      return nullptr;
    std::memcpy(q, p, old.size < size ? old.size : size);
    deallocate(p);
    return q;
  }
  // Credit the old bytes only once the resize has succeeded (on failure the
  // old block, footer included, stays the program's).
  void *moved = g_raw.realloc(p, size + kFooter);
  if (!moved)
    return nullptr;
  settle_owed_peak(t_state); // a free, for the peak's time (task_peak.hpp)
  credit(old);
  put_footer(moved, block_usable(moved), size, charge(size, 0));
  return moved;
}

} // namespace memscope::detail

#endif // MEMSCOPE_RT_ALLOCATION_PATH_HPP
