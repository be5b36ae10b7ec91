// The entry points of instrumented `new` expressions (abi.h): the plugin
// rewrites `new T` in user code into __memscope_new(size, &site), so the
// block carries its precise file:line:column.
//
// These are called directly, whoever's operator new the process binds to,
// so they follow the allocator mode (allocator_mode.hpp): with memscope's
// operator new in effect (the normal case, one predictable branch) they
// are its fast path; otherwise the block must come from the operator new
// in effect, because the delete in effect will free it:
//   - with memscope's malloc underneath it, the site goes into the
//     context's site half for the call, so that malloc charges the line;
//   - without (safe mode), the allocation is counted without a footer
//     (its free will not be seen).
#include "accounting/allocation_path.hpp"
#include "accounting/allocator_mode.hpp"
#include "lifecycle.hpp"

#include <dlfcn.h>

namespace memscope::detail {
namespace {

// The forms of operator new, in the order of their mangled names below.
enum Form : unsigned {
  kNew,
  kNewArray,
  kNewNothrow,
  kNewArrayNothrow,
  kNewAligned,
  kNewArrayAligned,
  kNewAlignedNothrow,
  kNewArrayAlignedNothrow,
  kForms
};
constexpr const char *kMangled[kForms] = {
    "_Znwm",
    "_Znam",
    "_ZnwmRKSt9nothrow_t",
    "_ZnamRKSt9nothrow_t",
    "_ZnwmSt11align_val_t",
    "_ZnamSt11align_val_t",
    "_ZnwmSt11align_val_tRKSt9nothrow_t",
    "_ZnamSt11align_val_tRKSt9nothrow_t",
};

std::atomic<void *> g_bound[kForms];

void *bound(Form f) noexcept {
  void *p = g_bound[f].load(std::memory_order_relaxed);
  if (!p) {
    p = dlsym(RTLD_DEFAULT, kMangled[f]);
    g_bound[f].store(p, std::memory_order_relaxed);
  }
  return p;
}

// Calls the operator new in effect in form `f`.
void *call_bound(Form f, std::size_t size, std::size_t align) {
  void *fn = bound(f);
  const std::align_val_t a{align};
  switch (f) {
  case kNew:
  case kNewArray:
    return reinterpret_cast<void *(*)(std::size_t)>(fn)(size);
  case kNewNothrow:
  case kNewArrayNothrow:
    return reinterpret_cast<void *(*)(std::size_t, const std::nothrow_t &)>(
        fn)(size, std::nothrow);
  case kNewAligned:
  case kNewArrayAligned:
    return reinterpret_cast<void *(*)(std::size_t, std::align_val_t)>(fn)(
        size, a);
  default:
    return reinterpret_cast<void *(*)(std::size_t, std::align_val_t,
                                      const std::nothrow_t &)>(fn)(
        size, a, std::nothrow);
  }
}

// Puts `site` in the context's site half while it lives (exceptions
// included): the allocations made meanwhile are charged to it.
class SiteBracket {
public:
  explicit SiteBracket(std::uint32_t site) noexcept : saved_(t_state.context) {
    t_state.context = make_context(context_slot(saved_), site);
  }
  ~SiteBracket() { t_state.context = saved_; }
  SiteBracket(const SiteBracket &) = delete;
  SiteBracket &operator=(const SiteBracket &) = delete;

private:
  std::uint64_t saved_;
};

// Every mode but kFull (and the first call, which determines it).
[[gnu::noinline, gnu::cold]] void *
foreign_new(Form f, std::size_t size, std::size_t align,
            const memscope_site *site) {
  const AllocatorMode mode = allocator_mode();
  const bool nothrow = f == kNewNothrow || f == kNewArrayNothrow ||
                       f == kNewAlignedNothrow || f == kNewArrayAlignedNothrow;
  if (footers_in_effect(mode)) {
    if (align > kMallocAlign)
      return nothrow ? allocate<Failure::kNothrow>(size, align, site_index(site))
                     : allocate<Failure::kThrow>(size, align, site_index(site));
    return nothrow ? allocate_fast<Failure::kNothrow>(size, site)
                   : allocate_fast<Failure::kThrow>(size, site);
  }
  const std::uint32_t index = site_index(site);
  if (mode == AllocatorMode::kMalloc) {
    SiteBracket bracket(index ? index : context_site(t_state.context));
    return call_bound(f, size, align);
  }
  void *p = call_bound(f, size, align);
  if (p) {
    (void)charge(size, index); // safe mode: nothing is written into the block
  }
  return p;
}

inline bool footer_mode() noexcept {
  return footers_in_effect(g_allocator_mode.load(std::memory_order_relaxed));
}

// Every case but the common one (memscope's operator new, glibc's malloc
// underneath): the same fast path with the general footer, or another
// operator new (foreign_new).
template <Failure F>
[[gnu::noinline]] void *general_new(Form f, std::size_t size,
                                    const memscope_site *site) {
  if (footer_mode())
    return allocate_fast<F>(size, site);
  return foreign_new(f, size, 0, site);
}

// The unaligned entry points: one test, then the fast path for glibc.
template <Failure F>
[[gnu::always_inline]] inline void *sited_new(Form f, std::size_t size,
                                              const memscope_site *site) {
  if (!g_new_footer_on_glibc.load(std::memory_order_relaxed)) [[unlikely]]
    return general_new<F>(f, size, site);
  return allocate_fast_on<F, true>(size, site);
}

} // namespace
} // namespace memscope::detail

using namespace memscope::detail;

// The ABI hooks are the library's interface: exported despite
// -fvisibility=hidden.
#pragma GCC visibility push(default)
extern "C" {

void *__memscope_new(size_t size, const memscope_site *site) {
  return sited_new<Failure::kThrow>(kNew, size, site);
}
void *__memscope_new_array(size_t size, const memscope_site *site) {
  return sited_new<Failure::kThrow>(kNewArray, size, site);
}
void *__memscope_new_nothrow(size_t size, const memscope_site *site) {
  return sited_new<Failure::kNothrow>(kNewNothrow, size, site);
}
void *__memscope_new_array_nothrow(size_t size, const memscope_site *site) {
  return sited_new<Failure::kNothrow>(kNewArrayNothrow, size, site);
}
void *__memscope_new_aligned(size_t size, size_t align,
                             const memscope_site *site) {
  if (!footer_mode()) [[unlikely]]
    return foreign_new(kNewAligned, size, align, site);
  return allocate<Failure::kThrow>(size, align, site_index(site));
}
void *__memscope_new_array_aligned(size_t size, size_t align,
                                   const memscope_site *site) {
  if (!footer_mode()) [[unlikely]]
    return foreign_new(kNewArrayAligned, size, align, site);
  return allocate<Failure::kThrow>(size, align, site_index(site));
}
void *__memscope_new_aligned_nothrow(size_t size, size_t align,
                                     const memscope_site *site) {
  if (!footer_mode()) [[unlikely]]
    return foreign_new(kNewAlignedNothrow, size, align, site);
  return allocate<Failure::kNothrow>(size, align, site_index(site));
}
void *__memscope_new_array_aligned_nothrow(size_t size, size_t align,
                                           const memscope_site *site) {
  if (!footer_mode()) [[unlikely]]
    return foreign_new(kNewArrayAlignedNothrow, size, align, site);
  return allocate<Failure::kNothrow>(size, align, site_index(site));
}

} // extern "C"
#pragma GCC visibility pop

// Static links: a program that pulls the entry points also gets the
// start-up and the exit report.
[[gnu::used]] static const int *const memscope_sited_new_anchor =
    &g_lifecycle_anchor;
