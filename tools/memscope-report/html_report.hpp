// --html OUT.html: one self-contained page (no network, no other files):
// leak suspects first, a flame graph of memory by type -> root -> site,
// memory over time per task type and per task, per-type bars, and sortable,
// paged tables of tasks, functions, sites and outlived memory. The data goes
// in as JSON.
#pragma once
#include "report_model.hpp"

#include <string>

namespace memscope::report {

// At most this many rows go into each of the page's tables (tasks with the
// highest peak, the largest functions and sites, the outlived tasks that
// still hold most); the text and JSON outputs keep every row. With it a
// report of 300,000 tasks makes a page of a few megabytes.
inline constexpr std::size_t kHtmlMaxRows = 2000;
// Sites listed per outlived task (the leak-suspect rows list them all).
inline constexpr std::size_t kHtmlSitesPerTask = 3;
// Sites a task root's row opens (every root's are in the text and JSON).
inline constexpr std::size_t kHtmlSitesPerRoot = 50;

std::string render_html(const Report &report, const std::string &source_name);

} // namespace memscope::report
