// Library call brackets: a call from user code into library code that may
// allocate gets __memscope_call_enter(site) before it and
// __memscope_call_exit(saved) after it and on its unwind edge; the site is
// an ALLOC site (kind 1) at the call's line and column, named after the
// enclosing user function. Calls into user code, calls known not to
// allocate and calls that never return get none. The brackets are checked
// as calls here; the end of the pipeline gives them their inline form
// (test/ir/inline-hooks.cpp, test/pass/inline-hooks.ll).
// RUN: %memscope_cxx -O0 %finalir -mllvm -memscope-inline-hooks=0 %s | FileCheck %s
// RUN: %memscope_cxx -O0 -g %finalir -mllvm -memscope-inline-hooks=0 %s | FileCheck %s
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s --check-prefix=OPT
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

std::vector<char> *g_vector;
char *g_copy;
std::size_t g_len;

void user_helper(char *p) { p[0] = 'u'; }

void grow(std::size_t n) {
  g_vector = new std::vector<char>(n);
  g_vector->resize(2 * n);
  // CHECK-DAG: @[[RESIZE:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1, i32 0, i32 8, i32 0 }, section "memscope_sites"
  g_copy = strdup("library");
  // CHECK-DAG: @[[STRDUP:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 12, i32 1, i32 0, i32 8, i32 0 }, section "memscope_sites"
  g_len = std::strlen(g_copy);
  user_helper(g_copy);
}
// CHECK-DAG: c"grow(unsigned long)\00"

// CHECK-LABEL: define {{.*}}void @_Z4growm(
// CHECK:       [[S1:%[0-9a-z.]+]] = call i64 @__memscope_call_enter(ptr @[[RESIZE]])
// CHECK-NEXT:  call void @_ZNSt6vectorIcSaIcEE6resizeEm(
// CHECK-NEXT:  call void @__memscope_call_exit(i64 [[S1]])
// CHECK:       [[S2:%[0-9a-z.]+]] = call i64 @__memscope_call_enter(ptr @[[STRDUP]])
// CHECK-NEXT:  call {{.*}}ptr @strdup(
// CHECK-NEXT:  call void @__memscope_call_exit(i64 [[S2]])
// CHECK-NOT:   @__memscope_call_enter
// CHECK:       call {{.*}}i64 @strlen(
// CHECK-NOT:   @__memscope_call_enter
// CHECK:       call void @_Z11user_helperPc(
// CHECK:       {{^}$}}

struct Guard {
  ~Guard();
};

// A call that may throw with a cleanup pending is an invoke: the exit runs
// on the normal edge and, through a phi, on the unwind edge.
void with_cleanup(std::string &s) {
  Guard g;
  s.append(100, 'x');
}
// CHECK-LABEL: define {{.*}}void @_Z12with_cleanup
// CHECK:       [[S3:%[0-9a-z.]+]] = call i64 @__memscope_call_enter(
// CHECK-NEXT:  invoke {{.*}}@_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE6appendEmc(
// CHECK:       call void @__memscope_call_exit(i64 [[S3]])
// CHECK:       [[P:%[0-9a-z.]+]] = phi i64 [ [[S3]], %{{[0-9a-z.]+}} ]
// CHECK-NEXT:  landingpad
// CHECK:       call void @__memscope_call_exit(i64 [[P]])
// CHECK:       {{^}$}}

// Removed by the optimizer in a plain build, so in this one too: no
// __memscope_new is left, and the emptied bracket is dropped.
int twice(int n) {
  std::vector<int> v;
  v.push_back(n);
  int *p = new int[1000];
  p[n % 1000] = n;
  int r = p[n % 1000] + v[0];
  delete[] p;
  return r;
}
// OPT-LABEL: define {{.*}}i32 @_Z5twicei(
// OPT-NOT:   @__memscope
// OPT-NOT:   @_Zn{{[wa]}}m
// OPT:       {{^}$}}
