// Allocation before main and after exit begins: constructors (also one that
// may run before the runtime's own), coroutine tasks run from a constructor
// and from an atexit handler, static destructors that free, a destructor
// that allocates after the report, and a thread still allocating while the
// process exits. Nothing crashes, the exit status is the program's, and the
// report at exit is whole and counts what happened.
//
// RUN: %clangxx %cxxflags -O1 %s -o %t.plain -lpthread
// RUN: not %t.plain > %t.plain.out 2>&1
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: rm -f %t.json
// RUN: not env MEMSCOPE_OUTPUT=%t.json %t > %t.out 2>&1
// RUN: diff %t.plain.out %t.out
// RUN: FileCheck %s < %t.out
// RUN: %python %S/before_main_after_exit.py %t.json
// CHECK: constructor task 3000
// CHECK-NEXT: main
// CHECK-NEXT: atexit task 5000
// CHECK-NOT: memscope:
#include "Inputs/lazy_task.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

lazy_task<std::size_t> fill(std::vector<char> *out, std::size_t n) {
  out->assign(n, 'x');
  co_return out->size();
}

std::vector<char> *g_ctor_kept; // freed by a static destructor
std::atomic<bool> g_spin{true};

// Priority 101 like the runtime's own start-up: may run before it.
[[gnu::constructor(101)]] void early() {
  auto *p = new std::string(300, 'e');
  delete p;
}

// A coroutine task run before main.
[[gnu::constructor(200)]] void before_main() {
  g_ctor_kept = new std::vector<char>;
  auto t = fill(g_ctor_kept, 3000);
  t.resume();
  std::printf("constructor task %zu\n", t.result());
}

struct Global {
  std::unique_ptr<std::string> text{new std::string(1000, 'g')};
  ~Global() {
    delete g_ctor_kept; // a static destructor frees
    g_ctor_kept = nullptr;
  }
} g_global;

void at_exit() {
  std::vector<char> v;
  auto t = fill(&v, 5000);
  t.resume();
  std::printf("atexit task %zu\n", t.result());
  std::fflush(stdout);
}

// After the runtime's exit report: allocations must still work.
[[gnu::destructor(101)]] void very_late() {
  std::vector<int> v(100, 1);
  auto t = fill(new std::vector<char>, 10); // leaks on purpose
  t.resume();
}

} // namespace

int main() {
  std::atexit(at_exit);
  // Still allocating (and running tasks) while the process exits.
  std::thread([] {
    while (g_spin.load(std::memory_order_relaxed)) {
      std::vector<char> v;
      auto t = fill(&v, 64);
      t.resume();
    }
  }).detach();
  std::printf("main\n");
  std::fflush(stdout);
  return 9;
}
