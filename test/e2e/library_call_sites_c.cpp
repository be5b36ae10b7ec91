// A C library allocation made from user code is charged to the user line:
// strdup is bracketed like any library call (library_call_sites.cpp), and
// the runtime charges what malloc allocates inside the bracket to its site.
//
// Under ASan or TSan the C family is the sanitizer's, not counted
// (operator_new mode).
// UNSUPPORTED: asan, tsan
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json %t.O0 | FileCheck %s
// RUN: %python %S/library_call_sites_c.py %t.O0.json %s
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json %t.O2 | FileCheck %s
// RUN: %python %S/library_call_sites_c.py %t.O2.json %s
// CHECK: kept 56789
#include <coroutine>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

struct Job {
  struct promise_type {
    Job get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::abort(); }
  };
};

char *g_copy;

Job copier(const std::string &text) {
  g_copy = strdup(text.c_str()); // SITE: strdup
  co_return;
}

int main() {
  std::string text(56789, 'c');
  copier(text);
  std::printf("kept %zu\n", std::strlen(g_copy));
}
