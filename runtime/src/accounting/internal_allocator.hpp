// An allocator for the runtime's own containers that the runtime's threads
// grow while the program runs (the sampler's fold tables): blocks straight
// from the allocator underneath (raw_allocator.hpp), never through the
// global operator new. A program with an operator new of its own (which
// memscope then leaves in effect) must not see memscope's allocations in
// it, and nothing of the runtime's is charged to anyone.
#ifndef MEMSCOPE_RT_INTERNAL_ALLOCATOR_HPP
#define MEMSCOPE_RT_INTERNAL_ALLOCATOR_HPP

#include "accounting/raw_allocator.hpp"

#include <cstddef>
#include <new>

namespace memscope::detail {

template <typename T> struct InternalAllocator {
  using value_type = T;
  InternalAllocator() noexcept = default;
  template <typename U>
  InternalAllocator(const InternalAllocator<U> &) noexcept {}
  T *allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T))
      throw std::bad_alloc();
    void *p = g_raw.memalign(alignof(T) < 16 ? 16 : alignof(T), n * sizeof(T));
    if (!p)
      throw std::bad_alloc();
    return static_cast<T *>(p);
  }
  void deallocate(T *p, std::size_t) noexcept { g_raw.free(p); }
  template <typename U>
  bool operator==(const InternalAllocator<U> &) const noexcept {
    return true;
  }
};

} // namespace memscope::detail

#endif // MEMSCOPE_RT_INTERNAL_ALLOCATOR_HPP
