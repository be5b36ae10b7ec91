// Bad configuration never harms the program: every MEMSCOPE_* setting with
// empty, garbage, huge and hostile values, unwritable, vanished and
// size-limited output paths. Each problem is one "memscope:" line on stderr;
// the program's output and exit status are unchanged; a report is either
// whole (valid, schema-checked) or absent, never partial, and no temporary
// file is left behind. bad_config.py runs every case.
//
// RUN: %clangxx %cxxflags -O1 %s -o %t.plain -lpthread
// RUN: %memscope_cxx -O1 %s -o %t %memscope_link
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %python %S/bad_config.py %t.plain %t %t.dir
//
// Linked with the runtime but compiled without the plugin (the common first
// mistake): one line at exit says why the report has no tasks. Not under
// ASan: its runtime, linked first, defines operator new and malloc, so
// nothing of a program without the plugin pulls the static runtime in
// (docs/reliability.md).
// RUN: %if !asan %{ %clangxx %cxxflags -O1 %s -o %t.noplugin %memscope_link %}
// RUN: %if !asan %{ not env MEMSCOPE_OUTPUT=%t.np.json %t.noplugin 2>&1 >/dev/null | FileCheck --check-prefix=NOPLUGIN %s %}
// NOPLUGIN: memscope: no task was tracked and no code of this program was compiled with the memscope plugin
// NOPLUGIN-NOT: memscope:
#include "Inputs/lazy_task.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

lazy_task<std::size_t> work(int i) {
  std::vector<std::string> v(10 + i, std::string(100, 'w'));
  co_return v.size();
}

} // namespace

int main(int argc, char **argv) {
  std::size_t sum = 0;
  for (int i = 0; i < 50; ++i) {
    auto t = work(i);
    t.resume();
    sum += t.result();
  }
  // "vanish DIR": the output directory disappears while the program runs.
  if (argc == 3 && std::strcmp(argv[1], "vanish") == 0)
    if (rmdir(argv[2]) != 0)
      std::perror("rmdir");
  // "chdir DIR": the program moves; a relative MEMSCOPE_OUTPUT must not.
  if (argc == 3 && std::strcmp(argv[1], "chdir") == 0)
    if (chdir(argv[2]) != 0)
      std::perror("chdir");
  std::printf("sum %zu\n", sum);
  return 5;
}
