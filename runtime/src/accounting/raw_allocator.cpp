// Finds the allocator underneath memscope's (raw_allocator.hpp).
#include "accounting/raw_allocator.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dlfcn.h>
#include <unistd.h>

extern "C" void *memscope_malloc_impl(std::size_t) noexcept;

namespace memscope::detail {
namespace {

// Enough for what dlsym and its error path allocate while the table is
// being filled (glibc: none on success, a few hundred bytes on error).
std::atomic<std::size_t> g_arena_used{0};

// Each block has its usable size in the word before it, rounded to 8 bytes,
// as the size field of a glibc chunk that is mmapped reads: 16 added and
// the mmapped bit set (allocation_path.hpp reads a block's usable size from
// there when glibc is underneath, and sends blocks with that bit to its
// general code, which keeps arena blocks away from glibc's free).
void *arena_allocate(std::size_t size, std::size_t align = 16) noexcept {
  if (align < 16)
    align = 16;
  std::size_t used = g_arena_used.load(std::memory_order_relaxed);
  size = (size + 7) & ~std::size_t{7};
  for (;;) {
    const std::size_t start = (used + 8 + align - 1) & ~(align - 1);
    if (start > kArenaSize || size > kArenaSize - start) {
      errno = ENOMEM;
      return nullptr;
    }
    if (g_arena_used.compare_exchange_weak(used, start + size,
                                           std::memory_order_relaxed)) {
      const std::size_t field = (size + 16) | 2;
      std::memcpy(g_arena + start - 8, &field, sizeof field);
      return g_arena + start;
    }
  }
}

// 0: not resolved, 1: a thread is resolving, 2: resolved.
std::atomic<int> g_state{0};
bool g_realloc_zero_frees = true;

// While any thread resolves, allocations that cannot wait (the resolving
// thread's own, from inside dlsym) come from the arena.
void *resolving_malloc(std::size_t n) noexcept {
  resolve_raw_allocator();
  if (g_state.load(std::memory_order_acquire) != 2)
    return arena_allocate(n);
  return g_raw.malloc(n);
}
void resolving_free(void *p) noexcept {
  if (in_bootstrap_arena(p))
    return;
  resolve_raw_allocator();
  if (g_state.load(std::memory_order_acquire) == 2)
    g_raw.free(p);
}
void *resolving_calloc(std::size_t n, std::size_t size) noexcept {
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
void *resolving_realloc(void *p, std::size_t n) noexcept {
  resolve_raw_allocator();
  return g_state.load(std::memory_order_acquire) == 2 ? g_raw.realloc(p, n)
                                                      : nullptr;
}
void *resolving_memalign(std::size_t align, std::size_t n) noexcept {
  resolve_raw_allocator();
  if (g_state.load(std::memory_order_acquire) != 2)
    return arena_allocate(n, align);
  return g_raw.memalign(align, n);
}
std::size_t resolving_usable_size(void *p) noexcept {
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

bool g_raw_is_glibc = false;

alignas(64) char g_arena[kArenaSize];

std::size_t arena_usable_size(const void *p) noexcept {
  std::size_t field;
  std::memcpy(&field, static_cast<const char *>(p) - 8, sizeof field);
  return (field & ~std::size_t{7}) - 16;
}

bool raw_realloc_zero_frees() noexcept { return g_realloc_zero_frees; }

bool raw_allocator_resolved() noexcept {
  return g_state.load(std::memory_order_acquire) == 2;
}

void resolve_raw_allocator() noexcept {
  int expected = 0;
  if (!g_state.compare_exchange_strong(expected, 1,
                                       std::memory_order_acquire))
    return; // resolved, or being resolved (then the arena serves)
  const bool ours = dlsym(RTLD_DEFAULT, "malloc") ==
                    reinterpret_cast<void *>(&memscope_malloc_impl);
  RawAllocator raw{};
  raw.malloc = reinterpret_cast<void *(*)(std::size_t) noexcept>(
      underneath("malloc", ours));
  raw.free = reinterpret_cast<void (*)(void *) noexcept>(underneath("free", ours));
  raw.calloc = reinterpret_cast<void *(*)(std::size_t, std::size_t) noexcept>(
      underneath("calloc", ours));
  raw.realloc = reinterpret_cast<void *(*)(void *, std::size_t) noexcept>(
      underneath("realloc", ours));
  raw.memalign = reinterpret_cast<void *(*)(std::size_t, std::size_t) noexcept>(
      underneath("memalign", ours));
  raw.usable_size = reinterpret_cast<std::size_t (*)(void *) noexcept>(
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
  // The allocation path asks the allocator underneath for every block's
  // usable size. tcmalloc's malloc_usable_size allocates (with operator
  // new, memscope's) the first time: let it do that now, while every
  // allocation still comes from the arena, rather than from inside the
  // allocation path, where it would recurse.
  if (void *warm = raw.malloc(1)) {
    (void)raw.usable_size(warm);
    raw.free(warm);
  }
  // realloc(p, 0) is implementation-defined: keep what the allocator
  // underneath does.
  if (void *probe = raw.malloc(1))
    if (void *again = raw.realloc(probe, 0)) {
      g_realloc_zero_frees = false;
      raw.free(again);
    }
  // glibc's chunk header is read inline (allocation_path.hpp) only when
  // malloc and malloc_usable_size both are glibc's own.
  Dl_info m{}, u{};
  auto is_libc = [](const Dl_info &info) {
    return info.dli_fname && std::strstr(info.dli_fname, "/libc.so.6");
  };
  g_raw_is_glibc =
      dladdr(reinterpret_cast<void *>(raw.malloc), &m) != 0 && is_libc(m) &&
      dladdr(reinterpret_cast<void *>(raw.usable_size), &u) != 0 && is_libc(u);
  // Other threads may read the table while it is written: each entry is
  // one aligned word (never torn), and the old entries still work.
  g_raw = raw;
  g_state.store(2, std::memory_order_release);
}

} // namespace memscope::detail
