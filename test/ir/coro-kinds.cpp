// Every kind of user coroutine gets the hooks: free function, member
// function, static member, lambda, each template instantiation, a coroutine
// from a user header (-I), a generator. -O0 and -O2, final IR. At -O2 the
// inline ramps are inlined into use() (and their frames elided), so the
// per-function checks run on -O0.
// RUN: %memscope_cxx -O0 %finalir %s > %t.O0.ll
// RUN: %memscope_cxx -O2 %finalir %s > %t.O2.ll
// RUN: FileCheck %s --check-prefix=CHECK < %t.O0.ll
// RUN: FileCheck %s --check-prefix=CHECK < %t.O2.ll
// RUN: FileCheck %s --check-prefix=O2 < %t.O2.ll
// RUN: FileCheck %s --check-prefix=MEMBER < %t.O0.ll
// RUN: FileCheck %s --check-prefix=MAKE < %t.O0.ll
// RUN: FileCheck %s --check-prefix=TI < %t.O0.ll
// RUN: FileCheck %s --check-prefix=TD < %t.O0.ll
// RUN: FileCheck %s --check-prefix=LAM < %t.O0.ll
// RUN: FileCheck %s --check-prefix=HDR < %t.O0.ll
// RUN: FileCheck %s --check-prefix=GEN < %t.O0.ll
// RUN: not grep -q 'c"count(int)' %t.O0.ll
#include "coro.h"
#include "user_coro.h"

int sink;

struct Worker {
  int n = 0;
  task run(int k) {
    n += k;
    co_return;
  }
  // CHECK-DAG: @__memscope_site.coro{{[.0-9]*}} = private global {{.*}} { ptr @{{.*}}, ptr @{{.*}}, ptr null, i32 [[#@LINE-4]], i32 {{[0-9]+}}, i32 2, i32 0, i32 {{[0-9]+}}, i32 0 }, section "memscope_sites", align 8
  static task make(int k) {
    sink += k;
    co_return;
  }
};

namespace ns {
template <class T> task templ(T v) {
  sink += static_cast<int>(v);
  co_return;
}
} // namespace ns

generator count(int n) {
  for (int i = 0; i < n; ++i)
    co_yield i;
}

void use() {
  Worker w;
  task a = w.run(1);
  task b = Worker::make(2);
  task c = ns::templ<int>(3);
  task d = ns::templ<double>(4.0);
  auto lam = [](int x) -> task {
    sink += x;
    co_return;
  };
  task e = lam(5);
  int out;
  task f = user_header_helper(&out);
  generator g = count(3);
  while (g.next())
    sink += g.value();
}

// Six site records of kind COROUTINE (2) in the section, each naming its
// function; none for count(), a synchronous generator (transparent).
// CHECK-DAG: c"Worker::run(int)\00"
// CHECK-DAG: c"Worker::make(int)\00"
// CHECK-DAG: c"{{.*}}templ<int>(int)\00"
// CHECK-DAG: c"{{.*}}templ<double>(double)\00"
// CHECK-DAG: c"user_header_helper(int{{ ?}}*)\00"
// CHECK-DAG: c"{{.*}}user_coro.h\00"

// MEMBER-LABEL: define {{.*}}@_ZN6Worker3runEi(
// MEMBER:    call i64 @__memscope_ramp_enter(ptr {{(nonnull )?}}@[[MSITE:__memscope_site.coro[.0-9]*]])
// MEMBER:    call i64 @__memscope_frame_begin(
// MEMBER-LABEL: define internal fastcc void @_ZN6Worker3runEi.resume(
// MEMBER:    call i64 @__memscope_resume(
// MEMBER-LABEL: define internal fastcc void @_ZN6Worker3runEi.destroy(
// MEMBER:    call void @__memscope_frame_end(
// MAKE-LABEL: define {{.*}}@_ZN6Worker4makeEi(
// MAKE:       call i64 @__memscope_ramp_enter(
// TI-LABEL: define {{.*}}@_ZN2ns5templIiEE4taskT_(
// TI:       call i64 @__memscope_ramp_enter(
// TD-LABEL: define {{.*}}@_ZN2ns5templIdEE4taskT_(
// TD:       call i64 @__memscope_ramp_enter(
// LAM-LABEL: define {{.*}}@"_ZZ3usevENK3$_0clEi"(
// LAM:       call i64 @__memscope_ramp_enter(
// HDR-LABEL: define {{.*}}@_Z18user_header_helperPi(
// HDR:       call i64 @__memscope_ramp_enter(
// A synchronous generator (co_yield, no co_await) gets no context hooks: it
// runs in whoever resumes it, as cheap as plain code (DESIGN §3).
// GEN-LABEL: define {{.*}}@_Z5counti(
// GEN-NOT:   @__memscope_
// GEN:       {{^}$}}
// GEN-LABEL: define internal fastcc void @_Z5counti.resume(
// GEN-NOT:   @__memscope_
// GEN:       {{^}$}}

// O2-LABEL: define {{.*}}@_Z3usev(
// (Six: the generator's ramp, inlined here, has none.)
// O2-COUNT-6: call i64 @__memscope_ramp_enter(
// O2-NOT:    call i64 @__memscope_ramp_enter(
// O2:        {{^}$}}
// O2-DAG:    define internal fastcc void @_ZN6Worker3runEi.resume(
// O2-DAG:    define internal fastcc void @"_ZZ3usevENK3$_0clEi.resume"(
