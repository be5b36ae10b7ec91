// [[memscope::task_root]] and [[memscope::task_type]] on functions, member
// functions, templates and lambdas (after the introducer); the explicit type
// wins over inference.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -Wno-c++23-lambda-attributes -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio.hpp>
namespace asio = boost::asio;
using asio::awaitable;

[[memscope::task_root]] awaitable<void> marked() { co_return; } //@marked

[[memscope::task_root, memscope::task_type("cpu")]] //
awaitable<void> waits_but_cpu(asio::ip::tcp::socket &s) { //@cpu
  char c;
  co_await s.async_read_some(asio::buffer(&c, 1), asio::use_awaitable);
}

__attribute__((memscope_task_type("IoIntensive"))) awaitable<void> gnu_spelling() { co_return; } //@gnu

struct Worker {
  [[memscope::task_type("memory")]] awaitable<void> run(); //@decl
};
awaitable<void> Worker::run() { co_return; } //@run

awaitable<void> plain_child() { co_return; } //@child

int main() {
  asio::io_context io;
  auto l = [] [[memscope::task_root]] () -> awaitable<void> { //@lam
    co_await plain_child();
  };
  (void)l();
  asio::co_spawn(io, gnu_spelling(), asio::detached);
  asio::co_spawn(io, Worker{}.run(), asio::detached);
}

// CHECK-DAG: attributes.cpp:9:41: remark: memscope: 'marked' is a task root (marked {{\[\[}}memscope::task_root]]); type Unknown: no I/O
// CHECK-DAG: attributes.cpp:12:17: remark: memscope: 'waits_but_cpu' is a task root (marked {{\[\[}}memscope::task_root]]); type CpuIntensive (explicit {{\[\[}}memscope::task_type]])
// CHECK-DAG: attributes.cpp:17:68: remark: memscope: 'gnu_spelling' is a task root (spawned at {{.*}}); type IoIntensive (explicit {{\[\[}}memscope::task_type]])
// CHECK-DAG: attributes.cpp:22:25: remark: memscope: 'Worker::run' is a task root (spawned at {{.*}}); type MemoryIntensive (explicit {{\[\[}}memscope::task_type]])
// CHECK-DAG: attributes.cpp:24:17: remark: memscope: 'plain_child' is a child coroutine (runs in its caller's task)
// CHECK-DAG: attributes.cpp:28:12: remark: memscope: 'main()::lambda#1' is a task root (marked {{\[\[}}memscope::task_root]]); type Unknown
// CHECK-NOT: warning: memscope
