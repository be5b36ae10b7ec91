// Determines the allocator mode (allocator_mode.hpp) from what the process
// binds the symbols to, as every other object sees them.
#include "accounting/allocator_mode.hpp"

#include "accounting/raw_allocator.hpp"
#include "support/printable.hpp"

#include <cstdio>
#include <cstring>
#include <dlfcn.h>

extern "C" void *memscope_malloc_impl(std::size_t) noexcept;
extern "C" void *memscope_operator_new_impl(std::size_t);

namespace memscope::detail {

std::atomic<AllocatorMode> g_allocator_mode{AllocatorMode::kUnknown};
std::atomic<bool> g_new_footer_on_glibc{false};

namespace {

bool bound_to(const char *symbol, const void *ours) noexcept {
  return dlsym(RTLD_DEFAULT, symbol) == ours;
}

bool new_is_ours() noexcept {
  return bound_to("_Znwm",
                  reinterpret_cast<const void *>(&memscope_operator_new_impl));
}
bool malloc_is_ours() noexcept {
  return bound_to("malloc",
                  reinterpret_cast<const void *>(&memscope_malloc_impl));
}

// The file that defines what `symbol` is bound to, without its directory
// (static storage from dladdr, or a literal; nothing is allocated: a
// program with its own operator new must not see memscope's start-up).
const char *owner_of(const char *symbol) noexcept {
  Dl_info info{};
  void *p = dlsym(RTLD_DEFAULT, symbol);
  if (!p || !dladdr(p, &info) || !info.dli_fname)
    return "unknown";
  const char *name = info.dli_fname;
  if (*name == '\0')
    return "the program";
  if (const char *slash = std::strrchr(name, '/'))
    name = slash + 1;
  return name;
}

// Where libmemscope_rt itself is (for the LD_PRELOAD advice).
const char *runtime_path() noexcept {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void *>(&memscope_malloc_impl), &info) &&
      info.dli_fname && *info.dli_fname)
    return info.dli_fname;
  return "libmemscope_rt.so";
}

} // namespace

AllocatorMode determine_allocator_mode() noexcept {
  AllocatorMode m = g_allocator_mode.load(std::memory_order_acquire);
  if (m != AllocatorMode::kUnknown)
    return m;
  const bool n = new_is_ours(), c = malloc_is_ours();
  m = n ? (c ? AllocatorMode::kFull : AllocatorMode::kNew)
        : (c ? AllocatorMode::kMalloc : AllocatorMode::kSafe);
  g_allocator_mode.store(m, std::memory_order_release);
  // Resolved here, unless another thread is resolving it right now (then
  // the entry points keep their general path, which is as exact).
  resolve_raw_allocator();
  if (footers_in_effect(m) && raw_allocator_resolved() && g_raw_is_glibc)
    g_new_footer_on_glibc.store(true, std::memory_order_relaxed);
  return m;
}

const char *to_string(AllocatorMode mode) noexcept {
  switch (mode) {
  case AllocatorMode::kFull:
    return "full";
  case AllocatorMode::kMalloc:
    return "malloc";
  case AllocatorMode::kNew:
    return "operator_new";
  case AllocatorMode::kSafe:
    return "safe";
  case AllocatorMode::kUnknown:
    break;
  }
  return "unknown";
}

const char *operator_new_owner() noexcept {
  return new_is_ours() ? "memscope" : owner_of("_Znwm");
}
const char *malloc_owner() noexcept {
  return malloc_is_ours() ? "memscope" : owner_of("malloc");
}

void say_allocator_mode() noexcept {
  const AllocatorMode m = determine_allocator_mode();
#if defined(MEMSCOPE_SANITIZER_BUILD)
  // A sanitizer tree keeps the sanitizer's malloc on purpose.
  if (m == AllocatorMode::kNew)
    return;
#endif
  const char *lib = runtime_path();
  switch (m) {
  case AllocatorMode::kFull:
  case AllocatorMode::kUnknown:
    return;
  case AllocatorMode::kMalloc:
    std::fprintf(stderr,
                 "memscope: operator new in effect is %s's, not memscope's: "
                 "its blocks are counted where it takes them from malloc "
                 "(exact if it allocates with malloc)\n",
                 shown(owner_of("_Znwm")).text);
    return;
  case AllocatorMode::kNew:
    std::fprintf(stderr,
                 "memscope: malloc in effect is %s's, not memscope's (linked "
                 "or loaded before libmemscope_rt): C allocations (malloc, "
                 "calloc, realloc, strdup, C libraries) are not counted; link "
                 "-lmemscope_rt before it, or run with LD_PRELOAD=%s\n",
                 shown(owner_of("malloc")).text, shown(lib).text);
    return;
  case AllocatorMode::kSafe:
    std::fprintf(stderr,
                 "memscope: operator new and malloc in effect are %s's, not "
                 "memscope's (another allocator or a sanitizer linked first, "
                 "or an instrumented library in a program not linked with "
                 "libmemscope_rt): safe mode, allocations from instrumented "
                 "code are counted, frees are not; link -lmemscope_rt first, "
                 "or run with LD_PRELOAD=%s\n",
                 shown(owner_of("malloc")).text, shown(lib).text);
    return;
  }
}

} // namespace memscope::detail
