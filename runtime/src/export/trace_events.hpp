// Run slices for the Chrome trace (MEMSCOPE_TRACE): each thread appends
// "this thread now runs task N" events to its own ring, which keeps the
// newest kTraceEventsPerThread (a trace of a long run shows how it ended,
// which is where the trouble usually is). Buffers come from
// one region mapped at start-up when tracing is on, so recording is a TLS
// read, a store and a release store: no lock, no allocation, no system call.
// When tracing is off, the hooks pay one predictable branch on g_trace_on.
#ifndef MEMSCOPE_RT_TRACE_EVENTS_HPP
#define MEMSCOPE_RT_TRACE_EVENTS_HPP

#include "tasks/thread_state.hpp"

#include <atomic>
#include <cstdint>

namespace memscope::detail {

inline constexpr std::uint32_t kTraceThreads = 64;
inline constexpr std::uint32_t kTraceEventsPerThread = 1u << 16;

struct TraceEvent {
  std::uint64_t ticks;
  std::uint64_t task; // the task now current on the thread (0 = none), as a
                      // trace word: see trace_word()
};

// A task as the trace records it: its id (bits 0..39) and its root
// coroutine's site index (bits 40..63), so that the trace can name tasks
// whose records were recycled before it is written (task_reclaim.hpp).
inline constexpr std::uint64_t kTraceIdMask = (std::uint64_t{1} << 40) - 1;
constexpr std::uint64_t trace_word(std::uint64_t id,
                                   std::uint32_t root_site) noexcept {
  return (id & kTraceIdMask) | std::uint64_t{root_site} << 40;
}
constexpr std::uint64_t trace_word_id(std::uint64_t word) noexcept {
  return word & kTraceIdMask;
}
constexpr std::uint32_t trace_word_site(std::uint64_t word) noexcept {
  return static_cast<std::uint32_t>(word >> 40);
}

static_assert((kTraceEventsPerThread & (kTraceEventsPerThread - 1)) == 0,
              "the ring index is a mask");

struct TraceBuffer {
  // Events ever recorded (release); event i is at i % kTraceEventsPerThread,
  // the last kTraceEventsPerThread are kept, older ones were overwritten.
  std::atomic<std::uint64_t> written;
  std::uint64_t start_ticks; // when the thread claimed it
  TraceEvent events[kTraceEventsPerThread];
};

extern std::atomic<bool> g_trace_on;

struct TraceThread {
  TraceBuffer *buffer;
  bool gave_up; // no buffer left for this thread
};
extern thread_local constinit TraceThread t_trace MEMSCOPE_TLS_MODEL;

// Maps the buffers and turns recording on (start-up, before main).
bool trace_events_enable() noexcept;
// Claims a buffer for this thread; null when all are taken.
TraceBuffer *trace_claim_buffer() noexcept;

inline void trace_switch(std::uint64_t to, std::uint64_t now) noexcept {
  TraceThread &tt = t_trace;
  TraceBuffer *b = tt.buffer;
  if (!b) [[unlikely]] {
    if (tt.gave_up || !(b = trace_claim_buffer()))
      return;
  }
  // Only this thread writes: a plain increment, published for the writer.
  const std::uint64_t n = b->written.load(std::memory_order_relaxed);
  b->events[n & (kTraceEventsPerThread - 1)] = {now, to};
  b->written.store(n + 1, std::memory_order_release);
}

// For the trace writer: buffer i (null if unclaimed) and how many exist.
TraceBuffer *trace_buffer(std::uint32_t i) noexcept;
std::uint32_t trace_buffer_count() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TRACE_EVENTS_HPP
