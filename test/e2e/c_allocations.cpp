// The C allocation family is accounted like operator new: each function
// inside a task is charged to it, and a free from another task is credited
// back to the task that allocated the block (DESIGN §3, issue 11).
//
// Under ASan or TSan, the sanitizer owns malloc and memscope runs in
// operator_new mode (the C family is not counted, by design:
// docs/compatibility.md).
// UNSUPPORTED: asan, tsan
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/c_allocations.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/c_allocations.py %t.O2.json
// The shared runtime, and a plain build: the same output.
// RUN: %memscope_cxx -O2 %s -o %t.shared %memscope_shared_link
// RUN: env MEMSCOPE_OUTPUT=%t.shared.json %t.shared | FileCheck %s
// RUN: %python %S/c_allocations.py %t.shared.json
// RUN: %clangxx %cxxflags -O2 %s -o %t.plain -lpthread
// RUN: %t.plain | FileCheck %s
// CHECK: aligned 1 1 1 1 1
// CHECK-NEXT: usable ok
// CHECK-NEXT: zero ok
// CHECK-NEXT: done
#include <boost/asio.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <string>

namespace asio = boost::asio;

// Escapes: the optimizer may not drop what a test asserts.
void *volatile g_kept[16];

bool aligned_to(void *p, std::uintptr_t a) {
  return reinterpret_cast<std::uintptr_t>(p) % a == 0;
}

asio::awaitable<void> c_family() {
  g_kept[0] = std::malloc(100000);
  g_kept[1] = std::calloc(1000, 110); // 110000
  void *grown = std::malloc(1000);
  g_kept[2] = std::realloc(grown, 120000);
  void *shrunk = std::malloc(130000);
  std::memset(shrunk, 's', 130000);
  g_kept[3] = std::realloc(shrunk, 1300);
  g_kept[4] = reallocarray(nullptr, 1400, 100); // 140000
  void *p = nullptr;
  if (posix_memalign(&p, 64, 150000) == 0)
    g_kept[5] = p;
  g_kept[6] = std::aligned_alloc(4096, 160000);
  g_kept[7] = memalign(256, 170000);
  g_kept[8] = valloc(180000);
  g_kept[9] = pvalloc(190000); // rounded up to pages: 192512
  std::string text(200000, 't');
  g_kept[10] = strdup(text.c_str()); // 200001
  g_kept[11] = std::realloc(nullptr, 210000);
  std::printf("aligned %d %d %d %d %d\n", aligned_to(g_kept[5], 64),
              aligned_to(g_kept[6], 4096), aligned_to(g_kept[7], 256),
              aligned_to(g_kept[8], 4096), aligned_to(g_kept[9], 4096));
  std::printf("usable %s\n",
              malloc_usable_size(g_kept[0]) >= 100000 &&
                      malloc_usable_size(g_kept[3]) >= 1300
                  ? "ok"
                  : "short");
  co_return;
}

// Frees five of c_family's blocks: credited back to c_family.
asio::awaitable<void> freer() {
  for (int i : {0, 1, 2, 8, 10})
    std::free(g_kept[i]);
  // realloc(p, 0) does what the C library does (glibc: frees, null).
  g_kept[12] = std::malloc(50);
  void *r = std::realloc(g_kept[12], 0);
  std::printf("zero %s\n", r == nullptr ? "ok" : "block");
  std::free(r);
  co_return;
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, c_family(), asio::detached);
  io.run();
  io.restart();
  asio::co_spawn(io, freer(), asio::detached);
  io.run();
  std::printf("done\n");
}
