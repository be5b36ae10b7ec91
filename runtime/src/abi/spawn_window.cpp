// What create_tracked / spawn_tracked learn about the task that the
// compiler's spawn bracket (__memscope_spawn_begin .. __memscope_spawn_end)
// created around their call.
//
// Inside the bracket the current context is (new task, spawn site): set by
// spawn_begin, and restored to exactly that by the spawned coroutine's
// initial suspend. Anywhere else the context's site is a coroutine site (or
// unknown), never the current task's own spawn site, so "the context's site
// is the current task's spawn site" identifies an open window without any
// extra per-thread state.
#include "support/clock.hpp"
#include "accounting/sites.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/async_runtime.hpp"

namespace memscope {

using namespace detail;

namespace {
// The slot of the task whose spawn bracket is running right here, else 0.
std::uint32_t spawn_window_slot() noexcept {
  const std::uint64_t ctx = t_state.context;
  const std::uint32_t slot = context_slot(ctx);
  const std::uint32_t site = context_site(ctx);
  if (slot == 0 || slot == kUntrackedSlot || site == 0)
    return 0;
  const TaskRecord &r = task(slot);
  if (!(r.flags.load(std::memory_order_relaxed) & kSpawned) ||
      r.spawn_site != site)
    return 0;
  const memscope_site *s = site_at(site);
  if (!s || s->kind != MEMSCOPE_SITE_SPAWN)
    return 0;
  return slot;
}
} // namespace

std::uint64_t spawn_window_task() noexcept {
  return task_id(spawn_window_slot());
}

bool set_spawn_task_type(TaskType type) noexcept {
  const std::uint32_t slot = spawn_window_slot();
  if (slot == 0 || static_cast<unsigned>(type) >= kTaskTypeCount)
    return false;
  TaskRecord &r = task(slot);
  // Flag first: a root coroutine adopting the task later (an uninstrumented
  // ramp never does) then keeps this type.
  r.flags.fetch_or(kExplicitType, std::memory_order_relaxed);
  r.type.store(static_cast<std::uint32_t>(type), std::memory_order_relaxed);
  return true;
}

std::uint64_t uptime_ns() noexcept { return make_tick_converter().uptime_ns(); }

} // namespace memscope

namespace memscope {

std::uint64_t enter_spawner_context() noexcept {
  const std::uint32_t slot = spawn_window_slot();
  if (slot == 0)
    return MEMSCOPE_NO_CONTEXT;
  const std::uint64_t saved = t_state.context;
  // A plain store, not a task switch: the scope lasts a few instructions
  // (one allocation), and the spawned task stays the running one.
  t_state.context = make_context(task(slot).parent, 0);
  return saved;
}

void leave_spawner_context(std::uint64_t saved) noexcept {
  if (saved != MEMSCOPE_NO_CONTEXT)
    t_state.context = saved;
}

} // namespace memscope
