// Real Boost.Asio: the user's coroutines get hooks, the spawn is bracketed,
// and none of Asio's own coroutines (co_spawn_entry_point, ... in
// /usr/include/boost) are instrumented. The program runs unchanged.
// RUN: %memscope_cxx -O1 %finalir %s | FileCheck %s
// RUN: %memscope_cxx -O2 %s %memscope_link -o %t && %t | FileCheck %s --check-prefix=RUNS
#include <boost/asio.hpp>
#include <cstdio>

namespace asio = boost::asio;

asio::awaitable<int> child(int v) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(std::chrono::milliseconds(1));
  co_await t.async_wait(asio::use_awaitable);
  co_return v * 2;
}

asio::awaitable<void> session(int id) {
  int r = co_await child(id);
  std::printf("session %d -> %d\n", id, r);
}

int main() {
  asio::io_context ctx;
  for (int i = 0; i < 2; ++i)
    asio::co_spawn(ctx, session(i), asio::detached);
  ctx.run();
}

// CHECK-DAG: c"child(int)\00"
// CHECK-DAG: c"session(int)\00"
// CHECK-LABEL: define {{.*}}@_Z5childi(
// CHECK:       call i64 @__memscope_ramp_enter(
// CHECK-LABEL: define {{.*}}@_Z7sessioni(
// CHECK:       call i64 @__memscope_ramp_enter(
// CHECK-LABEL: define {{.*}} @main(
// The hooks cost the inliner nothing, so session's ramp is inlined here as
// in the plain build: its ramp hook follows the spawn bracket's start, its
// common path inline (abi.h: the site's index, the thread's ramp_slot).
// CHECK:       call i64 @__memscope_spawn_begin(
// CHECK-NEXT:  [[AT:%[0-9]+]] = call ptr @llvm.threadlocal.address.p0(ptr @__memscope_thread_state)
// CHECK-NEXT:  load i64, ptr [[AT]]
// CHECK-NEXT:  load atomic i32, ptr getelementptr {{.*}}@[[SESSION:__memscope_site.coro[.0-9]*]], i32 0, i32 8) monotonic
// CHECK:       call i64 @__memscope_ramp_enter(ptr nonnull @[[SESSION]])
// CHECK:       call void @__memscope_spawn_end(
// No Asio-internal coroutine has a site.
// CHECK-NOT:   c"{{.*}}co_spawn_entry_point
// CHECK-NOT:   c"/usr/include

// RUNS-DAG: session 0 -> 0
// RUNS-DAG: session 1 -> 2
