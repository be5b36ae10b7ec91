#include "text_tables.hpp"
#include "units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace memscope::report {
namespace {

// A long parameter list is cut before the function name is.
std::string clip(const std::string &s, std::size_t width) {
  if (s.size() <= width)
    return s;
  return s.substr(0, width - 3) + "...";
}

void print_tasks(std::FILE *out, const char *title,
                 const std::vector<const Task *> &tasks, std::size_t top) {
  fmt::print(out, "\n{} (top {} of {})\n", title, std::min(top, tasks.size()),
             tasks.size());
  fmt::print(out,
             "  {:>6} {:<30} {:<16} {:<18} {:<9} {:>10} {:>10} {:>10} {:>10} "
             "{:>10} {:>7} {:>9}  {:<30} {}\n",
             "id", "task", "type", "observed", "state", "allocated", "live",
             "peak", "retained", "frames", "allocs", "busy", "spawned at",
             "operations");
  bool contradicted = false;
  for (std::size_t i = 0; i < tasks.size() && i < top; ++i) {
    const Task &t = *tasks[i];
    contradicted |= t.type_contradicted;
    fmt::print(out,
               "  {:>6} {:<30} {:<16} {:<18} {:<9} {:>10} {:>10} {:>10} {:>10} "
               "{:>10} {:>7} {:>9}  {:<30} {}\n",
               t.id, clip(task_title(t), 30), t.type, observed_text(t),
               t.state, human_bytes(t.allocated_bytes),
               human_bytes(t.live_bytes), human_bytes(t.peak_live_bytes),
               human_bytes(t.retained_bytes), human_bytes(t.frame_bytes),
               t.alloc_count, human_duration_ns(t.busy_ns),
               clip(where(t.spawn_site), 30), operations_text(t));
  }
  if (contradicted)
    fmt::print(out, "  ! the operations observed at run time suggest another "
                    "type than the one inferred at compile time\n");
}

void print_groups(std::FILE *out, const char *title, const char *key_header,
                  const std::vector<Group> &groups, std::size_t top) {
  fmt::print(out, "\n{}\n", title);
  fmt::print(out, "  {:<34} {:>7} {:>9} {:>11} {:>11} {:>11} {:>11}\n",
             key_header, "tasks", "completed", "allocated", "live", "max peak",
             "retained");
  for (std::size_t i = 0; i < groups.size() && i < top; ++i) {
    const Group &g = groups[i];
    fmt::print(out, "  {:<34} {:>7} {:>9} {:>11} {:>11} {:>11} {:>11}\n",
               clip(g.key, 34), g.tasks, g.completed, human_bytes(g.allocated),
               human_bytes(g.live), human_bytes(g.peak),
               human_bytes(g.retained));
  }
  if (groups.size() > top)
    fmt::print(out, "  ... {} more (--top)\n", groups.size() - top);
}

void print_sites(std::FILE *out, const char *title,
                 const std::vector<const SiteRow *> &sites, std::size_t top) {
  fmt::print(out, "\n{} (top {} of {})\n", title, std::min(top, sites.size()),
             sites.size());
  fmt::print(out, "  {:<30} {:<34} {:>11} {:>11} {:>8}\n", "site", "function",
             "allocated", "live", "allocs");
  for (std::size_t i = 0; i < sites.size() && i < top; ++i)
    fmt::print(out, "  {:<30} {:<34} {:>11} {:>11} {:>8}\n",
               clip(sites[i]->where(), 30), clip(sites[i]->function, 34),
               human_bytes(sites[i]->allocated), human_bytes(sites[i]->live),
               sites[i]->allocs);
}

constexpr std::size_t kSitesPerRow = 3; // the rest are in the sites tables

// Leak suspects come first: memory that outlived its task, by the bytes it
// still holds, per root function and then per task.
void print_outlived(std::FILE *out, const Views &v, std::size_t top) {
  if (v.retained.empty() && v.suspects.empty()) {
    fmt::print(out, "\nMemory that outlived its task: none\n");
    return;
  }
  // A root whose memory outlived its tasks but is freed since (Asio tears a
  // task's last operation down a moment after its root frame ends) is no
  // suspect: only what is still live is listed.
  std::size_t freed_since = 0;
  for (const Suspect &s : v.suspects)
    freed_since += s.live == 0;
  if (freed_since == v.suspects.size() && !v.suspects.empty()) {
    fmt::print(out,
               "\nLeak suspects: none (what outlived its task in {} root "
               "functions is freed since)\n",
               freed_since);
  } else {
    fmt::print(out,
               "\nLeak suspects: memory that outlived its task, by bytes still "
               "live\n");
    fmt::print(out, "  {:>10} {:>10} {:>6} {:>7}  {:<34} {:<26} {:>10}\n",
               "live now", "retained", "tasks", "running", "root function",
               "allocated at", "live there");
  }
  bool running = false;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < v.suspects.size() && shown < top; ++i) {
    const Suspect &s = v.suspects[i];
    if (s.live == 0)
      continue;
    ++shown;
    running |= s.running > 0;
    const SiteRow *first = s.sites->empty() ? nullptr : s.sites->front();
    fmt::print(out, "  {:>10} {:>10} {:>6} {:>7}  {:<34} {:<26} {:>10}\n",
               human_bytes(s.live), human_bytes(s.retained), s.tasks, s.running,
               clip(s.root, 34), first ? clip(first->where(), 26) : "-",
               first ? human_bytes(first->live) : "");
    for (std::size_t k = 1; k < s.sites->size() && k < kSitesPerRow; ++k)
      fmt::print(out, "  {:>10} {:>10} {:>6} {:>7}  {:<34} {:<26} {:>10}\n", "",
                 "", "", "", "", clip((*s.sites)[k]->where(), 26),
                 human_bytes((*s.sites)[k]->live));
  }
  if (v.suspects.size() - freed_since > shown)
    fmt::print(out, "  ... {} more root functions (--top)\n",
               v.suspects.size() - freed_since - shown);
  if (shown > 0 && freed_since > 0)
    fmt::print(out,
               "  ({} more root functions whose outlived memory is freed "
               "since)\n",
               freed_since);
  if (shown > 0)
    fmt::print(out,
               "  live there: bytes that root's tasks allocated at that "
               "line and nobody freed{}\n",
               v.exact_roots ? ""
                             : " (report without root_sites: the sites "
                               "written in the root function)");
  if (running)
    fmt::print(out, "  running: tasks of the root still running; their live "
                    "memory counts in \"live there\" too\n");

  if (v.retained.empty())
    return; // every such task is folded: the suspects above say it all
  fmt::print(out, "\nMemory that outlived its task: {} in {} tasks\n",
             human_bytes(v.retained_total), v.retained.size());
  std::size_t listed = 0, freed_tasks = 0;
  for (const Retained &ret : v.retained)
    freed_tasks += ret.task->live_bytes == 0; // freed since completion
  for (std::size_t i = 0; i < v.retained.size() && listed < top; ++i) {
    const Retained &ret = v.retained[i];
    if (ret.task->live_bytes == 0)
      continue;
    ++listed;
    fmt::print(out, "  task {:>6} {:<30} {} still live, retained {}\n",
               ret.task->id, clip(task_title(*ret.task), 30),
               human_bytes(ret.task->live_bytes),
               human_bytes(ret.task->retained_bytes));
    for (std::size_t k = 0; k < ret.sites->size() && k < kSitesPerRow; ++k)
      fmt::print(out, "           its root's {:<30} {:>10} live there\n",
                 (*ret.sites)[k]->where(), human_bytes((*ret.sites)[k]->live));
  }
  if (freed_tasks > 0)
    fmt::print(out, "  {}{} tasks whose memory was still live at their "
                    "completion and is freed since\n",
               listed > 0 ? "and " : "", freed_tasks);
}

constexpr std::size_t kSitesPerRoot = 5;

// Each task root's memory by the line that allocated it.
void print_roots(std::FILE *out, const Views &v, std::size_t top) {
  if (v.roots.empty())
    return;
  fmt::print(out, "\nSites by task root{} (top {} of {})\n",
             v.exact_roots ? "" : " (by the function a site is in)",
             std::min(top, v.roots.size()), v.roots.size());
  fmt::print(out, "  {:<34} {:<30} {:>11} {:>11} {:>8}\n", "root", "site",
             "allocated", "live", "allocs");
  for (std::size_t i = 0; i < v.roots.size() && i < top; ++i) {
    const RootGroup &g = v.roots[i];
    fmt::print(out, "  {:<34} {:<30} {:>11} {:>11} {:>8}\n", clip(g.root, 34),
               fmt::format("{} sites", g.sites.size()),
               human_bytes(g.allocated), human_bytes(g.live), g.allocs);
    for (std::size_t k = 0; k < g.sites.size() && k < kSitesPerRoot; ++k) {
      const SiteRow &s = g.sites[k];
      fmt::print(out, "  {:<34} {:<30} {:>11} {:>11} {:>8}\n", "",
                 clip(s.where(), 30), human_bytes(s.allocated),
                 human_bytes(s.live), s.allocs);
    }
    if (g.sites.size() > kSitesPerRoot)
      fmt::print(out, "  {:<34} ... {} more sites\n", "",
                 g.sites.size() - kSitesPerRoot);
  }
  if (v.roots.size() > top)
    fmt::print(out, "  ... {} more roots (--top)\n", v.roots.size() - top);
}

} // namespace

void print_text_report(std::FILE *out, const Report &r,
                       const TableOptions &options) {
  const Views v = build_views(r, options.sort);
  const Summary &s = r.summary;
  fmt::print(out,
             "memscope report: {} tasks ({} still active), peak {} "
             "concurrent\n",
             r.listed_tasks + s.folded_tasks, s.active_tasks,
             s.peak_concurrent_tasks);
  fmt::print(out, "  allocated {} in {} allocations, {} still live\n",
             human_bytes(s.total_allocated_bytes), s.total_allocations,
             human_bytes(s.total_live_bytes));
  if (s.has_peak_live)
    fmt::print(out, "  Peak live: {} at {} ({})\n", human_bytes(s.peak_live_bytes),
               human_duration_ns(s.peak_live_at_ns),
               s.peak_live_bound_bytes
                   ? fmt::format("within {}",
                                 human_bytes(s.peak_live_bound_bytes))
                   : std::string("exact"));
  if (v.sampled_peak)
    fmt::print(out,
               "  peak seen by the sampler: {} live at {} (every {} ms; "
               "shorter peaks can be missed)\n",
               human_bytes(v.sampled_peak),
               human_duration_ns(v.sampled_peak_ns), r.timeline.period_ms);
  fmt::print(out, "  outside any task: {} allocated, {} live\n",
             human_bytes(s.untasked_allocated_bytes),
             human_bytes(s.untasked_live_bytes));
  fmt::print(out, "  outlived their task: {} in {} tasks\n",
             human_bytes(v.retained_total), v.retained.size());
  if (v.exact_roots)
    fmt::print(out,
               "  allocated by completed tasks and still live: {} (by "
               "root and site below)\n",
               human_bytes(v.outlived_live));
  if (s.folded_tasks)
    fmt::print(out, "  {} completed tasks folded into per-function totals\n",
               s.folded_tasks);
  if (!s.busy_time_measured)
    fmt::print(out, "  busy time not measured (MEMSCOPE_TIMING=off): busy "
                    "columns read 0\n");
  if (!s.frees_observed)
    fmt::print(out,
               "  safe mode (operator new: {}, malloc: {}): allocations "
               "counted, frees not seen; freed and live columns are not "
               "meaningful (docs/reading-the-numbers.md)\n",
               printable(s.allocator_new), printable(s.allocator_malloc));
  else if (!s.c_allocations_observed)
    fmt::print(out,
               "  C allocations not counted (malloc in effect: {}); link "
               "-lmemscope_rt before it (docs/reading-the-numbers.md)\n",
               printable(s.allocator_malloc));
  else if (s.allocator_mode == "malloc")
    fmt::print(out,
               "  operator new in effect: {}; its blocks counted through "
               "malloc\n",
               printable(s.allocator_new));

  print_outlived(out, v, options.top);

  print_tasks(out,
              fmt::format("Tasks by {}", sort_key_name(options.sort)).c_str(),
              v.tasks, options.top);
  if (options.sort != SortKey::Retained && !v.by_retained.empty())
    print_tasks(out, "Tasks by retained bytes", v.by_retained, options.top);

  print_groups(out, "By task type", "type", v.by_type, options.top);
  print_groups(out, "By root function", "function", v.by_function, options.top);
  print_roots(out, v, options.top);

  std::vector<const SiteRow *> sites;
  for (const SiteRow &site : v.sites)
    sites.push_back(&site);
  print_sites(out, "Allocation sites", sites, options.top);

  if (!v.live_sites.empty())
    print_sites(out, "Sites still holding memory", v.live_sites, options.top);
}

} // namespace memscope::report
