#include "screen.hpp"

#include "units.hpp" // human_bytes(), human_duration_ns(): as memscope-report

#include <fmt/format.h>
#include <ncurses.h>

#include <algorithm>

namespace memscope::top {
namespace {

using report::human_bytes;
using report::human_duration_ns;

std::string clip(const std::string &s, std::size_t width) {
  return s.size() <= width ? s : s.substr(0, width > 3 ? width - 3 : 0) + "...";
}

// One line at row y, cut to the screen's width.
void line(int y, const std::string &text, attr_t attrs = A_NORMAL) {
  if (y >= LINES)
    return;
  attron(attrs);
  mvaddnstr(y, 0, text.c_str(), COLS);
  attroff(attrs);
}

constexpr const char *kTaskHeader =
    "{:>7} {:<34} {:<16} {:<9} {:>10} {:>10} {:>10} {:>10} {:>9}";

std::string task_row(const LiveTask &t) {
  return fmt::format(kTaskHeader, t.id, clip(t.name, 34), clip(t.type, 16),
                     t.state, human_bytes(t.live), human_bytes(t.peak),
                     human_bytes(t.allocated), human_bytes(t.retained),
                     human_duration_ns(t.busy_ns));
}

// The header with the sort column's name in capitals and marked.
std::string task_header(SortKey sort) {
  auto mark = [&](SortKey k, const char *name) {
    return sort == k ? fmt::format("*{}", name) : std::string(name);
  };
  return fmt::format(kTaskHeader, "ID", "TASK", mark(SortKey::Type, "TYPE"),
                     "STATE", mark(SortKey::Live, "LIVE"),
                     mark(SortKey::Peak, "PEAK"),
                     mark(SortKey::Allocated, "ALLOCATED"), "RETAINED",
                     mark(SortKey::Busy, "BUSY"));
}

} // namespace

void draw(const LiveView &view, const ScreenState &state) {
  erase();
  const Totals &t = view.totals;
  int y = 0;
  line(y++,
       fmt::format("memscope-top {}  up {}  sorted by {}  [l]ive [p]eak "
                   "[a]llocated [b]usy [t]ype  up/down select  [q]uit",
                   state.endpoint, human_duration_ns(t.uptime_ns),
                   sort_key_name(state.sort)),
       A_BOLD);
  line(y++, fmt::format("Tasks: {} total, {} active, peak {} concurrent   "
                        "Memory: {} live, {} allocated in {} allocations, "
                        "{} outside tasks",
                        t.tasks, t.active, t.peak_concurrent,
                        human_bytes(t.live), human_bytes(t.allocated),
                        t.allocations, human_bytes(t.untasked_live)));
  line(y++, fmt::format("Outlived their task: {} still live in {} tasks   {}",
                        human_bytes(t.outlived_live), t.outlived_tasks,
                        state.status));
  ++y;
  line(y++, task_header(state.sort), A_REVERSE);

  // The task table takes what the sites and outlived panes leave.
  const int below = 13;
  const int rows = std::max(3, LINES - y - below);
  const std::size_t first =
      state.selected >= static_cast<std::size_t>(rows)
          ? state.selected - static_cast<std::size_t>(rows) + 1
          : 0;
  for (std::size_t i = first;
       i < view.tasks.size() && i < first + static_cast<std::size_t>(rows); ++i)
    line(y++, task_row(view.tasks[i]),
         i == state.selected ? A_STANDOUT : A_NORMAL);
  if (view.tasks.empty())
    line(y++, "  (no tasks)");
  y = std::max(y, LINES - below);

  if (state.selected < view.tasks.size()) {
    const LiveTask &sel = view.tasks[state.selected];
    bool own = false;
    const std::vector<SiteFigures> sites = sites_of(view, sel, own);
    line(y++, fmt::format("Task {} {}: {} {}, spawned at {}, {} allocations, "
                          "frames {}",
                          sel.id, clip(sel.name, 40), sel.state, sel.type,
                          sel.spawned_at, sel.allocs, human_bytes(sel.frames)));
    line(y++,
         fmt::format("Sites of task {} {}", sel.id,
                     own ? "" : "(its root function's sites, all its tasks)"),
         A_BOLD);
    for (std::size_t i = 0; i < sites.size() && i < 4; ++i)
      line(y++,
           fmt::format("  {:<30} {:>10} live {:>10} allocated {:>6} "
                       "allocations",
                       clip(sites[i].where, 30), human_bytes(sites[i].live),
                       human_bytes(sites[i].allocated), sites[i].allocs));
    if (sites.empty())
      line(y++, "  (no site of this task holds memory)");
  }
  y = std::max(y, LINES - 6);
  line(y++, "Outlived their task (still holding memory):", A_BOLD);
  for (std::size_t i = 0; i < view.outlived.size() && y < LINES; ++i)
    line(y++, fmt::format("  {:>7} {:<34} {:>10} live  spawned at {}",
                          view.outlived[i].id, clip(view.outlived[i].name, 34),
                          human_bytes(view.outlived[i].live),
                          view.outlived[i].spawned_at));
  if (view.outlived.empty())
    line(y, "  (none)");
  refresh();
}

} // namespace memscope::top
