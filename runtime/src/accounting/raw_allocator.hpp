// The allocator underneath memscope's: whatever malloc the program would
// have used without it. memscope's blocks (the program's bytes + a footer)
// come from here, and go back here.
//
// memscope defines malloc, free and the rest of the C family itself (weak
// definitions, replace_malloc.cpp). When those are the ones the process
// binds to, the allocator underneath is the next definition in lookup
// order (dlsym(RTLD_NEXT): glibc's, or a jemalloc/tcmalloc/mimalloc linked
// after libmemscope_rt); when another malloc binds first, it is that one
// (dlsym(RTLD_DEFAULT)), and memscope's C family is never called.
//
// The table starts out pointing at resolvers, so it works before any
// constructor has run: the first call of each entry looks every entry up.
// dlsym may itself allocate; while a thread resolves, its allocations come
// from a small static arena whose blocks free() recognises and keeps.
#ifndef MEMSCOPE_RT_RAW_ALLOCATOR_HPP
#define MEMSCOPE_RT_RAW_ALLOCATOR_HPP

#include <cstddef>
#include <cstdint>

namespace memscope::detail {

// noexcept: C functions, and a call through a pointer that may throw could
// not be a tail call in the noexcept paths (delete and free end with one).
struct RawAllocator {
  void *(*malloc)(std::size_t) noexcept;
  void (*free)(void *) noexcept;
  void *(*calloc)(std::size_t, std::size_t) noexcept;
  void *(*realloc)(void *, std::size_t) noexcept;
  void *(*memalign)(std::size_t, std::size_t) noexcept;
  std::size_t (*usable_size)(void *) noexcept;
};

extern RawAllocator g_raw;

// True when the allocator underneath is glibc's (found in libc.so.6): the
// allocation path then reads a block's usable size from glibc's chunk
// header instead of calling malloc_usable_size.
extern bool g_raw_is_glibc;

// Whether realloc(p, 0) frees p and returns null underneath (glibc) rather
// than returning a minimal block (jemalloc): memscope's realloc does what
// the allocator underneath does.
bool raw_realloc_zero_frees() noexcept;

// Looks every entry up (idempotent); called by the resolvers and at
// start-up.
void resolve_raw_allocator() noexcept;
// Whether the table is filled in (acquire: g_raw_is_glibc is then final).
bool raw_allocator_resolved() noexcept;

// The bootstrap arena: blocks handed out while dlsym runs, never given to
// g_raw.free. Inline: every free checks it.
inline constexpr std::size_t kArenaSize = 64 * 1024;
extern char g_arena[kArenaSize];
inline bool in_bootstrap_arena(const void *p) noexcept {
  return reinterpret_cast<std::uintptr_t>(p) -
             reinterpret_cast<std::uintptr_t>(g_arena) <
         kArenaSize;
}
// The usable size of a bootstrap arena block (the size it was asked for).
std::size_t arena_usable_size(const void *p) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_RAW_ALLOCATOR_HPP
