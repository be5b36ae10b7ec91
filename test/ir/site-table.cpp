// The module's sites: private, writable (the runtime writes `index`),
// 8-aligned, in section memscope_sites, kept by llvm.used; a comdat'd
// constructor at priority 2 (named, as its comdat, with the ABI version)
// checks the ABI version (__memscope_abi_vN, which only a runtime of that
// version defines) and registers the bounds of the section through
// hidden extern_weak __start_/__stop_ symbols. Strings are private
// unnamed_addr constants.
// RUN: %memscope_cxx -O0 %finalir %s | FileCheck %s
// RUN: %memscope_cxx -O2 %finalir %s | FileCheck %s
// A module with nothing to instrument gets no table and no constructor.
// RUN: %memscope_cxx -O2 %finalir -DNOTHING %s | FileCheck %s --check-prefix=EMPTY
// In the object each site is its own retained (R) memscope_sites section,
// which the linker concatenates; the constructor is in .init_array.2.
// RUN: %memscope_cxx -O2 -c %s -o %t.o
// RUN: llvm-readelf -S -r %t.o | FileCheck %s --check-prefix=OBJ

#ifndef NOTHING
int *one() { return new int(1); }
int *two() { return new int(2); }
#endif
int plain(int x) { return x + 1; }

// CHECK: $[[CTOR:memscope.module_ctor.v[0-9]+]] = comdat any
// CHECK: @__memscope_str{{[.0-9]*}} = private unnamed_addr constant {{.*}}site-table.cpp\00", align 1
// CHECK: @__memscope_str{{[.0-9]*}} = private unnamed_addr constant [6 x i8] c"one()\00", align 1
// CHECK: @[[A:__memscope_site.alloc[.0-9]*]] = private global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 } { ptr @{{.*}}, ptr @{{.*}}, ptr null, i32 [[#LINE1:]], i32 21, i32 1, i32 0, i32 8, i32 0 }, section "memscope_sites", align 8
// CHECK: @[[B:__memscope_site.alloc[.0-9]*]] = private global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 } { ptr @{{.*}}, ptr @{{.*}}, ptr null, i32 [[#LINE1+1]], i32 21, i32 1, i32 0, i32 8, i32 0 }, section "memscope_sites", align 8
// CHECK-DAG: @llvm.used = appending global [2 x ptr] [ptr @[[A]], ptr @[[B]]], section "llvm.metadata"
// CHECK-DAG: @__start_memscope_sites = extern_weak hidden global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 }
// CHECK-DAG: @__stop_memscope_sites = extern_weak hidden global { ptr, ptr, ptr, i32, i32, i32, i32, i32, i32 }
// CHECK-DAG: @llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 2, ptr @[[CTOR]], ptr @[[CTOR]] }]
// CHECK: declare void @__memscope_register_sites(ptr, ptr)
// CHECK: define internal void @[[CTOR]]() unnamed_addr [[CTORATTR:#[0-9]+]] comdat {
// CHECK-NEXT: call void @__memscope_abi_v{{[0-9]+}}()
// CHECK-NEXT: call void @__memscope_register_sites(ptr @__start_memscope_sites, ptr @__stop_memscope_sites)
// CHECK-NEXT: ret void
// CHECK: attributes [[CTORATTR]] = { nounwind }

// EMPTY-NOT: memscope

// OBJ-COUNT-2: memscope_sites PROGBITS {{[0-9a-f]+}} {{[0-9a-f]+}} 000030 00 WAR 0 0 8
// OBJ: .init_array.2
// OBJ: Relocation section '.rela.init_array.2'
// OBJ-NEXT: Offset
// OBJ-NEXT: memscope.module_ctor.v{{[0-9]+}}
