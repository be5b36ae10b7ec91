#include "tasks/operation_table.hpp"

#include <atomic>

namespace memscope::detail {
namespace {

// 65,536 pending operations started inside tasks at once before evictions
// begin; 1.5 MiB of address space, resident only where touched.
constexpr unsigned kBucketBits = 14;
constexpr std::uint64_t kBuckets = std::uint64_t{1} << kBucketBits;
constexpr unsigned kWays = 4;

// op == 0: free. A writer claims an entry with a CAS on `op`, then fills in
// the rest; a reader of the same operation runs after its creation has
// returned (Asio hands the operation over through its own queues), so it
// sees the whole entry.
struct Entry {
  std::atomic<std::uintptr_t> op;
  std::atomic<std::uint64_t> context;
  std::atomic<std::uint64_t> task_id;
};
struct alignas(32) Bucket {
  Entry ways[kWays];
};

constinit Bucket g_buckets[kBuckets];
std::atomic<std::uint64_t> g_lost{0};

// Two bucket indices from one multiplicative hash of the address (operation
// objects are 16-byte aligned: the low bits carry nothing).
inline void buckets_of(std::uintptr_t op, std::uint64_t &a,
                       std::uint64_t &b) noexcept {
  const std::uint64_t h = (std::uint64_t{op} >> 4) * 0x9E3779B97F4A7C15ull;
  a = h >> (64 - kBucketBits);
  b = (h >> (64 - 2 * kBucketBits)) & (kBuckets - 1);
  if (b == a)
    b = (a + 1) & (kBuckets - 1);
}

inline void fill(Entry &e, PendingOperation p) noexcept {
  e.context.store(p.context, std::memory_order_relaxed);
  e.task_id.store(p.task_id, std::memory_order_release);
}

} // namespace

void remember_operation(const void *op_ptr, PendingOperation p) noexcept {
  const auto op = reinterpret_cast<std::uintptr_t>(op_ptr);
  std::uint64_t a = 0, b = 0;
  buckets_of(op, a, b);
  Bucket *choice[2] = {&g_buckets[a], &g_buckets[b]};
  // An entry left by an operation that completed where tracking was not
  // compiled in (a translation unit without the plugin) names a dead object
  // at this address: overwrite it.
  for (Bucket *bk : choice)
    for (Entry &e : bk->ways)
      if (e.op.load(std::memory_order_relaxed) == op) {
        fill(e, p);
        return;
      }
  for (Bucket *bk : choice)
    for (Entry &e : bk->ways) {
      std::uintptr_t expected = 0;
      if (e.op.load(std::memory_order_relaxed) == 0 &&
          e.op.compare_exchange_strong(expected, op,
                                       std::memory_order_acquire)) {
        fill(e, p);
        return;
      }
    }
  // Both buckets full: evict one way of the first, chosen by the address.
  Entry &victim = choice[0]->ways[(op >> 4) % kWays];
  victim.op.store(op, std::memory_order_relaxed);
  fill(victim, p);
  g_lost.fetch_add(1, std::memory_order_relaxed);
}

bool take_operation(const void *op_ptr, PendingOperation &out) noexcept {
  const auto op = reinterpret_cast<std::uintptr_t>(op_ptr);
  std::uint64_t a = 0, b = 0;
  buckets_of(op, a, b);
  for (std::uint64_t i : {a, b})
    for (Entry &e : g_buckets[i].ways)
      if (e.op.load(std::memory_order_acquire) == op) {
        out.task_id = e.task_id.load(std::memory_order_acquire);
        out.context = e.context.load(std::memory_order_relaxed);
        std::uintptr_t expected = op;
        // Lost the race to an eviction: the entry is another operation's.
        return e.op.compare_exchange_strong(expected, 0,
                                            std::memory_order_release);
      }
  return false;
}

std::uint64_t operations_lost() noexcept {
  return g_lost.load(std::memory_order_relaxed);
}

} // namespace memscope::detail
