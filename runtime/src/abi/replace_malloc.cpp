// The C allocation family, accounted like operator new (allocation_path.hpp):
// malloc, calloc, realloc, reallocarray, posix_memalign, aligned_alloc,
// memalign, valloc, pvalloc, free, malloc_usable_size. What allocates
// through them (strdup, Asio's recycling allocator, C libraries) is then
// charged too; glibc's own functions call malloc through the symbol, so the
// replacement serves them as well.
//
// Weak, like the operator new replacements: an allocator linked before
// libmemscope_rt (jemalloc, tcmalloc), a sanitizer runtime or the program's
// own malloc keeps its place, and allocator_mode.cpp says so at start-up.
// Blocks come from the allocator underneath (raw_allocator.hpp), whichever
// it is.
#include "accounting/allocation_path.hpp"
#include "lifecycle.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <unistd.h>

using namespace memscope::detail;

namespace {

inline bool power_of_two(std::size_t n) noexcept {
  return n != 0 && (n & (n - 1)) == 0;
}

// glibc's memalign and aligned_alloc take any alignment and round it up
// to a power of two; so does this.
inline std::size_t round_alignment(std::size_t align) noexcept {
  if (power_of_two(align))
    return align;
  std::size_t a = 1;
  while (a < align && a != 0)
    a <<= 1;
  return a;
}

std::size_t page_size() noexcept {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

void *aligned(std::size_t align, std::size_t size) noexcept {
  align = round_alignment(align);
  if (align == 0) {
    errno = EINVAL;
    return nullptr;
  }
  return c_allocate_aligned(align, size);
}

} // namespace

extern "C" {

// The replacement of malloc, by a name of its own: the one
// raw_allocator.cpp and allocator_mode.cpp compare with what the process
// binds "malloc" to.
[[gnu::visibility("hidden")]] void *memscope_malloc_impl(std::size_t n) noexcept {
  return c_allocate(n);
}

// A sanitizer tree keeps the sanitizer's C family (its interceptors are
// what it checks with); memscope's C paths are unit-tested directly there.
#if !defined(MEMSCOPE_SANITIZER_BUILD)
#pragma GCC visibility push(default)

[[gnu::weak, gnu::alias("memscope_malloc_impl")]] void *malloc(std::size_t) noexcept;

[[gnu::weak]] void free(void *p) noexcept { deallocate(p); }

[[gnu::weak]] void *calloc(std::size_t n, std::size_t size) noexcept {
  return c_allocate_zeroed(n, size);
}

[[gnu::weak]] void *realloc(void *p, std::size_t n) noexcept {
  return c_reallocate(p, n);
}

[[gnu::weak]] void *reallocarray(void *p, std::size_t n,
                                 std::size_t size) noexcept {
  if (size != 0 && n > SIZE_MAX / size) {
    errno = ENOMEM;
    return nullptr;
  }
  return c_reallocate(p, n * size);
}

[[gnu::weak]] int posix_memalign(void **out, std::size_t align,
                                 std::size_t size) noexcept {
  if (!power_of_two(align) || align % sizeof(void *) != 0)
    return EINVAL;
  const int saved = errno; // posix_memalign reports, it does not set errno
  void *p = c_allocate_aligned(align, size);
  if (!p) {
    errno = saved;
    return ENOMEM;
  }
  *out = p;
  return 0;
}

[[gnu::weak]] void *aligned_alloc(std::size_t align, std::size_t size) noexcept {
  return aligned(align, size);
}

[[gnu::weak]] void *memalign(std::size_t align, std::size_t size) noexcept {
  return aligned(align, size);
}

[[gnu::weak]] void *valloc(std::size_t size) noexcept {
  return c_allocate_aligned(page_size(), size);
}

[[gnu::weak]] void *pvalloc(std::size_t size) noexcept {
  const std::size_t page = page_size();
  if (size > SIZE_MAX - page) {
    errno = ENOMEM;
    return nullptr;
  }
  const std::size_t rounded = size ? (size + page - 1) & ~(page - 1) : page;
  return c_allocate_aligned(page, rounded);
}

[[gnu::weak]] std::size_t malloc_usable_size(void *p) noexcept {
  return c_usable_size(p);
}

#pragma GCC visibility pop
#endif // !MEMSCOPE_SANITIZER_BUILD

} // extern "C"

// Static links: a program whose references to malloc pull this object
// also gets the start-up and the exit report.
[[gnu::used]] static const int *const memscope_replace_malloc_anchor =
    &g_lifecycle_anchor;
