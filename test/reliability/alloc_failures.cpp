// Allocation failures and unusual allocations inside instrumented tasks:
// bad_alloc (caught in the coroutine), a negative array bound, nothrow
// failures, a new_handler that is retried until it uninstalls itself,
// over-aligned new up to a page, and realloc-like growth (vector, string,
// and a manual grow-copy-free buffer). The program's behaviour is the same
// with and without memscope, and failed allocations charge nothing.
//
// Under a sanitizer the plain program cannot run: ASan/TSan replace operator
// new with one that reports out-of-memory instead of throwing bad_alloc.
// UNSUPPORTED: sanitizer
// RUN: %clangxx %cxxflags -O2 %s -o %t.plain -lpthread
// RUN: %t.plain > %t.plain.out
// RUN: %memscope_cxx -O2 %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t > %t.out 2> %t.err
// RUN: diff %t.plain.out %t.out
// RUN: FileCheck %s < %t.out
// RUN: %python %S/alloc_failures.py %t.json %t.err
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 > %t.O0.out 2> %t.O0.err
// RUN: diff %t.plain.out %t.O0.out
// RUN: %python %S/alloc_failures.py %t.O0.json %t.O0.err
// CHECK: bad_alloc caught
// CHECK-NEXT: bad array size caught
// CHECK-NEXT: nothrow null
// CHECK-NEXT: nothrow array null
// CHECK-NEXT: handler ran 3, then bad_alloc
// CHECK-NEXT: aligned 64 128 4096 ok
// CHECK-NEXT: grown 100000 100000 65536
#include "Inputs/lazy_task.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace {

volatile std::size_t g_huge = std::size_t{1} << 62; // defeats folding
volatile long g_negative = -1;
int g_handler_runs;

// Called on each failure; gives up (uninstalls itself) on the third.
void handler() {
  if (++g_handler_runs == 3)
    std::set_new_handler(nullptr);
}

lazy_task<void> failures() {
  try {
    char *p = new char[g_huge];
    std::printf("unexpected %p\n", static_cast<void *>(p));
  } catch (const std::bad_alloc &) {
    std::printf("bad_alloc caught\n");
  }
  try {
    long n = g_negative;
    int *p = new int[n];
    std::printf("unexpected %p\n", static_cast<void *>(p));
  } catch (const std::bad_alloc &) {
    // Clang passes SIZE_MAX to operator new[] for a negative runtime bound
    // (bad_alloc), GCC throws bad_array_new_length (a bad_alloc too).
    std::printf("bad array size caught\n");
  }
  void *q = ::operator new(g_huge, std::nothrow);
  std::printf("nothrow %s\n", q ? "non-null" : "null");
  char *r = new (std::nothrow) char[g_huge];
  // Used, so that -O2 cannot elide the new-expression (and assume success).
  asm volatile("" : : "g"(r) : "memory");
  std::printf("nothrow array %s\n", r ? "non-null" : "null");
  co_return;
}

// operator new retries while a new_handler is installed, then throws.
lazy_task<std::size_t> handler_retry() {
  char *reserve = new char[4096];
  // Escapes, so that -O2 keeps the pair (as it would in a plain build).
  asm volatile("" : : "g"(reserve) : "memory");
  std::set_new_handler(handler);
  try {
    void *p = ::operator new(g_huge);
    ::operator delete(p);
  } catch (const std::bad_alloc &) {
    std::printf("handler ran %d, then bad_alloc\n", g_handler_runs);
  }
  delete[] reserve;
  co_return 1;
}

struct alignas(64) Line { char b[64]; };
struct alignas(128) Pair { char b[200]; };
struct alignas(4096) Page { char b[4096]; };

lazy_task<bool> aligned() {
  bool ok = true;
  for (int i = 0; i < 100; ++i) {
    auto *l = new Line;
    auto *p = new Pair[3];
    auto *g = new Page;
    // Escape, so that -O2 keeps the blocks (it removes them in a plain
    // build too, alignment checks and all).
    asm volatile("" : : "g"(l), "g"(p), "g"(g) : "memory");
    ok = ok && reinterpret_cast<std::uintptr_t>(l) % 64 == 0 &&
         reinterpret_cast<std::uintptr_t>(p) % 128 == 0 &&
         reinterpret_cast<std::uintptr_t>(g) % 4096 == 0;
    std::memset(g, 1, sizeof *g);
    delete l;
    delete[] p;
    delete g;
  }
  co_return ok;
}

std::vector<int> *g_vec;
std::string *g_str;
char *g_buf;
std::size_t g_buf_size;

// Growth patterns; the results outlive the task (retained, exactly).
lazy_task<void> growth() {
  g_vec = new std::vector<int>;
  for (int i = 0; i < 100000; ++i)
    g_vec->push_back(i);
  g_str = new std::string;
  for (int i = 0; i < 100000; ++i)
    g_str->push_back('s');
  // realloc by hand: allocate bigger, copy, free the old block.
  for (std::size_t n = 16; n <= 65536; n *= 2) {
    char *bigger = new char[n];
    if (g_buf)
      std::memcpy(bigger, g_buf, g_buf_size);
    delete[] g_buf;
    g_buf = bigger;
    g_buf_size = n;
  }
  co_return;
}

template <typename T> T run(lazy_task<T> t) {
  t.resume();
  return t.result();
}

} // namespace

int main() {
  run(failures());
  run(handler_retry());
  std::printf("aligned 64 128 4096 %s\n", run(aligned()) ? "ok" : "BROKEN");
  run(growth());
  std::printf("grown %zu %zu %zu\n", g_vec->size(), g_str->size(), g_buf_size);
  // Capacities for the checker (stderr: not compared with the plain run).
  std::fprintf(stderr, "capacity %zu %zu %zu\n",
               g_vec->capacity() * sizeof(int), g_str->capacity() + 1,
               g_buf_size);
  return 0;
}
