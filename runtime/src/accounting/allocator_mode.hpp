// Which allocator the process binds to, and how memscope counts with it.
//
// memscope replaces operator new/delete (replace_new.cpp) and malloc/free
// (replace_malloc.cpp) with weak definitions. Whether those are the ones in
// effect depends on the link (another allocator or a sanitizer runtime
// linked first, the program's own operator new, an instrumented shared
// library in a program that was not linked with the runtime). The mode
// says what memscope can count, and the instrumented `new` expressions
// (sited_new.cpp) never hand a block with a memscope footer to another
// allocator's delete.
#ifndef MEMSCOPE_RT_ALLOCATOR_MODE_HPP
#define MEMSCOPE_RT_ALLOCATOR_MODE_HPP

#include <atomic>
#include <cstdint>

namespace memscope::detail {

enum class AllocatorMode : std::uint8_t {
  kUnknown, // not determined yet
  kFull,    // memscope's operator new and malloc: every allocation, exact
  kMalloc,  // another operator new, memscope's malloc: its blocks are
            // counted where it takes them from malloc
  kNew,     // memscope's operator new, another malloc: C allocations are
            // not counted
  kSafe,    // neither: allocations from instrumented `new` expressions
            // are counted, frees are not seen
};

// Set once, by determine_allocator_mode(); read by the `new` entry points.
extern std::atomic<AllocatorMode> g_allocator_mode;

// memscope's operator new is the one in effect (kFull, kNew): its blocks,
// and those of the instrumented `new` expressions, carry a footer.
constexpr bool footers_in_effect(AllocatorMode m) noexcept {
  return m == AllocatorMode::kFull || m == AllocatorMode::kNew;
}

// The mode is kFull or kNew (memscope's operator new: blocks carry a
// footer) and glibc's malloc is underneath: the `new` entry points'
// (sited_new.cpp) fast path, behind this one test. Set by
// determine_allocator_mode(); false until then (the general entry).
extern std::atomic<bool> g_new_footer_on_glibc;

// Determines the mode (idempotent) and returns it.
AllocatorMode determine_allocator_mode() noexcept;

inline AllocatorMode allocator_mode() noexcept {
  const AllocatorMode m = g_allocator_mode.load(std::memory_order_relaxed);
  return m != AllocatorMode::kUnknown ? m : determine_allocator_mode();
}

const char *to_string(AllocatorMode mode) noexcept;

// Who provides the operator new and the malloc in effect: "memscope", or
// the file name of the object that does (for the report).
const char *operator_new_owner() noexcept;
const char *malloc_owner() noexcept;

// Start-up: one `memscope:` line on stderr when the mode is not kFull,
// saying what was found and what to do.
void say_allocator_mode() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_ALLOCATOR_MODE_HPP
