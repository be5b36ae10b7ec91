#include "text_tables.hpp"
#include "units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

namespace memscope::report {
namespace {

std::uint64_t sort_value(const Task &t, SortKey key) {
  switch (key) {
  case SortKey::Peak:
    return t.peak_live_bytes;
  case SortKey::Live:
    return t.live_bytes;
  case SortKey::Allocated:
    return t.allocated_bytes;
  case SortKey::Retained:
    return t.retained_bytes;
  case SortKey::Allocations:
    return t.alloc_count;
  }
  return 0;
}

std::string where(const SourceLoc &loc) {
  if (loc.file.empty())
    return "-";
  std::string_view file = loc.file;
  if (auto slash = file.rfind('/'); slash != std::string_view::npos)
    file.remove_prefix(slash + 1);
  return fmt::format("{}:{}:{}", file, loc.line, loc.column);
}

// Names are for reading: "(anonymous namespace)::" says nothing in a table,
// and a long parameter list is cut before the function name is.
std::string clip(std::string s, std::size_t width) {
  static constexpr std::string_view kAnon = "(anonymous namespace)::";
  for (std::size_t at; (at = s.find(kAnon)) != std::string::npos;)
    s.erase(at, kAnon.size());
  if (s.size() <= width)
    return s;
  return s.substr(0, width - 3) + "...";
}

struct Group {
  std::uint64_t tasks = 0, completed = 0, allocated = 0, live = 0,
                peak = 0, retained = 0, frames = 0;
};

void print_groups(std::FILE *out, const char *title, const char *key_header,
                  const std::map<std::string, Group> &groups) {
  fmt::print(out, "\n{}\n", title);
  fmt::print(out, "  {:<34} {:>7} {:>9} {:>11} {:>11} {:>11} {:>11}\n",
             key_header, "tasks", "completed", "allocated", "live",
             "max peak", "retained");
  std::vector<std::pair<std::string, Group>> rows(groups.begin(), groups.end());
  std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
    return a.second.allocated > b.second.allocated;
  });
  for (const auto &[key, g] : rows)
    fmt::print(out, "  {:<34} {:>7} {:>9} {:>11} {:>11} {:>11} {:>11}\n",
               clip(key, 34), g.tasks, g.completed, human_bytes(g.allocated),
               human_bytes(g.live), human_bytes(g.peak),
               human_bytes(g.retained));
}

void add(Group &g, const Task &t) {
  ++g.tasks;
  g.completed += t.state == "completed";
  g.allocated += t.allocated_bytes;
  g.live += t.live_bytes;
  g.peak = std::max(g.peak, t.peak_live_bytes);
  g.retained += t.retained_bytes;
  g.frames += t.frame_bytes;
}

} // namespace

bool parse_sort_key(const std::string &name, SortKey &out) {
  static const std::map<std::string, SortKey> keys = {
      {"peak", SortKey::Peak},           {"live", SortKey::Live},
      {"allocated", SortKey::Allocated}, {"retained", SortKey::Retained},
      {"allocs", SortKey::Allocations}};
  auto it = keys.find(name);
  if (it == keys.end())
    return false;
  out = it->second;
  return true;
}

void print_text_report(std::FILE *out, const Report &r,
                       const TableOptions &options) {
  const Summary &s = r.summary;
  fmt::print(out, "memscope report: {} tasks ({} still active), peak {} "
                  "concurrent\n",
             r.tasks.size() + s.folded_tasks, s.active_tasks,
             s.peak_concurrent_tasks);
  fmt::print(out, "  allocated {} in {} allocations, {} still live\n",
             human_bytes(s.total_allocated_bytes), s.total_allocations,
             human_bytes(s.total_live_bytes));
  fmt::print(out, "  outside any task: {} allocated, {} live\n",
             human_bytes(s.untasked_allocated_bytes),
             human_bytes(s.untasked_live_bytes));
  if (s.folded_tasks)
    fmt::print(out, "  {} completed tasks folded into per-function totals\n",
               s.folded_tasks);

  std::vector<const Task *> tasks;
  for (const Task &t : r.tasks)
    tasks.push_back(&t);
  std::stable_sort(tasks.begin(), tasks.end(), [&](const Task *a, const Task *b) {
    return sort_value(*a, options.sort) > sort_value(*b, options.sort);
  });
  fmt::print(out, "\nTasks (top {} of {})\n", std::min(options.top, tasks.size()),
             tasks.size());
  fmt::print(out, "  {:>6} {:<30} {:<16} {:<9} {:>10} {:>10} {:>10} {:>10} "
                  "{:>7} {:>9}  {}\n",
             "id", "task", "type", "state", "allocated", "live", "peak",
             "frames", "allocs", "busy", "spawned at");
  for (std::size_t i = 0; i < tasks.size() && i < options.top; ++i) {
    const Task &t = *tasks[i];
    fmt::print(out, "  {:>6} {:<30} {:<16} {:<9} {:>10} {:>10} {:>10} {:>10} "
                    "{:>7} {:>9}  {}\n",
               t.id, clip(t.name, 30), t.type, t.state,
               human_bytes(t.allocated_bytes), human_bytes(t.live_bytes),
               human_bytes(t.peak_live_bytes), human_bytes(t.frame_bytes),
               t.alloc_count, human_duration_ns(t.busy_ns), where(t.spawn_site));
  }

  std::map<std::string, Group> by_type, by_function;
  for (const Task &t : r.tasks) {
    add(by_type[t.type], t);
    add(by_function[t.name], t);
  }
  print_groups(out, "By task type", "type", by_type);
  print_groups(out, "By root function", "function", by_function);

  std::vector<const Site *> sites;
  for (const Site &site : r.sites)
    sites.push_back(&site);
  std::stable_sort(sites.begin(), sites.end(), [](const Site *a, const Site *b) {
    return a->allocated_bytes > b->allocated_bytes;
  });
  fmt::print(out, "\nAllocation sites (top {} of {})\n",
             std::min(options.top, sites.size()), sites.size());
  fmt::print(out, "  {:<30} {:<30} {:>11} {:>11} {:>8}\n", "site", "function",
             "allocated", "live", "allocs");
  for (std::size_t i = 0; i < sites.size() && i < options.top; ++i)
    fmt::print(out, "  {:<30} {:<30} {:>11} {:>11} {:>8}\n",
               clip(where(sites[i]->loc), 30), clip(sites[i]->function, 30),
               human_bytes(sites[i]->allocated_bytes),
               human_bytes(sites[i]->live_bytes), sites[i]->alloc_count);

  std::vector<const Task *> retained;
  for (const Task &t : r.tasks)
    if (t.state == "completed" && t.retained_bytes > 0)
      retained.push_back(&t);
  std::sort(retained.begin(), retained.end(), [](const Task *a, const Task *b) {
    return a->retained_bytes > b->retained_bytes;
  });
  fmt::print(out, "\nMemory that outlived its task: {} tasks\n", retained.size());
  for (std::size_t i = 0; i < retained.size() && i < options.top; ++i)
    fmt::print(out, "  task {:>6} {:<30} retained {:>10}, {} still live\n",
               retained[i]->id, clip(retained[i]->name, 30),
               human_bytes(retained[i]->retained_bytes),
               human_bytes(retained[i]->live_bytes));
}

} // namespace memscope::report
