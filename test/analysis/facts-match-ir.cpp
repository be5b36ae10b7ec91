// The mangled names and call points handed to the IR pass are the ones
// codegen uses: every user coroutine is defined under its key, every spawn's
// CoroutineCallPoint is the !dbg of a call to CoroutineCallee (-g and the
// plugin's own LocTrackingOnly mode), also for member calls, templates,
// lambdas and calls spread over several lines.
// RUN: %memscope_cxx -mllvm -memscope-dump-facts -I%S/Inputs -g -S -emit-llvm -Xclang -disable-llvm-passes -o %t.ll %s 2> %t.facts
// RUN: %python %S/Inputs/check_facts.py %t.facts %t.ll | FileCheck %s
// RUN: %memscope_cxx -mllvm -memscope-dump-facts -I%S/Inputs -S -emit-llvm -Xclang -disable-llvm-passes -o %t2.ll %s 2> %t2.facts
// RUN: %python %S/Inputs/check_facts.py %t2.facts %t2.ll | FileCheck %s
// CHECK: checked {{[0-9]+}} coroutines, 7 spawns, 0 errors
#include <boost/asio.hpp>
namespace asio = boost::asio;
using asio::awaitable;

struct Srv {
  awaitable<void> run(int) { co_return; }
  static awaitable<void> srun() { co_return; }
};
template <class T> awaitable<T> tmpl(T t) { co_return t; }
namespace {
awaitable<void> internal() { co_return; }
}

awaitable<void> parent() {
  auto ex = co_await asio::this_coro::executor;
  asio::co_spawn(ex,
                 tmpl(2.5),
                 asio::detached);
}

int main() {
  asio::io_context io;
  Srv s;
  asio::co_spawn(io, s.run(1), asio::detached);
  asio::co_spawn(io,
      Srv::srun(), asio::detached);
  asio::co_spawn(io, tmpl(3), asio::detached);
  auto l = []() -> awaitable<void> { co_return; };
  asio::co_spawn(io, l(), asio::detached);
  asio::co_spawn(io, internal(), asio::detached);
  asio::co_spawn(io, parent(), asio::detached);
  io.run();
}
