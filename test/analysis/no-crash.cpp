// Odd but valid code must not crash the plugin nor change the build.
// RUN: %memscope_cxx -I%S/Inputs -c -o %t.o -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
// RUN: test -f %t.o
#include <boost/asio.hpp>
#include <coroutine>
#include <functional>
namespace asio = boost::asio;
using asio::awaitable;

struct task {
  struct promise_type {
    task get_return_object() { return {}; }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

// Mutual recursion (cycle in the call walk).
awaitable<int> ping(int n);
awaitable<int> pong(int n) { co_return n ? co_await ping(n - 1) : 0; }
awaitable<int> ping(int n) { co_return n ? co_await pong(n - 1) : 0; }

// Generic lambda coroutines, one instantiation each.
auto generic = [](auto x) -> awaitable<decltype(x)> { co_return x; };

// A coroutine in a local class, a coroutine with a custom promise,
// an extern "C"-linkage-free static coroutine, a variadic template.
static task fire_and_forget() { co_return; }
template <class... Ts> awaitable<int> count(Ts...) { co_return sizeof...(Ts); }

awaitable<void> indirect() { co_return; }

int main() {
  asio::io_context io;
  struct Local {
    static awaitable<void> go() { co_return; }
  };
  asio::co_spawn(io, Local::go(), asio::detached);
  asio::co_spawn(io, generic(1), asio::detached);
  asio::co_spawn(io, generic(2.0), asio::detached);
  asio::co_spawn(io, count(1, 'a', 2.0), asio::detached);
  asio::co_spawn(io, ping(3), asio::detached);
  awaitable<void> (*fp)() = indirect;
  asio::co_spawn(io, fp(), asio::detached);
  std::function<awaitable<void>()> fn = indirect;
  asio::co_spawn(io, fn(), asio::detached);
  asio::co_spawn(io, [](auto) -> awaitable<void> { co_return; }(0), asio::detached);
  asio::co_spawn(io, asio::post(io, asio::use_awaitable), asio::detached);
  fire_and_forget();
  io.run();
}
// CHECK-DAG: remark: memscope: 'main()::Local::go' is a task root
// CHECK-DAG: remark: memscope: 'lambda at no-crash.cpp:26:16<int>' is a task root
// CHECK-DAG: remark: memscope: 'lambda at no-crash.cpp:26:16<double>' is a task root
// CHECK-DAG: remark: memscope: 'count<int, char, double>' is a task root
// CHECK-DAG: remark: memscope: 'ping' is a task root
// CHECK-DAG: remark: memscope: 'pong' is a child coroutine
// CHECK-DAG: remark: memscope: 'fire_and_forget' is a child coroutine
// CHECK-DAG: not attributed to a new task: the coroutine is created through an indirect call
// CHECK-DAG: not attributed to a new task: the awaitable is made by 'std::function::operator()', a system-header function
// CHECK-DAG: not attributed to a new task: the awaitable is made by 'boost::asio::post', a system-header function
// CHECK-NOT: error
