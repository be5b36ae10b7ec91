// What memscope-top shows, read from GET /tasks (docs/design.md §6) and kept
// apart from the terminal so that it can be sorted and tested on its own.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memscope::top {

struct SiteFigures {
  std::string where;    // "file.cpp:12" (basename)
  std::string function; // readable
  std::uint64_t live = 0, allocated = 0, allocs = 0;
};

struct LiveTask {
  std::uint64_t id = 0;
  std::string name, type, state, spawned_at;
  std::uint64_t live = 0, peak = 0, allocated = 0, retained = 0, busy_ns = 0,
                allocs = 0, frames = 0;
  std::vector<SiteFigures> sites; // the task's own, where the server has them
};

struct Totals {
  std::uint64_t uptime_ns = 0, tasks = 0, active = 0, peak_concurrent = 0,
                live = 0, allocated = 0, allocations = 0, untasked_live = 0,
                outlived_live = 0, outlived_tasks = 0;
};

struct LiveView {
  Totals totals;
  std::vector<LiveTask> tasks;    // as sorted by sort()
  std::vector<LiveTask> outlived; // completed, still holding memory
  std::vector<SiteFigures> sites; // holding the most live bytes
};

// Parses a /tasks body; false (and `error`) when it is not one.
bool parse_live_view(std::string_view body, LiveView &out, std::string &error);

enum class SortKey { Live, Peak, Allocated, Busy, Type };
// The key a keystroke selects ('l', 'p', 'a', 'b', 't'); false for others.
bool sort_key_for(int key, SortKey &out);
const char *sort_key_name(SortKey key);
void sort_tasks(std::vector<LiveTask> &tasks, SortKey key);

// The sites to show for a task: its own if the server sent them, else the
// sites in its root function (shared by every task of that function).
std::vector<SiteFigures> sites_of(const LiveView &view, const LiveTask &task,
                                  bool &own);

} // namespace memscope::top
