// Spawns written as libcoro's and cppcoro's own tests write them: local
// lambda coroutines of a plain function, one spawning the other, and a
// spawn inside a macro that expands its argument twice (Catch2's REQUIRE).
// Codegen numbers local lambdas in another order than the plugin's AST side
// (`handle` below is the AST's first lambda and codegen's second; `step`,
// of `server`'s signature, gets `server`'s AST name from codegen at -O0, so
// a caller's exact name is no evidence), and a lambda's body is its own
// function, not the enclosing one's: each spawned coroutine is a task of
// its own, charged its block, and the lambda that spawns them only what it
// keeps itself.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/local_lambda_spawns.py %t.O0.json
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/local_lambda_spawns.py %t.O2.json
// RUN: %memscope_cxx -O2 -c %s -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARKS --allow-empty
// CHECK: handled 4
// REMARKS-NOT: not instrumented
#include "Inputs/coro_standin.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#define REQUIRE_LIKE(...)                                                      \
  do {                                                                         \
    if (!(__VA_ARGS__))                                                        \
      std::abort();                                                            \
  } while ((void)0, (false) && static_cast<const bool &>(!!(__VA_ARGS__)))

std::vector<char *> g_kept; // escapes
int g_handled = 0;

static int run() {
  coro::thread_pool pool;
  auto handle = [](int i) -> coro::task<void> {
    g_kept.push_back(new char[100000 + i]);
    ++g_handled;
    co_return;
  };
  auto step = [](long) -> coro::task<void> {
    g_kept.push_back(new char[10]);
    co_return;
  };
  auto server = [&](long n) -> coro::task<void> {
    for (long i = 0; i < n; ++i)
      pool.spawn_detached(handle(static_cast<int>(i)));
    REQUIRE_LIKE(pool.spawn_detached(handle(3)));
    co_await step(n);
    g_kept.push_back(new char[1000]);
    co_return;
  };
  coro::task<void> s = server(3);
  coro::sync_wait(s);
  return g_handled;
}

int main() {
  std::printf("handled %d\n", run());
  for (char *k : g_kept)
    delete[] k;
}
