// Instrumentation never adds an allocation (issue 11, item 4): a new/delete
// pair, or a std::vector, that the optimizer removes in the plain build is
// removed in the instrumented build too. The plain build counts its
// allocations with a replaced global operator new; the instrumented one's
// report must count exactly as many, and the allocation that survives keeps
// its precise site.
//
// ASan keeps the allocations the plain optimizer removes: nothing to compare;
// TSan's own operator new clashes with the counting one (Inputs/count_new).
// UNSUPPORTED: asan, tsan
// RUN: %clangxx %cxxflags -O1 -DCOUNT_NEW %s %S/Inputs/count_new.cpp -o %t.plain1
// RUN: %t.plain1 > %t.plain1.out
// RUN: FileCheck %s < %t.plain1.out
// The same code uninstrumented but linked with the runtime counts every
// allocation the program makes (C ones too: stdout's buffer): the
// instrumented build must count exactly as many.
// RUN: %clangxx %cxxflags -O1 %s -o %t.rt1 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.rt1.json %t.rt1 | FileCheck %s
// RUN: %memscope_cxx -O1 %s -o %t.O1 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O1.json %t.O1 | FileCheck %s
// RUN: %python %S/removed_allocations.py %t.O1.json %t.plain1.out %s %t.rt1.json
// RUN: %clangxx %cxxflags -O2 -DCOUNT_NEW %s %S/Inputs/count_new.cpp -o %t.plain2
// RUN: %t.plain2 > %t.plain2.out
// RUN: FileCheck %s < %t.plain2.out
// RUN: %clangxx %cxxflags -O2 %s -o %t.rt2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.rt2.json %t.rt2 | FileCheck %s
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/removed_allocations.py %t.O2.json %t.plain2.out %s %t.rt2.json
// RUN: %memscope_cxx -O2 -g %s -o %t.O2g %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2g.json %t.O2g | FileCheck %s
// RUN: %python %S/removed_allocations.py %t.O2g.json %t.plain2.out %s %t.rt2.json
// CHECK: result 2000000
#include <coroutine>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#ifdef COUNT_NEW
extern unsigned long g_news; // Inputs/count_new.cpp
#endif

// A coroutine type of the smallest kind: runs to completion eagerly.
struct Job {
  struct promise_type {
    Job get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::abort(); }
  };
};

// clang removes both allocations here in a plain -O1/-O2 build: the
// pointer never escapes.
[[gnu::noinline]] int twice(int n) {
  int *p = new int[1000];
  p[n % 1000] = n;
  int r = p[n % 1000] * 2;
  delete[] p;
  return r;
}
// The same through library calls, which the plugin brackets: the
// brackets, emptied, must not keep anything alive.
[[gnu::noinline]] int twice_unique(int n) {
  auto p = std::make_unique<int>(n);
  return *p * 2;
}
[[gnu::noinline]] int twice_vector(int n) {
  std::vector<int> v;
  v.push_back(n);
  return v[0] * 2;
}

int *g_kept;

Job work(long &out) {
  for (int i = 0; i < 1000; ++i)
    out += twice(i) + twice_unique(i) + twice_vector(i);
  g_kept = new int[12345]; // SITE: kept
  co_return;
}

int main() {
  long out = 2000000 - 3 * 999000;
  work(out);
  std::printf("result %ld\n", out);
#ifdef COUNT_NEW
  std::printf("allocations %lu\n", g_news);
#endif
}
