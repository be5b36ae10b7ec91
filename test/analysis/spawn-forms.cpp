// co_spawn's function-object form (lambda, lambda variable, functor), the
// awaitable form through a lambda call, and arguments that are not
// attributed to a new task.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <boost/asio.hpp>
namespace asio = boost::asio;
using asio::awaitable;

struct Job {
  awaitable<void> operator()() { co_return; } //@functor
};

awaitable<void> later() { co_return; } //@later

int main() {
  asio::io_context io;
  asio::co_spawn(io, []() -> awaitable<void> { co_return; }, asio::detached); //@s1
  auto named = []() -> awaitable<void> { co_return; }; //@named
  asio::co_spawn(io, named, asio::detached); //@s2
  asio::co_spawn(io, Job{}, asio::detached); //@s3
  auto aw = later();
  asio::co_spawn(io, std::move(aw), asio::detached); //@s4
  auto plain = [] { return later(); };
  asio::co_spawn(io, plain, asio::detached); //@s5
}

// CHECK-DAG: spawn-forms.cpp:10:19: remark: memscope: 'Job::operator()' is a task root (spawned at {{.*}}spawn-forms.cpp:20:3); type Unknown
// CHECK-DAG: spawn-forms.cpp:13:17: remark: memscope: 'later' is a task root (spawned at {{.*}}spawn-forms.cpp:24:3)
// CHECK-DAG: spawn-forms.cpp:17:22: remark: memscope: 'main()::lambda#1' is a task root (spawned at {{.*}}spawn-forms.cpp:17:3); type Unknown
// CHECK-DAG: spawn-forms.cpp:18:16: remark: memscope: 'main()::lambda#2' is a task root (spawned at {{.*}}spawn-forms.cpp:19:3); type Unknown
// CHECK-DAG: spawn-forms.cpp:22:3: remark: memscope: spawn at {{.*}}spawn-forms.cpp:22:3 not attributed to a new task: 'aw' is an awaitable created before the spawn
// CHECK-DAG: spawn-forms.cpp:23:16: remark: memscope: 'main()::lambda#3' returns the coroutine that the spawn at {{.*}}spawn-forms.cpp:24:3 runs: each call's coroutine is the root of a task of its own

// A function object whose body defines a lambda of its own: only its own
// `return` says what the spawn runs, not the inner lambda's.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s --check-prefix=INNER
awaitable<void> helper() { co_return; }
awaitable<void> later3() { co_return; }
void nested_spawn(asio::io_context &io) {
  auto nested = [] {
    auto inner = [] { return helper(); };
    (void)inner;
    return later3();
  };
  asio::co_spawn(io, nested, asio::detached);
}
// NESTED: remark: memscope: 'later3' is a task root (spawned at {{.*}}spawn-forms.cpp:[[#@LINE-2]]:3)
// INNER-NOT: 'helper' is a task root
