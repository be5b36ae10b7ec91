// The frame batch: a loop that co_awaits a child coroutine (under Asio,
// every `co_await child()`) begins and ends one frame of the same site and
// size again and again in one run slice of its task. Counting each frame as
// an allocation and a free of its own (allocation_path.hpp) costs the four
// counter sets of a new/delete pair twice per co_await: most of what a
// child co_await cost over plain code.
//
// Instead, per thread: the first such frame is charged as usual and becomes
// the batch. When it ends it stays counted live (kVirtualFrame) and only a
// flag is set; the next frame of the same binding and size takes its place,
// counted by one increment (batch_reuses), with no change to any live byte.
// Frames with the same binding and size are interchangeable for every figure
// (task, site, frame counts), so it does not matter which one ended.
//
// Exactness: the batch is settled (flush_frame_batch: the frames begun in
// its place added to the task's, the site's and the frame counters,
// multiplied out, and an ended frame credited) before any figure could
// differ from the unbatched count:
// - at every switch away from the task (context.cpp), so a batch never
//   outlives a run slice and other threads' readers, which see a task's
//   counters as of its last switch at the latest for its own frames, see
//   them then;
// - before any allocation while a frame has ended (kVirtualFrame sends the
//   allocation fast path to the general code, charge() settles), so no peak
//   counts an ended frame;
// - before the task completes, and in InternalScope (this thread's own
//   snapshots and reports).
// Between those points a snapshot taken on another thread may see the
// task's counters of a moment earlier (the last ended frame not yet
// credited, the begun ones not yet counted): the state before that frame
// ended, never a figure the program did not reach.
#ifndef MEMSCOPE_RT_FRAME_BATCH_HPP
#define MEMSCOPE_RT_FRAME_BATCH_HPP

#include "accounting/site_shards.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include <cstdint>

namespace memscope::detail {

// __memscope_frame_begin, before anything else: a frame whose binding and
// size are the batch's, while the batch's frame has ended, takes its place
// (and closes the frame allocation window). The binding being the batch's
// says the thread owns the task and it is current (any switch settles the
// batch); the exact value of `internal` excludes a root frame adopted into
// the same task (kRampRoot). The instrumented code does the same inline
// (abi.h), calling the hook only otherwise.
[[gnu::always_inline]] inline bool
reuse_batch_frame(ThreadState &ts, std::uint64_t flagged) noexcept {
  if (ts.internal == (kVirtualFrame | kFrameWindow) &&
      ts.context == ts.batch_word && flagged == ts.batch_size) [[likely]] {
    ts.internal = 0;
    ++ts.batch_reuses;
    return true;
  }
  return false;
}

// After a child heap frame of the owned task was charged the usual way: it
// starts the batch when there is none and its site's counters are this
// thread's page-0 entry for the task's root (what the flush adds to).
[[gnu::always_inline]] inline void
maybe_start_batch(ThreadState &ts, std::uint64_t flagged) noexcept {
  // Not while a peak time is owed: a batch frame ends without a free
  // (task_peak.hpp).
  if (ts.batch_word != kNoBatch || ts.internal != 0 || ts.peak_owed ||
      !g_frame_batch.load(std::memory_order_relaxed))
    return;
  // Never at site 0, which every site the table had no room for shares:
  // the binding's site then says the frames' coroutine, and so their size,
  // which lets instrumented code leave out the size test (abi.h).
  const std::uint32_t site = context_site(ts.context);
  const SitePage *page = ts.site_page0;
  if (!page || site == 0 || site >= kSitesPerPage ||
      !counts_for(page->counters[site], *ts.owned_record))
    return;
  ts.batch_word = ts.context;
  ts.batch_size = flagged;
}

// __memscope_frame_end: the batch's frame (or one like it) ends and stays
// counted live until the next one begins or the batch is settled.
[[gnu::always_inline]] inline bool
end_batch_frame(ThreadState &ts, std::uint64_t binding,
                std::uint64_t flagged) noexcept {
  if (binding == ts.batch_word && flagged == ts.batch_size && ts.internal == 0)
      [[likely]] {
    ts.internal = kVirtualFrame;
    return true;
  }
  return false;
}

} // namespace memscope::detail

#endif // MEMSCOPE_RT_FRAME_BATCH_HPP
