// Coroutines from system headers are transparent: no hooks, no site, and
// their `new` is not an ALLOC site. The same code from a user header (-I)
// is instrumented. (-isystem classification comes from the AST facts;
// /usr/include, /usr/lib and /usr/local/include are recognised by the pass
// itself.)
// RUN: %memscope_cxx -O0 -isystem %ir_inputs/sys %finalir %s | FileCheck %s
// RUN: %memscope_cxx -O2 -fno-inline -isystem %ir_inputs/sys %finalir %s | FileCheck %s
#include "user_coro.h"
#include <sys_coro.h>

void use(int *out) {
  task a = system_helper(out);
  task b = user_header_helper(out);
  run(a);
  run(b);
}

// CHECK-NOT:   c"system_helper
// CHECK-LABEL: define {{.*}}@_Z13system_helperPi(
// CHECK-NOT:   @__memscope_
// CHECK:       {{^}$}}
// CHECK-LABEL: define {{.*}}@_Z18user_header_helperPi(
// CHECK:       call i64 @__memscope_ramp_enter(
// CHECK-LABEL: define internal fastcc void @_Z13system_helperPi.resume(
// CHECK-NOT:   @__memscope_
// CHECK:       {{^}$}}
