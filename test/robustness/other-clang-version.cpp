// A plugin built for Clang 19 loaded into another Clang refuses to register,
// with one line that says what to do; the compiler goes on without it (the
// object is produced, uninstrumented) and does not crash.
// REQUIRES: other-clang
// RUN: %other_clangxx -std=c++20 -fplugin=%plugin -c %s -o %t.o 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: test -s %t.o
// The object has no instrumentation: no hooks, no site table.
// RUN: llvm-nm %t.o | not grep -E "__memscope_|memscope_sites"
// And with plugin arguments, still no crash:
// RUN: %other_clangxx -std=c++20 -fplugin=%plugin -fplugin-arg-memscope-explain -c %s -o %t2.o 2>&1 | FileCheck %s
// CHECK: memscope: memscope.so was built for Clang 19 but is loaded into '{{.*}}clang version {{[0-9]+}}.{{.*}}'; compile with clang++-19 or rebuild memscope against this compiler
// CHECK-NOT: PLEASE submit a bug report
#include <coroutine>

struct fire {
  struct promise_type {
    fire get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

fire work(int *out) {
  *out = new int(3) != nullptr;
  co_return;
}
