// Replacement global operator new/delete, every form ([new.delete]).
//
// Weak, so that a program (or a library linked before libmemscope_rt)
// with its own operator new keeps it: with the static runtime that is no
// "multiple definition" error, and in both cases allocator_mode.cpp sees
// at start-up that these are not the ones in effect and says so.
#include "accounting/allocation_path.hpp"
#include "lifecycle.hpp"

// In a sanitizer tree (runtime/CMakeLists.txt) the replacements are strong,
// so that they win over the sanitizer runtime's weak operator new, as the
// sanitized unit tests expect.
#if defined(MEMSCOPE_SANITIZER_BUILD)
#define MEMSCOPE_REPLACEMENT
#else
#define MEMSCOPE_REPLACEMENT gnu::weak
#endif

using memscope::detail::allocate;
using memscope::detail::allocate_fast;
using memscope::detail::deallocate;
using memscope::detail::Failure;

namespace {
inline std::size_t align_of(std::align_val_t a) noexcept {
  return static_cast<std::size_t>(a);
}
} // namespace

extern "C" {
// The replacement of operator new(size_t), by a name of its own: the one
// allocator_mode.cpp compares with what the process binds "_Znwm" to.
[[gnu::visibility("hidden")]] void *memscope_operator_new_impl(std::size_t n) {
  return allocate_fast<Failure::kThrow>(n, nullptr);
}
}

// Exported: they must replace libstdc++'s for the whole process.
#pragma GCC visibility push(default)

[[MEMSCOPE_REPLACEMENT, gnu::alias("memscope_operator_new_impl")]] void *
operator new(std::size_t n);
// The other forms are defined by the standard in terms of these two, and
// call them through the symbol: where the program replaces only
// operator new(size_t) (or another library's is in effect), new[] and the
// nothrow forms reach that one, as they would with libstdc++'s.
[[MEMSCOPE_REPLACEMENT]] void *operator new[](std::size_t n) { return ::operator new(n); }
[[MEMSCOPE_REPLACEMENT]] void *operator new(std::size_t n,
                                 const std::nothrow_t &) noexcept {
  try {
    return ::operator new(n);
  } catch (...) {
    return nullptr;
  }
}
[[MEMSCOPE_REPLACEMENT]] void *operator new[](std::size_t n,
                                   const std::nothrow_t &) noexcept {
  try {
    return ::operator new[](n);
  } catch (...) {
    return nullptr;
  }
}
[[MEMSCOPE_REPLACEMENT]] void *operator new(std::size_t n, std::align_val_t a) {
  return allocate<Failure::kThrow>(n, align_of(a), 0);
}
[[MEMSCOPE_REPLACEMENT]] void *operator new[](std::size_t n, std::align_val_t a) {
  return ::operator new(n, a);
}
[[MEMSCOPE_REPLACEMENT]] void *operator new(std::size_t n, std::align_val_t a,
                                 const std::nothrow_t &) noexcept {
  try {
    return ::operator new(n, a);
  } catch (...) {
    return nullptr;
  }
}
[[MEMSCOPE_REPLACEMENT]] void *operator new[](std::size_t n, std::align_val_t a,
                                   const std::nothrow_t &) noexcept {
  try {
    return ::operator new[](n, a);
  } catch (...) {
    return nullptr;
  }
}

// The header knows size and alignment, so the two base forms are the
// same; the others call them, as the standard defines them.
[[MEMSCOPE_REPLACEMENT]] void operator delete(void *p) noexcept { deallocate(p); }
[[MEMSCOPE_REPLACEMENT]] void operator delete(void *p, std::align_val_t) noexcept {
  deallocate(p);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete[](void *p) noexcept { ::operator delete(p); }
[[MEMSCOPE_REPLACEMENT]] void operator delete(void *p, const std::nothrow_t &) noexcept {
  ::operator delete(p);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete[](void *p,
                                     const std::nothrow_t &) noexcept {
  ::operator delete[](p);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete(void *p, std::size_t) noexcept {
  ::operator delete(p);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete[](void *p, std::size_t) noexcept {
  ::operator delete[](p);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete[](void *p, std::align_val_t a) noexcept {
  ::operator delete(p, a);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete(void *p, std::align_val_t a,
                                   const std::nothrow_t &) noexcept {
  ::operator delete(p, a);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete[](void *p, std::align_val_t a,
                                     const std::nothrow_t &) noexcept {
  ::operator delete[](p, a);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete(void *p, std::size_t,
                                   std::align_val_t a) noexcept {
  ::operator delete(p, a);
}
[[MEMSCOPE_REPLACEMENT]] void operator delete[](void *p, std::size_t,
                                     std::align_val_t a) noexcept {
  ::operator delete[](p, a);
}

#pragma GCC visibility pop

// Static links: a program whose references to operator new pull this
// object also gets the start-up and the exit report.
[[gnu::used]] static const int *const memscope_replace_new_anchor =
    &memscope::detail::g_lifecycle_anchor;
