// -fplugin-arg-memscope-spawn=<name> adds spawn functions;
// memscope::spawn_tracked / create_tracked are spawn functions, and
// create_tracked's TaskType argument is an explicit type.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain -fplugin-arg-memscope-spawn=my::launch -fplugin-arg-memscope-spawn=::my::Pool::submit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck --check-prefix=NOEXTRA %s
#include <boost/asio.hpp>
#include <memscope/async_memory.hpp>
namespace asio = boost::asio; using asio::awaitable;

namespace my {
template <class A> void launch(asio::io_context &, A &&) {}
struct Pool {
  template <class F> void submit(F &&) {}
};
} // namespace my

awaitable<void> a() { co_return; } //@a
awaitable<void> b() { co_return; } //@b
awaitable<void> c() { co_return; } //@c
awaitable<void> d() { co_return; } //@d

int main() {
  asio::io_context io;
  my::launch(io, a()); //@sa
  my::Pool pool;
  pool.submit([]() -> awaitable<void> { co_return; }); //@sb
  memscope::spawn_tracked(io, b(), asio::detached); //@sc
  asio::co_spawn(io, memscope::create_tracked(c(), memscope::TaskType::IoIntensive), asio::detached); //@sd
  memscope::create_tracked(d()); //@se
  memscope::create_tracked(d(), static_cast<memscope::TaskType>(io.stopped())); //@sf
}

// CHECK-DAG: spawn-extra-and-tracked.cpp:17:17: remark: memscope: 'a' is a task root (spawned at {{.*}}spawn-extra-and-tracked.cpp:24:3); type Unknown
// CHECK-DAG: spawn-extra-and-tracked.cpp:26:15: remark: memscope: 'main()::lambda#1' is a task root (spawned at {{.*}}spawn-extra-and-tracked.cpp:26:8); type Unknown
// CHECK-DAG: spawn-extra-and-tracked.cpp:18:17: remark: memscope: 'b' is a task root (spawned at {{.*}}spawn-extra-and-tracked.cpp:27:3); type Unknown
// CHECK-DAG: spawn-extra-and-tracked.cpp:19:17: remark: memscope: 'c' is a task root (spawned at {{.*}}spawn-extra-and-tracked.cpp:28:22); type IoIntensive (explicit create_tracked argument at {{.*}}:28:22)
// CHECK-DAG: spawn-extra-and-tracked.cpp:20:17: remark: memscope: 'd' is a task root (spawned at {{.*}}spawn-extra-and-tracked.cpp:29:3); type Unknown
// CHECK-DAG: spawn-extra-and-tracked.cpp:30:33: remark: memscope: task type argument of 'memscope::create_tracked' is not a constant; it is applied at run time
// NOEXTRA-DAG: spawn-extra-and-tracked.cpp:17:17: remark: memscope: 'a' is a child coroutine
// NOEXTRA-DAG: spawn-extra-and-tracked.cpp:26:15: remark: memscope: 'main()::lambda#1' is a child coroutine
