// The runtime entries behind memscope/async_memory.hpp: the spawn window
// (what create_tracked/spawn_tracked learn about the task the compiler just
// created), variable records (MEMSCOPE_TRACK_VAR) and the API's settings
// (MEMSCOPE_MODE, MEMSCOPE_ASYNC_MODE). None of them locks, allocates or
// makes a system call, so they never block an executor thread; only the
// readers (tracked_variables(), async_settings() on first use) allocate.
#ifndef MEMSCOPE_ASYNC_RUNTIME_HPP
#define MEMSCOPE_ASYNC_RUNTIME_HPP

#include "memscope/task_type.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memscope {

// MEMSCOPE_MODE: how much the async API records (allocation accounting by
// the compiled-in hooks is always on).
//   off    — MEMSCOPE_TRACK_VAR / track_var_async record nothing;
//   counts — they count variables and owned bytes (no per-variable records);
//   full   — they also keep one record per call: name, type, bytes, task,
//            source line (the default).
enum class DetailMode { Off, Counts, Full };

struct AsyncSettings {
  DetailMode mode = DetailMode::Full;
  bool async_mode = false; // MEMSCOPE_ASYNC_MODE=1 (accepted; see docs)
};

// Read from the environment once (at start-up or on first use). A bad
// value prints one "memscope: ..." line on stderr and the default is used.
MEMSCOPE_API const AsyncSettings &async_settings() noexcept;
// Re-reads the environment (tests; initialize() does not need it).
MEMSCOPE_API void reload_async_settings() noexcept;

// Id of the task that the compiler's spawn bracket created, when called
// inside the bracketed call of a spawn function (create_tracked /
// spawn_tracked bodies); 0 anywhere else (so an uninstrumented call, or one
// whose coroutine argument the plugin could not attribute, never touches
// the caller's task).
MEMSCOPE_API std::uint64_t spawn_window_task() noexcept;

// Gives the task of the open spawn window an explicit type (it wins over
// the inferred one, as a constant create_tracked argument does at compile
// time). False, and nothing changed, outside a spawn window.
MEMSCOPE_API bool set_spawn_task_type(TaskType type) noexcept;

// Inside a spawn window: charges what is allocated until leave_ to the task
// that is spawning (e.g. a join handle's state, which the spawner owns),
// not to the task being spawned. Returns what leave_ must be given;
// outside a window it changes nothing.
MEMSCOPE_API std::uint64_t enter_spawner_context() noexcept;
MEMSCOPE_API void leave_spawner_context(std::uint64_t saved) noexcept;

// Nanoseconds since the runtime started: the time base of TaskProfile's
// created_ns / completed_ns.
MEMSCOPE_API std::uint64_t uptime_ns() noexcept;

// ---- Variables ------------------------------------------------------------

// One MEMSCOPE_TRACK_VAR / track_var_async call. The strings are static
// (string literals and __PRETTY_FUNCTION__ slices): recording copies
// pointers, never characters.
struct VariableEvent {
  const char *name;
  const char *type;
  std::uint32_t type_len;
  std::uint32_t line;
  const char *file;
  std::uint64_t heap_bytes;
};

// Records `e` in the current task (0 if none). Lock-free: a slot in a fixed
// array; when the array is full the call is only counted as dropped.
MEMSCOPE_API void record_variable(const VariableEvent &e) noexcept;

struct TrackedVariable {
  std::uint64_t task_id = 0; // 0: tracked while no task was current
  std::string name;
  std::string type;
  std::uint64_t heap_bytes = 0; // heap bytes the object owned when tracked
  std::string file;
  std::uint32_t line = 0;
  std::uint64_t tracked_ns = 0; // since the runtime started
};

struct VariableTotals {
  std::uint64_t count = 0;      // calls recorded (all modes but off)
  std::uint64_t heap_bytes = 0; // their owned bytes
  std::uint64_t dropped = 0;    // full mode: calls beyond the record array
};

// Every record so far (full mode), in recording order.
MEMSCOPE_API std::vector<TrackedVariable> tracked_variables();
MEMSCOPE_API VariableTotals tracked_variable_totals() noexcept;

} // namespace memscope

#endif // MEMSCOPE_ASYNC_RUNTIME_HPP
