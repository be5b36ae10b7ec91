// A spawn argument allocated with `new` under UBSan: UBSan checks the new
// pointer (null, alignment) with a branch to a handler that never returns,
// right after the allocation. The spawn bracket still starts before the
// `new`, so the argument is the new task's (under ASan+UBSan `make stress`
// found it charged to the spawner).
// RUN: %memscope_cxx -O0 -fsanitize=null,alignment -fno-sanitize-recover=all %finalir %s | FileCheck %s
// RUN: %memscope_cxx -O0 %finalir %s | FileCheck %s
#include "fake_asio.h"

namespace asio = boost::asio;

struct Conn {
  char buf[2000];
};

asio::awaitable<void> session(Conn *c) {
  delete c;
  co_return;
}

void listen(asio::io_context &ctx) {
  for (int i = 0; i < 3; ++i)
    asio::co_spawn(ctx.get_executor(), session(new Conn{}), asio::detached);
}

// CHECK-LABEL: define {{.*}}@_Z6listenRN5boost4asio10io_contextE(
// CHECK:       call i64 @__memscope_spawn_begin(
// CHECK-NOT:   call void @__memscope_spawn_end(
// CHECK:       @__memscope_new(i64 noundef 2000,
// CHECK-NOT:   call void @__memscope_spawn_end(
// CHECK:       @_Z7sessionP4Conn(
// CHECK:       call void @__memscope_spawn_end(
