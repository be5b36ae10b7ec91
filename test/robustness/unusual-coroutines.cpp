// Unusual but valid coroutine code: the plugin compiles all of it without a
// crash or a warning, leaves the program's behaviour unchanged at every -O
// level, and explains every coroutine it saw.
//
// RUN: %clangxx %cxxflags -O0 %s -o %t.p0 && %t.p0 > %t.p0.out
// RUN: %memscope_cxx -O0 %s %memscope_link -o %t.m0 2> %t.m0.err && %t.m0 > %t.m0.out
// RUN: diff %t.p0.out %t.m0.out
// RUN: FileCheck %s --check-prefix=DONE < %t.m0.out
// RUN: not grep -E "warning|error|crash|PLEASE" %t.m0.err
// RUN: %clangxx %cxxflags -O2 %s -o %t.p2 && %t.p2 > %t.p2.out
// RUN: %memscope_cxx -O2 -g %s %memscope_link -o %t.m2 2> %t.m2.err && %t.m2 > %t.m2.out
// RUN: diff %t.p2.out %t.m2.out
// RUN: not grep -E "warning|error|crash|PLEASE" %t.m2.err
// RUN: %memscope_cxx -O1 -fno-exceptions -DNO_EXCEPTIONS %s %memscope_link -o %t.mn && %t.mn > %t.mn.out
// RUN: %clangxx %cxxflags -O1 -fno-exceptions -DNO_EXCEPTIONS %s -o %t.pn && %t.pn > %t.pn.out
// RUN: diff %t.pn.out %t.mn.out
// Every coroutine gets an explanation, none is skipped here:
// RUN: %memscope_cxx -O0 -c %s -o %t.o -fplugin-arg-memscope-explain 2>&1 | FileCheck %s --check-prefix=EXPLAIN
// EXPLAIN-DAG: remark: memscope: 'macro_made_{{.*}}'
// EXPLAIN-DAG: remark: memscope: 'Holder<int>::member_coro
// EXPLAIN-DAG: remark: memscope: 'own_new_coro
// EXPLAIN-DAG: remark: memscope: 'transformed
// EXPLAIN-DAG: remark: memscope: 'every_position
// EXPLAIN-NOT: not instrumented
// DONE: all done
#include <coroutine>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

// ---- A lazy task with symmetric transfer --------------------------------
template <typename T> struct task {
  struct promise_type {
    T value{};
    std::coroutine_handle<> cont;
    task get_return_object() {
      return task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct fin {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<>
      await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        auto c = h.promise().cont;
        return c ? c : std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    fin final_suspend() noexcept { return {}; }
    void return_value(T v) { value = std::move(v); }
    void unhandled_exception() { std::abort(); }
  };
  std::coroutine_handle<promise_type> h;
  explicit task(std::coroutine_handle<promise_type> h) : h(h) {}
  task(task &&o) noexcept : h(std::exchange(o.h, {})) {}
  ~task() {
    if (h)
      h.destroy();
  }
  bool await_ready() { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
    h.promise().cont = c;
    return h;
  }
  T await_resume() { return std::move(h.promise().value); }
  T run() {
    h.resume();
    return std::move(h.promise().value);
  }
};

// ---- Awaiters of every await_suspend flavour ------------------------------
struct ready_int {
  int v;
  bool await_ready() { return true; }
  void await_suspend(std::coroutine_handle<>) {}
  int await_resume() { return v; }
};
struct bool_suspend { // await_suspend returning false: resumes at once
  int v;
  bool await_ready() { return false; }
  bool await_suspend(std::coroutine_handle<>) { return false; }
  int await_resume() { return v; }
};
struct handle_suspend { // symmetric transfer back to itself
  int v;
  bool await_ready() { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) { return h; }
  int await_resume() { return v; }
};
struct member_co_await {
  int v;
  ready_int operator co_await() const { return {v}; }
};
struct free_co_await {
  int v;
};
bool_suspend operator co_await(free_co_await f) { return {f.v}; }

// ---- 1. Coroutines made by macros ----------------------------------------
#define MAKE_CORO(name, value)                                                 \
  task<int> macro_made_##name() {                                              \
    std::vector<int> v(value, 1);                                              \
    co_return static_cast<int>(v.size()) + co_await ready_int{0};              \
  }
MAKE_CORO(a, 3)
MAKE_CORO(b, 4)
#define CO_AWAIT_TWICE(x) (co_await (x) + co_await (x))

// ---- 2. Promise type with its own operator new / delete -------------------
static int g_own_news;
struct own_new_task {
  struct promise_type {
    static void *operator new(std::size_t n) noexcept {
      ++g_own_news;
      return ::operator new(n, std::nothrow);
    }
    static void operator delete(void *p, std::size_t) { ::operator delete(p); }
    static own_new_task get_return_object_on_allocation_failure() {
      return own_new_task{nullptr};
    }
    int value = 0;
    own_new_task get_return_object() {
      return own_new_task{
          std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_value(int v) { value = v; }
    void unhandled_exception() { std::abort(); }
  };
  std::coroutine_handle<promise_type> h;
  explicit own_new_task(std::nullptr_t) {}
  explicit own_new_task(std::coroutine_handle<promise_type> h) : h(h) {}
  own_new_task(own_new_task &&o) noexcept : h(std::exchange(o.h, {})) {}
  ~own_new_task() {
    if (h)
      h.destroy();
  }
  int run() {
    h.resume();
    return h.promise().value;
  }
};
own_new_task own_new_coro(int x) {
  std::string s(static_cast<std::size_t>(x), 'n');
  co_return static_cast<int>(s.size());
}

// Promise operator new taking the coroutine's arguments (leading-allocator
// convention) and a nothrow operator new.
struct arena {
  int allocations = 0;
};
struct arena_task {
  struct promise_type {
    template <typename... Args>
    static void *operator new(std::size_t n, arena &a, Args &&...) {
      ++a.allocations;
      return ::operator new(n);
    }
    static void operator delete(void *p) { ::operator delete(p); }
    int value = 0;
    arena_task get_return_object() {
      return arena_task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_value(int v) { value = v; }
    void unhandled_exception() { std::abort(); }
  };
  std::coroutine_handle<promise_type> h;
  ~arena_task() { h.destroy(); }
  int run() {
    h.resume();
    return h.promise().value;
  }
};
arena_task arena_coro(arena &, int x) { co_return x * 2; }

// ---- 3. await_transform ---------------------------------------------------
struct transforming_task {
  struct promise_type {
    int transforms = 0;
    int value = 0;
    // Every co_await operand passes through here, ints included.
    ready_int await_transform(int v) {
      ++transforms;
      return {v * 10};
    }
    template <typename A> A &&await_transform(A &&a) {
      ++transforms;
      return std::forward<A>(a);
    }
    transforming_task get_return_object() {
      return transforming_task{
          std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_value(int v) { value = v; }
    void unhandled_exception() { std::abort(); }
  };
  std::coroutine_handle<promise_type> h;
  ~transforming_task() { h.destroy(); }
  int run() {
    h.resume();
    return h.promise().value + 1000 * h.promise().transforms;
  }
};
transforming_task transformed() {
  int a = co_await 4;
  int b = co_await ready_int{5};
  co_return a + b;
}

// ---- 4. Coroutine members of class templates ------------------------------
template <typename T> struct Holder {
  T base;
  task<T> member_coro(T add) { co_return base + add + co_await ready_int{1}; }
  static task<T> static_coro(T v) { co_return v * 3; }
  template <typename U> task<T> member_template(U u) {
    co_return base + static_cast<T>(u);
  }
  task<T> operator()(T v) const { co_return base *v; }
  struct Inner {
    task<T> inner_coro() { co_return T{7}; }
  };
};

// Variadic, forwarding references, big by-value parameters.
template <typename... Ts> task<int> variadic(Ts &&...ts) {
  co_return static_cast<int>((0 + ... + static_cast<int>(ts)));
}
struct Big {
  char bytes[4096] = {};
  int tag = 42;
};
task<int> by_value(Big big) { co_return big.tag; }

// Operator overload that is a coroutine.
struct Num {
  int v;
};
task<int> operator+(Num a, Num b) { co_return a.v + b.v; }

// ---- 5. co_await in every expression position allowed --------------------
int add3(int a, int b, int c) { return a + b + c; }
task<int> every_position() {
  int total = 0;
  int init = co_await ready_int{1};                              // initializer
  total += init;
  total += add3(co_await ready_int{1}, co_await bool_suspend{2}, // arguments
                co_await handle_suspend{3});
  total += co_await ready_int{2} * co_await ready_int{3};        // both operands
  total += (co_await ready_int{1} ? co_await ready_int{5}        // conditional
                                  : co_await ready_int{6});
  int arr[3] = {co_await ready_int{1}, co_await ready_int{2}, 3}; // brace init
  total += arr[co_await ready_int{2}];                           // subscript
  if (co_await ready_int{1})                                     // if condition
    total += 1;
  switch (co_await ready_int{2}) {                               // switch
  case 2:
    total += 2;
    break;
  default:
    break;
  }
  int n = 0;
  while (co_await ready_int{n} < 3)                              // loop condition
    ++n;
  total += n;
  for (int i = co_await ready_int{0}; i < co_await ready_int{2}; // for parts
       i += co_await ready_int{1})
    total += i;
  total += (co_await ready_int{1}, co_await ready_int{4});       // comma
  total += co_await member_co_await{3};                          // member op
  total += co_await free_co_await{4};                            // free op
  total += CO_AWAIT_TWICE(ready_int{5});                         // in a macro
  total += co_await macro_made_a();                              // a task
  total += co_await Holder<int>{10}.member_coro(1);
  auto lambda = [x = co_await ready_int{9}]() { return x; };     // init-capture
  total += lambda();
  total += co_await (co_await ready_int{1} ? ready_int{3} : ready_int{4}); // nested
  total += static_cast<int>(std::string(static_cast<std::size_t>(co_await ready_int{5}), 'x').size());
#ifndef NO_EXCEPTIONS
  try {
    if (co_await ready_int{1})
      throw co_await ready_int{77};                              // throw operand
  } catch (int e) {
    total += e;
  }
#endif
  co_return co_await ready_int{total};                           // co_return
}

// ---- 6. Lambdas: nested, generic, templated, immediately invoked ---------
task<int> lambdas() {
  auto outer = [](int x) -> task<int> {
    auto inner = [x](int y) -> task<int> { co_return x *y; };
    co_return co_await inner(3) + 1;
  };
  auto generic = [](auto v) -> task<int> { co_return static_cast<int>(v) + 2; };
  auto templated = []<typename T>(T v) -> task<int> {
    co_return static_cast<int>(sizeof(T)) + static_cast<int>(v);
  };
  int r = co_await outer(2);
  r += co_await generic(5);
  r += co_await generic(2.5);
  r += co_await templated(short{1});
  r += co_await [](int z) -> task<int> { co_return z; }(11); // invoked at once
  co_return r;
}

// ---- 7. Local class with a coroutine member; generator --------------------
task<int> local_class() {
  struct Local {
    task<int> go(int v) { co_return v + 100; }
  };
  co_return co_await Local{}.go(1);
}

struct gen {
  struct promise_type {
    int current = 0;
    gen get_return_object() {
      return gen{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int v) {
      current = v;
      return {};
    }
    void return_void() {}
    void unhandled_exception() { std::abort(); }
  };
  std::coroutine_handle<promise_type> h;
  ~gen() { h.destroy(); }
  bool next() {
    h.resume();
    return !h.done();
  }
};
gen count_to(int n) {
  for (int i = 1; i <= n; ++i)
    co_yield co_await ready_int{i}; // co_await inside co_yield's operand
}

namespace {
task<int> in_anonymous_namespace() { co_return 5; }
} // namespace

int main() {
  std::printf("macro %d %d\n", macro_made_a().run(), macro_made_b().run());
  std::printf("own new %d (%d)\n", own_new_coro(12).run(), g_own_news);
  arena a;
  std::printf("arena %d (%d)\n", arena_coro(a, 21).run(), a.allocations);
  std::printf("transform %d\n", transformed().run());
  Holder<int> h{5};
  std::printf("members %d %d %d %d %d\n", h.member_coro(2).run(),
              Holder<int>::static_coro(4).run(), h.member_template(2.0).run(),
              h(3).run(), Holder<long>::Inner{}.inner_coro().run() > 0 ? 7 : 0);
  std::printf("variadic %d by_value %d op %d\n", variadic(1, 2, 3L, 4.0).run(),
              by_value(Big{}).run(), (Num{2} + Num{3}).run());
  std::printf("positions %d\n", every_position().run());
  std::printf("lambdas %d local %d anon %d\n", lambdas().run(),
              local_class().run(), in_anonymous_namespace().run());
  int sum = 0;
  for (gen g = count_to(5); g.next();)
    sum += g.h.promise().current;
  std::printf("generator %d\n", sum);
  std::printf("all done\n");
  return 0;
}
