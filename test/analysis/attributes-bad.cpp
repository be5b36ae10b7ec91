// Mistakes in the attributes are warnings, never errors: the build goes on.
// RUN: %memscope_cxx -I%S/Inputs -c -o %t.o %s 2>&1 | FileCheck %s
// RUN: test -f %t.o
#include <boost/asio/awaitable.hpp>
using boost::asio::awaitable;

[[memscope::task_type("fast")]] awaitable<void> a() { co_return; }
// CHECK: attributes-bad.cpp:[[@LINE-1]]:23: warning: memscope: unknown task type 'fast' in 'memscope::task_type'; valid names: cpu, io, network, memory, gpu, mixed, streaming, background, unknown

[[memscope::task_type]] awaitable<void> b() { co_return; }
// CHECK: attributes-bad.cpp:[[@LINE-1]]:3: warning: memscope: 'memscope::task_type' takes one string literal

[[memscope::task_type(3)]] awaitable<void> c() { co_return; }
// CHECK: attributes-bad.cpp:[[@LINE-1]]:3: warning: memscope: 'memscope::task_type' takes one string literal

[[memscope::task_root(1)]] awaitable<void> d() { co_return; }
// CHECK: attributes-bad.cpp:[[@LINE-1]]:3: warning: memscope: 'memscope::task_root' takes no arguments

[[memscope::task_root]] int not_a_function = 0;
// CHECK: attributes-bad.cpp:[[@LINE-1]]:3: warning: memscope: 'memscope::task_root' attribute only applies to functions

// CHECK-NOT: error
int main() {}
