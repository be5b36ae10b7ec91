// The ABI check: every instrumented module's constructor calls
// __memscope_abi_v<MEMSCOPE_ABI_VERSION>, which only a runtime of that
// version defines. A module built by a plugin of another version (here: the
// same module with its check renamed to version 999, as a plugin of version
// 999 would emit it) fails to link against this runtime, and the linker's
// message names the version it wants.
//
// RUN: %memscope_cxx -O1 -S -emit-llvm %s -o %t.ll
// RUN: FileCheck --check-prefix=IR %s < %t.ll
// The module as this plugin made it links and runs, and its allocation is
// charged to its site (the constructor registered the table).
// RUN: %clangxx -O1 %t.ll -o %t %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.json %t
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); print('sites', sorted((s['line'], s['alloc_count']) for s in d['sites'] if s['file'].endswith('abi_version.cpp')))" %t.json | FileCheck --check-prefix=SITES %s
// RUN: sed -e 's/__memscope_abi_v[0-9][0-9]*/__memscope_abi_v999/g' -e 's/memscope\.module_ctor\.v[0-9][0-9]*/memscope.module_ctor.v999/g' %t.ll > %t.999.ll
// RUN: not %clangxx -O1 %t.999.ll -o %t.999 %memscope_link 2> %t.link.err
// RUN: FileCheck --check-prefix=LINK %s < %t.link.err
// UNSUPPORTED: sanitizer

// IR: define internal void @memscope.module_ctor.v[[V:[0-9]+]]()
// IR-NEXT: call void @__memscope_abi_v[[V]]()
// IR-NEXT: call void @__memscope_register_sites(

// SITES: sites [([[#@LINE+7]], 1)]

// LINK: {{undefined reference to `__memscope_abi_v999'|undefined symbol: __memscope_abi_v999}}

int *volatile g_kept;

int main() {
  g_kept = new int(42);
  return *g_kept == 42 ? 0 : 1;
}
