// -save-temps splits the compile into steps; the one that has the AST
// writes bitcode with LLVM passes disabled. The plugin still instruments
// (and says so under explain): the report has the tasks, at -O0 and -O2.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir && cd %t.dir
// RUN: %memscope_cxx -O0 -save-temps -fplugin-arg-memscope-explain %s %memscope_link -o %t.dir/p0 2> %t.err0
// RUN: FileCheck %s --check-prefix=REMARK < %t.err0
// RUN: env MEMSCOPE_OUTPUT=%t.dir/r0.json %t.dir/p0 | FileCheck %s
// RUN: %python -c "import json,sys; t=json.load(open(sys.argv[1]))['tasks']; print(sorted(x['name'] for x in t))" %t.dir/r0.json | FileCheck %s --check-prefix=TASKS
// RUN: %memscope_cxx -O2 -save-temps %s %memscope_link -o %t.dir/p2
// RUN: env MEMSCOPE_OUTPUT=%t.dir/r2.json %t.dir/p2 | FileCheck %s
// RUN: %python -c "import json,sys; t=json.load(open(sys.argv[1]))['tasks']; print(sorted(x['name'] for x in t))" %t.dir/r2.json | FileCheck %s --check-prefix=TASKS
// REMARK: remark: memscope: bitcode written with LLVM passes disabled (-save-temps)
// CHECK: sum 2450
// TASKS: ['adder(int)', 'adder(int)']
#include <boost/asio.hpp>

#include <cstdio>
#include <vector>

namespace asio = boost::asio;

int sum = 0;

asio::awaitable<void> adder(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = i;
  for (int x : v)
    sum += x;
  co_return;
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, adder(50), asio::detached);
  asio::co_spawn(io, adder(50), asio::detached);
  io.run();
  std::printf("sum %d\n", sum);
}
