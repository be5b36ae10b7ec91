// Sites get file:line:column with and without -g: without it the plugin
// forces location-tracking-only debug info, which leaves no debug sections
// in the object. The site records are the same either way.
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s --check-prefixes=CHECK,NODEBUG
// RUN: %memscope_cxx -O2 -g0 %finalir %s | FileCheck %s --check-prefixes=CHECK,NODEBUG
// RUN: %memscope_cxx -O2 -g %finalir %s | FileCheck %s --check-prefixes=CHECK,DEBUG
// RUN: %memscope_cxx -O0 -gline-tables-only %finalir %s | FileCheck %s --check-prefixes=CHECK
// RUN: %memscope_cxx -I%ir_inputs -O2 -c %s -o %t.o && llvm-readelf -S %t.o | FileCheck %s --check-prefix=OBJ
#include "coro.h"

int *make() {
  return new int(3);
  // CHECK-DAG: @__memscope_site.alloc{{[.0-9]*}} = private global {{.*}} i32 [[#@LINE-1]], i32 10, i32 1, i32 0, i32 8, i32 0 }
}

task coro() {
  co_return;
}
// CHECK-DAG: @__memscope_site.coro{{[.0-9]*}} = private global {{.*}} i32 [[#@LINE-3]], i32 {{[0-9]+}}, i32 2,
// CHECK-DAG: c"{{.*}}debug-info.cpp\00"

// NODEBUG: !DICompileUnit({{.*}}emissionKind: NoDebug
// DEBUG:   !DICompileUnit({{.*}}emissionKind: FullDebug

// OBJ-NOT: .debug_info
// OBJ:     memscope_sites
// OBJ-NOT: .debug_info
