// The report as memscope-report sees it: parsed, checked, typed.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace memscope::report {

// Thrown for anything that makes a file unusable; what() is one line that
// names the problem (the caller adds the file name).
struct ReportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SourceLoc {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct Task {
  std::uint64_t id = 0;
  std::string name;
  SourceLoc spawn_site;
  std::string type;
  std::uint64_t parent_id = 0;
  std::string state;
  std::uint64_t allocated_bytes = 0, freed_bytes = 0, live_bytes = 0,
                peak_live_bytes = 0, alloc_count = 0, free_count = 0,
                frame_bytes = 0, resume_count = 0, busy_ns = 0;
  std::uint64_t created_ns = 0, completed_ns = 0;
  std::uint64_t retained_bytes = 0;
  std::vector<std::uint32_t> threads;
};

struct Site {
  SourceLoc loc;
  std::string function;
  std::uint64_t allocated_bytes = 0, live_bytes = 0, alloc_count = 0;
};

struct Summary {
  std::uint64_t task_count = 0, active_tasks = 0, peak_concurrent_tasks = 0;
  std::uint64_t total_allocated_bytes = 0, total_live_bytes = 0,
                total_allocations = 0;
  std::uint64_t untasked_allocated_bytes = 0, untasked_live_bytes = 0;
  std::uint64_t folded_tasks = 0;
};

struct Report {
  Summary summary;
  std::vector<Task> tasks;
  std::vector<Site> sites;
};

// Reads and validates a report file. Throws ReportError.
Report load_report(const std::string &path);

} // namespace memscope::report
