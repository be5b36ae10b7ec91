// Draws a LiveView on the terminal with ncurses: totals, the task table
// (the selected row highlighted, the sort column marked), the selected
// task's sites, and the tasks whose memory outlived them.
#pragma once
#include "live_view.hpp"

#include <string>

namespace memscope::top {

struct ScreenState {
  std::string endpoint;
  SortKey sort = SortKey::Live;
  std::size_t selected = 0; // index into view.tasks
  std::string status;       // last error, or when the view was fetched
};

void draw(const LiveView &view, const ScreenState &state);

} // namespace memscope::top
