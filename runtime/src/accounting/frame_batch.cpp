#include "accounting/frame_batch.hpp"

#include "accounting/allocation_path.hpp"

namespace memscope::detail {

// Out of line and rare: once per run slice that batched frames, or per
// allocation made right after a batched frame ended.
[[gnu::noinline]] MEMSCOPE_RARE_CALL void flush_frame_batch() noexcept {
  ThreadState &ts = t_state;
  const std::uint64_t word = ts.batch_word;
  const std::uint64_t size = ts.batch_size; // a heap frame: no flag bit
  const std::uint64_t reuses = ts.batch_reuses;
  const bool ended = (ts.internal & kVirtualFrame) != 0;
  ts.batch_word = kNoBatch;
  ts.batch_reuses = 0;
  clear_internal_flags(ts, kVirtualFrame);
  // The batch was started by the owner with the task current, and any
  // switch settles it first: the thread still owns the task.
  TaskRecord &r = *ts.owned_record;
  const std::uint32_t site = context_site(word);
  if (reuses != 0) {
    // Each frame begun in the batch's place: a frame, an allocation and
    // (the one before it having ended) a free, of `size` bytes.
    const std::uint64_t bytes = reuses * size;
    owner_add(r.own_frame_bytes, bytes);
    owner_add(r.own_frames, static_cast<std::uint32_t>(reuses));
    owner_add(r.own_frames_ended, static_cast<std::uint32_t>(reuses));
    owner_add(r.own_allocated_bytes, bytes);
    owner_add(r.own_alloc_count, reuses);
    owner_add(r.own_freed_bytes, bytes);
    r.own_free_count.store(r.own_free_count.load(std::memory_order_relaxed) +
                               reuses,
                           std::memory_order_release);
    // maybe_start_batch checked the entry; the root it counts for never
    // changes once claimed.
    ShardSiteCounters &c = ts.site_page0->counters[site];
    entry_add_alloc(c, bytes, reuses);
    entry_add_free(c, bytes, reuses);
  }
  if (ended) {
    credit_frame(word, size);
    owner_add(r.own_frames_ended, std::uint32_t{1});
  }
}

} // namespace memscope::detail
