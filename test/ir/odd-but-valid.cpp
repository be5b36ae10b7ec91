// Odd but valid code must compile, link with the runtime and behave exactly
// as without memscope, at every -O level, with and without exceptions.
// (Compared per -O level: at -O1+ LLVM itself treats the null result of a
// noexcept promise operator new differently from -O0.)
// RUN: %clangxx %cxxflags -I%ir_inputs -O0 %s -o %t.p0 && %t.p0 > %t.p0.out
// RUN: %memscope_cxx -I%ir_inputs -O0 %s %memscope_link -o %t.m0 && %t.m0 > %t.m0.out
// RUN: diff %t.p0.out %t.m0.out
// RUN: %clangxx %cxxflags -I%ir_inputs -O2 %s -o %t.p2 && %t.p2 > %t.p2.out
// RUN: %memscope_cxx -I%ir_inputs -O2 %s %memscope_link -o %t.m2 && %t.m2 > %t.m2.out
// RUN: diff %t.p2.out %t.m2.out
// RUN: %clangxx %cxxflags -I%ir_inputs -O3 -g %s -o %t.p3 && %t.p3 > %t.p3.out
// RUN: %memscope_cxx -I%ir_inputs -O3 -g %s %memscope_link -o %t.m3 && %t.m3 > %t.m3.out
// RUN: diff %t.p3.out %t.m3.out
// RUN: %clangxx %cxxflags -I%ir_inputs -O1 -fno-exceptions -DNOEXC %s -o %t.pn && %t.pn > %t.pn.out
// RUN: %memscope_cxx -I%ir_inputs -O1 -fno-exceptions -DNOEXC %s %memscope_link -o %t.mn && %t.mn > %t.mn.out
// RUN: diff %t.pn.out %t.mn.out
#include "coro.h"
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>

static int log_count;
static void note(const char *what, int v) {
  std::printf("%s %d\n", what, v);
  ++log_count;
}

// Allocation failure path: the ramp returns without a frame.
struct fallible {
  struct promise_type {
    static inline bool fail = false;
    fallible get_return_object() { return {true}; }
    static fallible get_return_object_on_allocation_failure() {
      return {false};
    }
    void *operator new(std::size_t n) noexcept {
      return fail ? nullptr : std::malloc(n);
    }
    void operator delete(void *p) { std::free(p); }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::abort(); }
  };
  bool ok;
};
__attribute__((noinline)) fallible eager(int v) {
  note("eager", v);
  co_return;
}

// Over-aligned promise: the frame allocation is the aligned operator new.
struct alignas(64) wide_task {
  struct alignas(64) promise_type {
    char pad[64];
    wide_task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::abort(); }
  };
};
wide_task wide(int v) {
  note("wide", v);
  co_return;
}

// Recursion, loops and conditional awaits.
task fib(int n, int *out) {
  if (n < 2) {
    *out = n;
    co_return;
  }
  int a = 0, b = 0;
  co_await fib(n - 1, &a);
  co_await fib(n - 2, &b);
  *out = a + b;
}

template <class... Ts> task variadic(int *out, Ts... ts) {
  int *p = new int((ts + ... + 0));
  *out = (co_await maybe_suspend{*p % 2 == 0}, *p);
  delete p;
}

#ifndef NOEXC
task thrower(int v) {
  if (v > 0)
    throw std::runtime_error("boom");
  co_return;
}
task catcher(int *out) {
  for (int i = 0; i < 3; ++i) {
    try {
      co_await thrower(i);
      *out += 1;
    } catch (const std::exception &) {
      *out += 100;
    }
  }
}
#endif

generator squares(int n) {
  for (int i = 0; i < n; ++i) {
    int *tmp = new int[2]{i, i};
    co_yield tmp[0] * tmp[1];
    delete[] tmp;
  }
}

struct Custom {
  static void *operator new(std::size_t n) { return std::malloc(n); }
  static void operator delete(void *p) { std::free(p); }
  int v = 5;
};

int main() {
  int out = 0;
  { task t = fib(10, &out); run(t); note("fib", out); }
  { task t = variadic(&out, 1, 2, 3); run(t); note("variadic", out); }
  { task t = variadic(&out, 1, 2); run(t); note("variadic", out); }
#ifndef NOEXC
  { out = 0; task t = catcher(&out); run(t); note("catcher", out); }
#endif
  { generator g = squares(5); int s = 0; while (g.next()) s += g.value(); note("squares", s); }
  { generator g = squares(5); g.next(); g.next(); note("abandoned", g.value()); }
  note("ok", eager(1).ok);
  fallible::promise_type::fail = true;
  note("fail", eager(2).ok ? 1 : 0);
  wide(3);
  Custom *c = new Custom;  // class operator new: not a global form
  note("custom", c->v);
  delete c;
  void *raw = ::operator new(32); // explicit call of the global form
  ::operator delete(raw);
  alignas(16) unsigned char buf[sizeof(int)];
  int *placed = new (buf) int(9); // placement new: no call at all
  note("placed", *placed);
  note("lines", log_count);
  return 0;
}
