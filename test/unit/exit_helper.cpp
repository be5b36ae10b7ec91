// A program linked with the runtime that runs one completed task (leaking a
// block) and leaves one task suspended, then exits normally. Used by
// test_exit_report.cpp to check the report written at exit.
#include "memscope/abi.h"

#include <cstdint>
#include <cstdio>
#include <new>

static memscope_site g_sites[] = {
    {"exit_helper.cpp", "leaky_task()", nullptr, 10, 3, MEMSCOPE_SITE_COROUTINE,
     MEMSCOPE_FLAG_TASK_ROOT, MEMSCOPE_TYPE_IO_INTENSIVE, 0},
    {"exit_helper.cpp", "leaky_task()", nullptr, 12, 5, MEMSCOPE_SITE_ALLOC, 0,
     0, 0},
};

// Left live at exit: a static pointer, so the leak is deliberate.
void *g_leaked = nullptr;

int main() {
  __memscope_register_sites(g_sites, g_sites + 2);
  // A task: ramp, frame, a leaked sited block, destruction of its frame.
  std::uint64_t prev = __memscope_ramp_enter(&g_sites[0]);
  void *frame = ::operator new(200);
  std::uint64_t binding = __memscope_frame_begin(frame, 200);
  g_leaked = __memscope_new(1234, &g_sites[1]);
  __memscope_suspend(prev);
  prev = __memscope_resume(binding);
  __memscope_suspend(prev);
  __memscope_frame_end(binding, 200);
  ::operator delete(frame);
  // A second task that stays suspended.
  prev = __memscope_ramp_enter(&g_sites[0]);
  void *frame2 = ::operator new(300);
  __memscope_frame_begin(frame2, 300);
  __memscope_suspend(prev);
  std::puts("helper done");
  return 0;
}
