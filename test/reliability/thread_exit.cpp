// Threads that exit while their tasks are alive: a task suspended on a
// thread that then ends is resumed and finished by another thread, another
// is destroyed while suspended by a third; memory a dead thread's task
// allocated is freed elsewhere. Figures stay exact and nothing crashes.
//
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t | FileCheck %s
// RUN: %python %S/thread_exit.py %t.json
// CHECK: finished 4096
// CHECK: destroyed
#include "Inputs/lazy_task.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace {

std::vector<char> *g_handoff;

// Keeps the optimiser from eliding a vector's allocation.
void sink(const std::vector<char> &v) {
  asm volatile("" : : "g"(v.data()) : "memory");
}

lazy_task<std::size_t> finisher() {
  std::vector<char> mine(1024, 'a');
  sink(mine);
  co_await yield_point{}; // the thread that started us exits here
  std::vector<char> more(3072, 'b');
  sink(more);
  g_handoff = new std::vector<char>(2048, 'h'); // outlives this task
  co_return mine.size() + more.size();
}

lazy_task<void> abandoned() {
  std::vector<char> held(777, 'z');
  sink(held);
  co_await yield_point{};
  co_return; // never reached: destroyed while suspended
}

} // namespace

int main() {
  std::optional<lazy_task<std::size_t>> a;
  std::optional<lazy_task<void>> b;
  std::thread([&] {
    a.emplace(finisher());
    a->resume();
    b.emplace(abandoned());
    b->resume();
  }).join(); // the thread is gone; both tasks are suspended

  std::thread([&] {
    a->resume();
    std::printf("finished %zu\n", a->result());
    a.reset();
  }).join();

  std::thread([&] {
    b.reset(); // destroys the suspended frame: frees `held`
    std::printf("destroyed\n");
  }).join();

  delete g_handoff; // another thread's task's block, freed by main
  return 0;
}
