// What every output (text, --json, --html, --diff) shows, computed once from
// a report: tasks ordered, groups per task type / root function, sites per
// file:line, and the memory that outlived its task.
#pragma once
#include "report_model.hpp"

#include <map>
#include <string>
#include <vector>

namespace memscope::report {

enum class SortKey { Peak, Live, Allocated, Retained, Allocations };

// "peak", "live", "allocated", "retained", "allocs".
bool parse_sort_key(const std::string &name, SortKey &out);
const char *sort_key_name(SortKey key);

// Tasks grouped by a key (type or root function); folded tasks included.
struct Group {
  std::string key;
  std::string type; // by-function groups: the type of their tasks
  std::uint64_t tasks = 0, completed = 0, allocated = 0, live = 0, peak = 0,
                retained = 0, frames = 0, allocs = 0, busy_ns = 0;
};

// Allocation sites merged per file:line (several columns, one line).
struct SiteRow {
  std::string file, function;
  std::uint32_t line = 0;
  std::uint64_t allocated = 0, live = 0, allocs = 0;
  std::string where() const; // "file.cpp:12" (basename)
};

using SiteList = std::vector<const SiteRow *>;

struct Retained {
  const Task *task = nullptr;
  // Sites where tasks of the task's root allocated memory still live
  // (exactly, with the report's root_sites; else the sites in the root
  // function itself). Shared by every task of the root (Views::held);
  // never null.
  const SiteList *sites = nullptr;
};

// Leak suspects: the completed tasks of one root function whose memory
// outlived them, with the sites where that root's tasks allocated memory
// still live. With the report's root_sites, live is exact over every task
// of the root (listed or folded): the root's live bytes at all its sites
// less what its running tasks hold now.
struct Suspect {
  std::string root, type;
  std::uint64_t tasks = 0, live = 0, retained = 0; // live: still, now
  std::uint64_t running = 0; // tasks of the root not completed (their live
                             // memory is in the sites' figures too)
  const SiteList *sites = nullptr; // by live bytes
};

// One task root's memory by site (root_sites.hpp: exact per (root, site)
// in reports of this release): what the root's tasks allocated at each
// line and how much of it nobody has freed yet.
struct RootGroup {
  std::string root, type;
  bool no_task = false; // allocations made while no task was current
  std::uint64_t allocated = 0, live = 0, allocs = 0, frees = 0;
  std::vector<SiteRow> sites; // by live bytes, then allocated
};

struct Views {
  std::vector<const Task *> tasks;         // by the chosen sort key
  std::vector<const Task *> by_peak;       // by peak live bytes
  std::vector<const Task *> by_retained;   // retained > 0, largest first
  std::vector<Group> by_type, by_function; // by allocated bytes
  std::vector<SiteRow> sites; // by allocated (live with --sort live)
  // Completed tasks with retained > 0, by bytes still live, then retained
  // (a task whose memory was freed since is no suspect).
  std::vector<Retained> retained;
  std::vector<Suspect> suspects; // per root function, by bytes still live
  // Per task root, by live bytes then allocated (the "no task" bucket
  // included, last among equals); exact_roots: from the runtime's exact
  // (root, site) figures rather than by the function a site is in.
  std::vector<RootGroup> roots;
  bool exact_roots = false;
  // Exact roots: bytes allocated by completed tasks (listed or folded) that
  // nobody has freed yet, the suspects' live bytes summed.
  std::uint64_t outlived_live = 0;
  std::vector<const SiteRow *> live_sites; // sites holding memory, by live
  std::uint64_t retained_total = 0;
  // The largest process-wide live bytes (tasks and outside them) among the
  // sampler's samples, and when: a sampled figure, a peak shorter than the
  // sampling period can be missed (issue 14 item 4 records it exactly).
  std::uint64_t sampled_peak = 0, sampled_peak_ns = 0;
  // Sites holding memory per root function (readable name), by live
  // bytes: that root's tasks allocated there (RootGroup::sites).
  std::map<std::string, SiteList, std::less<>> held;
};

// `views` points into `report` and stays valid while it lives.
Views build_views(const Report &report, SortKey sort);

std::uint64_t sort_value(const Task &t, SortKey key);
// "(anonymous namespace)::" removed: it says nothing in a table.
std::string readable(std::string name);
// A task as the tables name it: its root function, then the name the
// program gave it, if any: `session(int) "session 9"`.
std::string task_title(const Task &t);
// "socket 588, timer 2": the operations a task started, kinds it used only.
std::string operations_text(const Task &t);
// The type its operations suggest, "!"-marked when it contradicts the
// inferred one ("" when it started no I/O operation).
std::string observed_text(const Task &t);
// "file.cpp:12:5" (basename), or "-".
std::string where(const SourceLoc &loc);

} // namespace memscope::report
