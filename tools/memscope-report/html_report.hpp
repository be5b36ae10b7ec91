// --html OUT.html: one self-contained page (no network, no other files):
// memory over time per task type and per task, per-type bars, sortable task,
// function, site and outlived-memory tables. The data goes in as JSON.
#pragma once
#include "report_model.hpp"

#include <string>

namespace memscope::report {

// At most this many tasks go into the page's table (those with the highest
// peak); the JSON report keeps every task.
inline constexpr std::size_t kHtmlMaxTasks = 5000;

std::string render_html(const Report &report, const std::string &source_name);

} // namespace memscope::report
