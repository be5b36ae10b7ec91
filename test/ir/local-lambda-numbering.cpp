// Lambdas local to a function with internal linkage mangle as "$_N", and the
// AST side's mangler numbers them in another order than codegen's: here
// codegen calls the line-8 lambda $_0, the AST side the line-9 one. Each
// lambda must still get its own facts: its spawn site and root flag.
//
// RUN: %memscope_cxx -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefixes=CHECK,O0
// RUN: %memscope_cxx -O2 -g -S -emit-llvm %s -o - | FileCheck %s
#include <boost/asio.hpp>
namespace asio = boost::asio;
template <typename F> auto wrap(F f) { return f; }
static int g;
int main() {
  asio::io_context io;
  auto a = [](int x) -> asio::awaitable<void> { g += x; co_return; };
  auto b = wrap([]() -> asio::awaitable<void> { g += 2; co_return; });
  asio::co_spawn(io, []() -> asio::awaitable<void> { g += 1; co_return; }, asio::detached);
  asio::co_spawn(io, b, asio::detached);
  asio::co_spawn(io, a(3), asio::detached);
  io.run();
  return g == 6 ? 0 : 1;
}
// Spawn sites of the three co_spawn calls (kind 3).
// CHECK-DAG: @[[S16:__memscope_site[.a-z0-9]*]] = private global {{.*}} { ptr @{{[^,]*}}, ptr @{{[^,]*}}, ptr null, i32 16, i32 3, i32 3,
// CHECK-DAG: @[[S17:__memscope_site[.a-z0-9]*]] = private global {{.*}} { ptr @{{[^,]*}}, ptr @{{[^,]*}}, ptr null, i32 17, i32 3, i32 3,
// CHECK-DAG: @[[S18:__memscope_site[.a-z0-9]*]] = private global {{.*}} { ptr @{{[^,]*}}, ptr @{{[^,]*}}, ptr null, i32 18, i32 3, i32 3,
// The two function-object lambdas: task roots (flags 1), each pointing at its
// own spawn; the awaitable-form lambda is not a root (flags 0).
// CHECK-DAG: @[[C15:__memscope_site[.a-z0-9]*]] = private global {{.*}} ptr @[[S17]], i32 15, i32 17, i32 2, i32 1,
// CHECK-DAG: ptr @[[S16]], i32 16, i32 22, i32 2, i32 1,
// CHECK-DAG: ptr null, i32 14, i32 12, i32 2, i32 0,
// The awaitable-form spawn of a(3) is bracketed.
// CHECK-DAG: call {{.*}}i64 @__memscope_spawn_begin(ptr {{(nonnull )?}}@[[S18]])
// Codegen names the line-15 lambda $_0: its ramp must use the line-15 site.
// O0-LABEL: define internal {{.*}} @"_ZZ4mainENK3$_0clEv"(
// O0: call i64 @__memscope_ramp_enter(ptr @[[C15]])
