// Spawn call sites, with a stand-in for Boost.Asio's co_spawn (same
// qualified names). The awaitable form brackets [first instruction of the
// spawn expression (the executor argument here) .. co_spawn return] with
// spawn_begin/spawn_end; the slot starts as NO_CONTEXT (-1) and
// every landing pad ends a pending spawn. The function-object form makes the
// lambda a TASK_ROOT coroutine whose site points at a SPAWN site, and
// brackets the co_spawn call as a deferred spawn.
// (Needs the AST half's facts.)
// RUN: %memscope_cxx -O0 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s --check-prefix=FINAL
#include "fake_asio.h"

namespace asio = boost::asio;
int sink;

asio::awaitable<void> session(int fd) {
  sink += fd;
  co_return;
}

struct Guard {
  ~Guard();
};

void listen(asio::io_context &ctx) {
  Guard g;
  for (int i = 0; i < 3; ++i)
    asio::co_spawn(ctx.get_executor(), session(i), asio::detached);
  // CHECK-DAG: @[[SPAWN1:__memscope_site.spawn[.0-9]*]] = private global {{.*}} { ptr @{{.*}}, ptr @{{.*}}, ptr null, i32 [[#@LINE-1]], i32 5, i32 3, i32 0, i32 8, i32 0 }, section "memscope_sites"
  asio::co_spawn(
      ctx.get_executor(), []() -> asio::awaitable<void> { co_return; },
      asio::detached);
  // CHECK-DAG: @[[SPAWN2:__memscope_site.spawn[.0-9]*]] = private global {{.*}} { ptr @{{.*}}, ptr @{{.*}}, ptr null, i32 [[#@LINE-3]], i32 3, i32 3, i32 0, i32 8, i32 0 }, section "memscope_sites"
  // CHECK-DAG: @{{__memscope_site.spawn[.0-9]*}} = private global {{.*}} { ptr @{{.*}}, ptr @{{.*}}, ptr null, i32 [[#@LINE-4]], i32 3, i32 3, i32 4, i32 8, i32 0 }, section "memscope_sites"
  // CHECK-DAG: @__memscope_site.coro{{[.0-9]*}} = private global {{.*}} { ptr @{{.*}}, ptr @{{.*}}, ptr @[[SPAWN2]], i32 [[#@LINE-4]], i32 {{[0-9]+}}, i32 2, i32 1, i32 {{[0-9]+}}, i32 0 }
}

// CHECK-LABEL: define {{.*}}@_Z6listenRN5boost4asio10io_contextE(
// CHECK:      [[SLOT:%[0-9]+]] = alloca i64, align 8
// CHECK:      store i64 -1, ptr [[SLOT]]
// CHECK:      [[S:%[0-9]+]] = call i64 @__memscope_spawn_begin(ptr @[[SPAWN1]])
// CHECK-NEXT: store i64 [[S]], ptr [[SLOT]]
// CHECK-NOT:  @__memscope_spawn_end
// CHECK:      get_executor
// CHECK-NOT:  @__memscope_spawn_end
// CHECK:      invoke void @_Z7sessioni(
// CHECK-NOT:  @__memscope_spawn_end
// CHECK:      invoke void @_ZN5boost4asio8co_spawnI{{.*}}awaitable
// CHECK-NEXT:   to label %[[NORMAL:[0-9a-z.]+]] unwind
// CHECK:      [[NORMAL]]:
// CHECK-NEXT: [[E:%[0-9]+]] = load i64, ptr [[SLOT]]
// CHECK-NEXT: call void @__memscope_spawn_end(i64 [[E]])
// CHECK-NEXT: store i64 -1, ptr [[SLOT]]
// Landing pads end a pending spawn.
// CHECK:      landingpad
// CHECK-NEXT:   cleanup
// CHECK-NEXT: [[L:%[0-9]+]] = load i64, ptr [[SLOT]]
// CHECK-NEXT: call void @__memscope_spawn_end(i64 [[L]])
// CHECK-NEXT: store i64 -1, ptr [[SLOT]]
// The function-object form is a deferred spawn: the bracket is the co_spawn
// call itself, its SPAWN site flagged DEFERRED_ROOT (4, above).
// CHECK:      call i64 @__memscope_spawn_begin(
// CHECK:      call void @__memscope_spawn_end(
// CHECK:      {{^}$}}

// FINAL-LABEL: define {{.*}}@_Z6listenRN5boost4asio10io_contextE(
// FINAL:       call i64 @__memscope_spawn_begin(
// FINAL:       call void @__memscope_spawn_end(
