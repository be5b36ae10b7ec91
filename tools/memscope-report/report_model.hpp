// The report as memscope-report sees it: parsed, checked, typed.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memscope::report {

// Thrown for anything that makes a file unusable; what() is one line that
// names the problem (the caller adds the file name).
struct ReportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A time a report leaves out (written by an older runtime, or null).
inline constexpr std::uint64_t kNoTime = UINT64_MAX;

struct SourceLoc {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct Task {
  std::uint64_t id = 0;
  std::string name;
  std::string label; // set_task_name's ("" when none); escaped like names
  SourceLoc spawn_site;
  SourceLoc root_site; // the root coroutine's definition
  std::string type;
  std::uint64_t parent_id = 0;
  std::string state;
  std::uint64_t allocated_bytes = 0, freed_bytes = 0, live_bytes = 0,
                peak_live_bytes = 0, alloc_count = 0, free_count = 0,
                frame_bytes = 0, resume_count = 0, busy_ns = 0;
  std::uint64_t created_ns = 0, completed_ns = 0;
  // When peak_live_bytes was reached (recorded, not sampled); kNoTime when
  // the report does not say.
  std::uint64_t peak_live_at_ns = kNoTime;
  std::uint64_t retained_bytes = 0;
  std::vector<std::uint32_t> threads;
  // Asynchronous operations it started, by kind ("socket", "timer", ...),
  // in the report's order; the type they suggest, and whether the inferred
  // type contradicts it.
  std::vector<std::pair<std::string, std::uint64_t>> operations;
  std::string observed_type;
  bool type_contradicted = false;
};

struct Site {
  std::uint32_t index = 0; // the runtime's site index (root_sites refer to it)
  SourceLoc loc;
  std::string function;
  std::uint64_t allocated_bytes = 0, live_bytes = 0, alloc_count = 0,
                free_count = 0;
};

// What the tasks of one root coroutine (or code outside tasks) allocated at
// one site over the run, exactly (the report's "root_sites"). live_bytes of
// a root whose tasks have all completed is memory that outlived its task.
struct RootSiteFigures {
  std::string kind; // "coroutine", "no_task" or "unknown"
  std::string root; // the root coroutine's function ("" unless coroutine)
  SourceLoc root_loc;
  std::uint32_t site = 0; // Site::index
  std::uint64_t allocated_bytes = 0, freed_bytes = 0, live_bytes = 0,
                alloc_count = 0, free_count = 0;
};

struct Summary {
  std::uint64_t task_count = 0, active_tasks = 0, peak_concurrent_tasks = 0;
  std::uint64_t total_allocated_bytes = 0, total_live_bytes = 0,
                total_allocations = 0;
  std::uint64_t untasked_allocated_bytes = 0, untasked_live_bytes = 0;
  std::uint64_t folded_tasks = 0;
  std::uint64_t uptime_ns = 0;    // when the report was written, since start
  // The process-wide peak of live bytes, when, and its error bound (0:
  // exact). has_peak_live false for reports of earlier releases.
  std::uint64_t peak_live_bytes = 0, peak_live_at_ns = 0,
                peak_live_bound_bytes = 0;
  bool has_peak_live = false;
  bool busy_time_measured = true; // false: MEMSCOPE_TIMING=off
  // summary.allocator: which operator new and malloc ran (reports before
  // it have none: "full" was the only mode then, minus C allocations).
  std::string allocator_mode = "full";
  std::string allocator_new = "memscope";
  std::string allocator_malloc = "memscope";
  bool frees_observed = true;
  bool c_allocations_observed = true;
};

// Tasks summed per root function: completed tasks past MEMSCOPE_MAX_TASKS
// (the report's "folded"), or, when a report is read without its task list
// (ReadMode::Totals), every listed task (`listed` true).
struct Folded {
  std::string name, type;
  std::uint64_t count = 0, allocated_bytes = 0, freed_bytes = 0,
                peak_live_bytes = 0, alloc_count = 0, frame_bytes = 0,
                retained_bytes = 0, busy_ns = 0;
  std::uint64_t peak_live_at_ns = kNoTime; // of the largest peak
  std::uint64_t completed = 0, live_bytes = 0; // the report's: count, 0
  bool listed = false;
};

// The runtime's sampled memory over time (optional in the file).
struct TimelineSample {
  std::uint64_t t_ns = 0, active_tasks = 0, no_task_live_bytes = 0;
  std::vector<std::uint64_t> live_bytes_by_type; // in Timeline::types order
  std::vector<std::pair<std::uint64_t, std::uint64_t>> top_tasks; // id, live
};
struct Timeline {
  std::uint64_t period_ms = 0;
  std::vector<std::string> types;
  std::vector<TimelineSample> samples;
};

struct Report {
  Summary summary;
  std::vector<Task> tasks;
  std::uint64_t listed_tasks = 0; // tasks in the file's list (kept or not)
  std::vector<Site> sites;
  // Per (task root, site); has_root_sites false for reports of earlier
  // releases, which do not have them.
  std::vector<RootSiteFigures> root_sites;
  bool has_root_sites = false;
  std::vector<Folded> folded;
  Timeline timeline;
};

// A name or path from a report (or the command line) as it can be printed:
// control bytes as \xNN.
std::string printable(std::string_view s);

// Reads and validates a report file in one streaming pass (with a progress
// line on a terminal for large files). Throws ReportError.
// Tasks: every task kept. Totals: tasks summed per root function as they
// are read (what --diff needs), so memory does not grow with their number.
enum class ReadMode { Tasks, Totals };
Report load_report(const std::string &path, ReadMode mode = ReadMode::Tasks);
// The same, from the file's text (the fuzz target's entry point).
Report parse_report(std::string_view text);

} // namespace memscope::report
