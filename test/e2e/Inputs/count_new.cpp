// The plain build's allocation counter for removed_allocations.cpp: a
// replaced global operator new in a translation unit of its own (defined in
// the same one, it would be inlined into its callers and its count kept
// the optimizer from removing anything).
#include <cstdlib>
#include <new>

unsigned long g_news = 0;

void *operator new(std::size_t n) {
  ++g_news;
  if (void *p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
void *operator new[](std::size_t n) { return operator new(n); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
