// A spawn inside a macro that expands its argument twice: once where it
// runs, once in a condition clang folds away (Catch2's REQUIRE and CHECK
// do this, and libcoro's tests spawn inside REQUIRE). The AST sees two
// spawns at one point, codegen emits one call: that call is bracketed, and
// no remark says the spawn was left uninstrumented.
// (Needs the AST half's facts.)
// RUN: %memscope_cxx -O0 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 %presplit %s 2>&1 | FileCheck %s
// RUN: %memscope_cxx -O2 -I%ir_inputs -c %s -o %t.o 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARKS --allow-empty
#include "fake_asio.h"

#define REQUIRE_LIKE(...)                                                      \
  do {                                                                         \
    if (!(__VA_ARGS__))                                                        \
      __builtin_abort();                                                       \
  } while ((void)0, (false) && static_cast<const bool &>(!!(__VA_ARGS__)))

namespace asio = boost::asio;
int sink;

asio::awaitable<void> session(int fd) {
  sink += fd;
  co_return;
}

void listen(asio::io_context &ctx) {
  REQUIRE_LIKE(
      (asio::co_spawn(ctx.get_executor(), session(1), asio::detached), true));
}

// REMARKS-NOT: not instrumented
// CHECK-NOT: not instrumented
// CHECK-LABEL: define {{.*}}@_Z6listenRN5boost4asio10io_contextE(
// CHECK:       call i64 @__memscope_spawn_begin(
// CHECK-NOT:   @__memscope_spawn_begin(
// CHECK:       call void @__memscope_spawn_end(
// CHECK-NOT:   @__memscope_spawn_begin(
// CHECK:       {{^}}}
