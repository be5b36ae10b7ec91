// Each of the 8 global operator new forms, called directly from user code,
// goes to its __memscope_new* replacement with an ALLOC site (kind 1) whose
// line and column are those of the new-expression. `builtin` is dropped,
// the other call attributes stay (at -O2 the optimizer adds what it adds to
// a plain build's operator new: the rewrite happens at the end of the
// pipeline); an invoke stays an invoke.
// RUN: %memscope_cxx -O0 %finalir %s | FileCheck %s
// RUN: %memscope_cxx -O2 -fno-inline %finalir %s | FileCheck %s
// RUN: %memscope_cxx -O0 -g %finalir %s | FileCheck %s
#include <new>

struct alignas(64) Wide {
  char bytes[64];
};

void *sink[8];

void all_forms(unsigned n) {
  sink[0] = new int(1);
  // CHECK-DAG: @[[S0:__memscope_site.alloc[.0-9]*]] = private global {{.*}} { ptr @{{.*}}, ptr @{{.*}}, ptr null, i32 [[#@LINE-1]], i32 13, i32 1, i32 0, i32 8, i32 0 }, section "memscope_sites", align 8
  sink[1] = new int[n];
  // CHECK-DAG: @[[S1:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1,
  sink[2] = new (std::nothrow) int(2);
  // CHECK-DAG: @[[S2:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1,
  sink[3] = new (std::nothrow) int[n];
  // CHECK-DAG: @[[S3:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1,
  sink[4] = new Wide;
  // CHECK-DAG: @[[S4:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1,
  sink[5] = new Wide[n];
  // CHECK-DAG: @[[S5:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1,
  sink[6] = new (std::nothrow) Wide;
  // CHECK-DAG: @[[S6:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1,
  sink[7] = new (std::nothrow) Wide[n];
  // CHECK-DAG: @[[S7:__memscope_site.alloc[.0-9]*]] = private global {{.*}} i32 [[#@LINE-1]], i32 13, i32 1,
}
// CHECK-DAG: c"all_forms(unsigned int)\00"

// CHECK-LABEL: define {{.*}}void @_Z9all_formsj(
// CHECK:     call noalias noundef nonnull {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new(i64 noundef 4, ptr {{(nonnull )?}}@[[S0]]) [[NEWATTR:#[0-9]+]]
// CHECK:     call noalias noundef nonnull {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new_array(i64 noundef {{%[0-9a-z.]+}}, ptr {{(nonnull )?}}@[[S1]]) [[NEWATTR]]
// CHECK:     call noalias noundef {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new_nothrow(i64 noundef 4, ptr {{(nonnull )?}}@[[S2]]) [[NOTHROWATTR:#[0-9]+]]
// CHECK:     call noalias noundef {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new_array_nothrow(i64 noundef {{%[0-9a-z.]+}}, ptr {{(nonnull )?}}@[[S3]]) [[NOTHROWATTR]]
// CHECK:     call noalias noundef nonnull align 64 {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new_aligned(i64 noundef 64, i64 noundef 64, ptr {{(nonnull )?}}@[[S4]]) [[NEWATTR]]
// CHECK:     call noalias noundef nonnull align 64 {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new_array_aligned(i64 noundef {{%[0-9a-z.]+}}, i64 noundef 64, ptr {{(nonnull )?}}@[[S5]]) [[NEWATTR]]
// CHECK:     call noalias noundef align 64 {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new_aligned_nothrow(i64 noundef 64, i64 noundef 64, ptr {{(nonnull )?}}@[[S6]]) [[NOTHROWATTR]]
// CHECK:     call noalias noundef align 64 {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new_array_aligned_nothrow(i64 noundef {{%[0-9a-z.]+}}, i64 noundef 64, ptr {{(nonnull )?}}@[[S7]]) [[NOTHROWATTR]]
// CHECK-NOT: @_Zn{{[wa]}}m
// CHECK:     {{^}$}}

struct Guard {
  ~Guard();
};

int *with_cleanup() {
  Guard g;
  return new int(7); // may throw with a cleanup pending: an invoke
}
// CHECK-LABEL: define {{.*}}@_Z12with_cleanupv(
// CHECK:     invoke noalias noundef nonnull {{(dereferenceable(_or_null)?\([0-9]+\) )?}}ptr @__memscope_new(i64 noundef 4, ptr {{(nonnull )?}}@__memscope_site.alloc{{[.0-9]*}})
// CHECK-NEXT:  to label %{{[0-9a-z.]+}} unwind label %{{[0-9a-z.]+}}
// CHECK-NOT: @_Znwm
// CHECK:     {{^}$}}

// Indirect calls and calls of a user's own operator new are left alone.
void *(*indirect)(unsigned long) = &::operator new;
void *call_indirect() { return indirect(8); }
// CHECK-LABEL: define {{.*}}@_Z13call_indirectv(
// CHECK-NOT: @__memscope_new
// CHECK:     {{^}$}}

// CHECK:     declare ptr @__memscope_new(i64, ptr)
// CHECK-NOT: {{[{ ]}}builtin
// CHECK:     attributes [[NEWATTR]] = { allocsize(0) }
// CHECK:     attributes [[NOTHROWATTR]] = { nounwind allocsize(0) }
