// The allocator underneath memscope's: whatever malloc the program would
// have used without it. memscope's blocks (header + the program's bytes)
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

namespace memscope::detail {

struct RawAllocator {
  void *(*malloc)(std::size_t);
  void (*free)(void *);
  void *(*calloc)(std::size_t, std::size_t);
  void *(*realloc)(void *, std::size_t);
  void *(*memalign)(std::size_t, std::size_t);
  std::size_t (*usable_size)(void *);
};

extern RawAllocator g_raw;

// Whether realloc(p, 0) frees p and returns null underneath (glibc) rather
// than returning a minimal block (jemalloc): memscope's realloc does what
// the allocator underneath does.
bool raw_realloc_zero_frees() noexcept;

// Looks every entry up (idempotent); called by the resolvers and at
// start-up.
void resolve_raw_allocator() noexcept;

// True for a block of the bootstrap arena (never handed to g_raw.free).
bool in_bootstrap_arena(const void *p) noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_RAW_ALLOCATOR_HPP
