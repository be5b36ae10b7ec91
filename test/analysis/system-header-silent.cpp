// Coroutines in system headers are transparent: recorded with
// InSystemHeader, never explained. Without -fplugin-arg-memscope-explain the
// plugin says nothing at all.
// RUN: %memscope_cxx -I%S/Inputs -isystem %S/Inputs/sys -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s --implicit-check-not='remark: memscope'
// RUN: %memscope_cxx -I%S/Inputs -isystem %S/Inputs/sys -fsyntax-only %s 2>&1 | count 0
// RUN: %memscope_cxx -mllvm -memscope-dump-facts -I%S/Inputs -isystem %S/Inputs/sys -fsyntax-only %s 2>&1 | FileCheck --check-prefix=FACTS %s
#include <transparent.hpp>
namespace asio = boost::asio;

asio::awaitable<void> user() { //@user
  int v = co_await library_helper(1);
  (void)v;
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, user(), asio::detached);
  asio::co_spawn(io, library_helper(2), asio::detached); //@lib
}
// System-header functions are classified by name only, never walked (that is
// what keeps std::sort's loops out of a network task): no evidence here.
// CHECK-DAG: system-header-silent.cpp:10:23: remark: memscope: 'user' is a task root {{.*}}; type Unknown: no I/O, computation or allocation evidence found
// CHECK-DAG: system-header-silent.cpp:18:3: remark: memscope: spawn at {{.*}}:18:3 not attributed to a new task: the awaitable is made by 'library_helper', a system-header function (transparent code)
// FACTS: memscope-facts: coroutine _Z14library_helperi name='library_helper(int)' at {{.*}}transparent.hpp:4:36 system=1 root=0
// FACTS: memscope-facts: coroutine _Z4userv name='user()' at {{.*}}system-header-silent.cpp:10:23 system=0 root=0
