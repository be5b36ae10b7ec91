// Finds the allocator underneath memscope's (raw_allocator.hpp).
#include "accounting/raw_allocator.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <dlfcn.h>
#include <unistd.h>

extern "C" void *memscope_malloc_impl(std::size_t) noexcept;

namespace memscope::detail {
namespace {

// Enough for what dlsym and its error path allocate while the table is
// being filled (glibc: none on success, a few hundred bytes on error).
constexpr std::size_t kArenaSize = 64 * 1024;
alignas(64) char g_arena[kArenaSize];
std::atomic<std::size_t> g_arena_used{0};

void *arena_allocate(std::size_t size, std::size_t align = 16) noexcept {
  if (align < 16)
    align = 16;
  std::size_t used = g_arena_used.load(std::memory_order_relaxed);
  for (;;) {
    const std::size_t start = (used + align - 1) & ~(align - 1);
    if (start > kArenaSize || size > kArenaSize - start) {
      errno = ENOMEM;
      return nullptr;
    }
    if (g_arena_used.compare_exchange_weak(used, start + size,
                                           std::memory_order_relaxed))
      return g_arena + start;
  }
}

// 0: not resolved, 1: a thread is resolving, 2: resolved.
std::atomic<int> g_state{0};
bool g_realloc_zero_frees = true;

// While any thread resolves, allocations that cannot wait (the resolving
// thread's own, from inside dlsym) come from the arena.
void *resolving_malloc(std::size_t n) {
  resolve_raw_allocator();
  if (g_state.load(std::memory_order_acquire) != 2)
    return arena_allocate(n);
  return g_raw.malloc(n);
}
void resolving_free(void *p) {
  if (in_bootstrap_arena(p))
    return;
  resolve_raw_allocator();
  if (g_state.load(std::memory_order_acquire) == 2)
    g_raw.free(p);
}
void *resolving_calloc(std::size_t n, std::size_t size) {
  resolve_raw_allocator();
  if (g_state.load(std::memory_order_acquire) != 2) {
    if (size && n > SIZE_MAX / size) {
      errno = ENOMEM;
      return nullptr;
    }
    return arena_allocate(n * size); // .bss: already zero
  }
  return g_raw.calloc(n, size);
}
void *resolving_realloc(void *p, std::size_t n) {
  resolve_raw_allocator();
  return g_state.load(std::memory_order_acquire) == 2 ? g_raw.realloc(p, n)
                                                      : nullptr;
}
void *resolving_memalign(std::size_t align, std::size_t n) {
  resolve_raw_allocator();
  if (g_state.load(std::memory_order_acquire) != 2)
    return arena_allocate(n, align);
  return g_raw.memalign(align, n);
}
std::size_t resolving_usable_size(void *p) {
  resolve_raw_allocator();
  return g_state.load(std::memory_order_acquire) == 2 ? g_raw.usable_size(p)
                                                      : 0;
}

// The definition of `name` underneath memscope's: the next one after
// memscope in lookup order when memscope's malloc is the one in effect,
// else the one in effect.
void *underneath(const char *name, bool ours_in_effect) {
  return dlsym(ours_in_effect ? RTLD_NEXT : RTLD_DEFAULT, name);
}

} // namespace

RawAllocator g_raw = {&resolving_malloc,  &resolving_free,
                      &resolving_calloc,  &resolving_realloc,
                      &resolving_memalign, &resolving_usable_size};

bool in_bootstrap_arena(const void *p) noexcept {
  return reinterpret_cast<std::uintptr_t>(p) -
             reinterpret_cast<std::uintptr_t>(g_arena) <
         kArenaSize;
}

bool raw_realloc_zero_frees() noexcept { return g_realloc_zero_frees; }

void resolve_raw_allocator() noexcept {
  int expected = 0;
  if (!g_state.compare_exchange_strong(expected, 1,
                                       std::memory_order_acquire))
    return; // resolved, or being resolved (then the arena serves)
  const bool ours = dlsym(RTLD_DEFAULT, "malloc") ==
                    reinterpret_cast<void *>(&memscope_malloc_impl);
  RawAllocator raw{};
  raw.malloc = reinterpret_cast<void *(*)(std::size_t)>(
      underneath("malloc", ours));
  raw.free = reinterpret_cast<void (*)(void *)>(underneath("free", ours));
  raw.calloc = reinterpret_cast<void *(*)(std::size_t, std::size_t)>(
      underneath("calloc", ours));
  raw.realloc = reinterpret_cast<void *(*)(void *, std::size_t)>(
      underneath("realloc", ours));
  raw.memalign = reinterpret_cast<void *(*)(std::size_t, std::size_t)>(
      underneath("memalign", ours));
  raw.usable_size = reinterpret_cast<std::size_t (*)(void *)>(
      underneath("malloc_usable_size", ours));
  if (!raw.malloc || !raw.free || !raw.calloc || !raw.realloc ||
      !raw.memalign || !raw.usable_size) [[unlikely]] {
    // No C library to forward to: nothing can run. Say it without
    // allocating and stop.
    static const char msg[] =
        "memscope: cannot find the C library's malloc underneath "
        "memscope's (dlsym failed); link the program against libc\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  // realloc(p, 0) is implementation-defined: keep what the allocator
  // underneath does.
  if (void *probe = raw.malloc(1))
    if (void *again = raw.realloc(probe, 0)) {
      g_realloc_zero_frees = false;
      raw.free(again);
    }
  // Other threads may read the table while it is written: each entry is
  // one aligned word (never torn), and the old entries still work.
  g_raw = raw;
  g_state.store(2, std::memory_order_release);
}

} // namespace memscope::detail
