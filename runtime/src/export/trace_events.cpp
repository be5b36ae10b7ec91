#include "export/trace_events.hpp"

#include "support/clock.hpp"

#include <sys/mman.h>

namespace memscope::detail {

std::atomic<bool> g_trace_on{false};
constinit thread_local TraceThread t_trace MEMSCOPE_TLS_MODEL = {};

namespace {
// One mapping for all buffers; pages are touched only as threads use them.
TraceBuffer *g_buffers = nullptr;
std::atomic<std::uint32_t> g_claimed{0};
} // namespace

bool trace_events_enable() noexcept {
  if (g_buffers)
    return true;
  void *mem = mmap(nullptr, sizeof(TraceBuffer) * kTraceThreads,
                   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    return false;
  g_buffers = static_cast<TraceBuffer *>(mem);
  g_trace_on.store(true, std::memory_order_release);
  return true;
}

TraceBuffer *trace_claim_buffer() noexcept {
  TraceThread &tt = t_trace;
  const std::uint32_t i = g_claimed.fetch_add(1, std::memory_order_relaxed);
  if (i >= kTraceThreads || !g_buffers) {
    tt.gave_up = true;
    return nullptr;
  }
  TraceBuffer *b = &g_buffers[i];
  b->start_ticks = ticks();
  tt.buffer = b;
  return b;
}

std::uint32_t trace_buffer_count() noexcept {
  const std::uint32_t n = g_claimed.load(std::memory_order_acquire);
  return n < kTraceThreads ? n : kTraceThreads;
}

TraceBuffer *trace_buffer(std::uint32_t i) noexcept {
  return g_buffers && i < trace_buffer_count() ? &g_buffers[i] : nullptr;
}

} // namespace memscope::detail
