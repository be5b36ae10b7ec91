// One instrumented task that allocates with new and the C family, for the
// allocator-mode tests (allocator_modes.test). -DOWN_NEW gives the program
// an operator new/delete of its own; -DLIB_TASK builds the task as a shared
// library's function (run_task), -DMAIN_ONLY the program that calls it;
// -DPLAIN_LIB_MALLOC makes the task call a plain shared library's malloc.
#include "../../Inputs/lazy_task.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>

#if defined(OWN_NEW)
static unsigned long g_news, g_deletes;
void *operator new(std::size_t n) {
  ++g_news;
  if (void *p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
  if (p)
    ++g_deletes;
  std::free(p);
}
void operator delete(void *p, std::size_t) noexcept { operator delete(p); }
#endif

extern "C" void *plain_lib_malloc(std::size_t n);

// Escapes: the optimizer keeps what the tests assert.
void *volatile g_kept[4];

#if !defined(MAIN_ONLY)
lazy_task<void> worker() {
  char *block = new char[100000];
  g_kept[0] = block;
  delete[] block;
  g_kept[1] = std::malloc(200000);
  g_kept[2] = strdup("memscope");
#if defined(PLAIN_LIB_MALLOC)
  g_kept[3] = plain_lib_malloc(300000);
#endif
  co_return;
}

// The task lives in a global, so its frame is on the heap in every build
// (clang may otherwise elide the allocation of a frame that does not escape
// in one build and not in another).
std::optional<lazy_task<void>> g_task;

extern "C" int run_task() {
  g_task.emplace(worker());
  g_task->resume();
  g_task.reset();
  return 7;
}
#else
extern "C" int run_task();
#endif

#if !defined(LIB_TASK)
int main() {
  const int r = run_task();
  std::printf("task ran: %d\n", r);
#if defined(OWN_NEW)
  std::printf("own new: %lu news, %lu deletes\n", g_news, g_deletes);
#endif
  return 3;
}
#endif
