// A target the runtime does not support (not ELF): the plugin leaves the
// module alone, says so in one remark, and the object is still produced.
// RUN: %memscope_cxx -target x86_64-apple-macos11 -nostdinc++ -fno-exceptions -c %s -o %t.macho.o 2>&1 | FileCheck %s
// RUN: test -s %t.macho.o
// RUN: %memscope_cxx -target x86_64-pc-windows-msvc -nostdinc++ -fno-exceptions -c %s -o %t.coff.o 2>&1 | FileCheck %s
// RUN: test -s %t.coff.o
// CHECK: remark: memscope: module not instrumented: skipped: only ELF targets
// CHECK-NOT: warning
// CHECK-NOT: error
#include "Inputs/mini_coroutine.h"

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
  *out = 1;
  co_return;
}
