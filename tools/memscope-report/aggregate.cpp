#include "aggregate.hpp"
#include "root_sites.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <type_traits>

namespace memscope::report {
namespace {

std::string_view basename(std::string_view file) {
  if (auto slash = file.rfind('/'); slash != std::string_view::npos)
    file.remove_prefix(slash + 1);
  return file;
}

// A task, or the completed tasks folded into one entry (Folded has the same
// figure names, summed, and holds no live bytes).
template <class Tasks> void add(Group &g, const Tasks &t) {
  if constexpr (std::is_same_v<Tasks, Folded>) {
    g.tasks += t.count;
    g.completed += t.completed;
    g.live += t.live_bytes;
  } else {
    ++g.tasks;
    g.completed += t.state == "completed";
    g.live += t.live_bytes;
  }
  g.allocated += t.allocated_bytes;
  g.peak = std::max(g.peak, t.peak_live_bytes);
  g.retained += t.retained_bytes;
  g.frames += t.frame_bytes;
  g.allocs += t.alloc_count;
  g.busy_ns += t.busy_ns;
  if (g.type.empty())
    g.type = t.type;
}

std::vector<Group> sorted(std::map<std::string, Group> &groups) {
  std::vector<Group> out;
  for (auto &[key, g] : groups) {
    g.key = key;
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const Group &a, const Group &b) {
    return a.allocated > b.allocated;
  });
  return out;
}

// Tasks ordered by a figure, largest first, ties in report order (a stable
// sort). Sorting (figure, position) pairs instead of pointers to tasks: a
// comparison then reads no task, which made the sorts of 300,000 tasks
// half of memscope-report's time.
template <class Figure>
std::vector<const Task *> by_figure(const std::vector<Task> &tasks,
                                    Figure figure) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keys(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i)
    keys[i] = {~figure(tasks[i]), i}; // ~: ascending order is largest first
  std::sort(keys.begin(), keys.end());
  std::vector<const Task *> out(tasks.size());
  for (std::size_t i = 0; i < keys.size(); ++i)
    out[i] = &tasks[keys[i].second];
  return out;
}

} // namespace

namespace {

// One table for both directions: the option's spelling and the key.
struct SortKeyName {
  const char *name;
  SortKey key;
};
constexpr SortKeyName kSortKeys[] = {{"peak", SortKey::Peak},
                                     {"live", SortKey::Live},
                                     {"allocated", SortKey::Allocated},
                                     {"retained", SortKey::Retained},
                                     {"allocs", SortKey::Allocations}};

} // namespace

bool parse_sort_key(const std::string &name, SortKey &out) {
  for (const SortKeyName &k : kSortKeys)
    if (name == k.name) {
      out = k.key;
      return true;
    }
  return false;
}

const char *sort_key_name(SortKey key) {
  for (const SortKeyName &k : kSortKeys)
    if (k.key == key)
      return k.name;
  return kSortKeys[0].name;
}

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

std::string readable(std::string s) {
  static constexpr std::string_view kAnon = "(anonymous namespace)::";
  for (std::size_t at; (at = s.find(kAnon)) != std::string::npos;)
    s.erase(at, kAnon.size());
  return s;
}

std::string operations_text(const Task &t) {
  std::string out;
  for (const auto &[kind, n] : t.operations)
    if (n > 0)
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", kind, n);
  return out;
}

std::string observed_text(const Task &t) {
  if (t.observed_type.empty())
    return std::string();
  return t.type_contradicted ? "! " + t.observed_type : t.observed_type;
}

std::string task_title(const Task &t) {
  std::string title = readable(t.name);
  if (!t.label.empty())
    title += fmt::format(" \"{}\"", t.label);
  return title;
}

std::string where(const SourceLoc &loc) {
  if (loc.file.empty())
    return "-";
  return fmt::format("{}:{}:{}", basename(loc.file), loc.line, loc.column);
}

std::string SiteRow::where() const {
  if (file.empty())
    return "<unknown>";
  return fmt::format("{}:{}", basename(file), line);
}

namespace {

// Views::roots from the (root, site) figures, sites merged per file:line.
void build_roots(const Report &r, Views &v) {
  v.exact_roots = exact_root_sites(r);
  std::map<std::string, RootGroup, std::less<>> groups;
  std::map<std::tuple<std::string, std::string, std::uint32_t>, SiteRow> rows;
  for (const RootSite &p : root_sites(r)) {
    RootGroup &g = groups[p.root];
    g.root = p.root;
    g.no_task = p.no_task;
    if (g.type.empty())
      g.type = p.type;
    g.allocated += p.allocated;
    g.live += p.live;
    g.allocs += p.allocs;
    g.frees += p.frees;
    SiteRow &row = rows[{p.root, p.site->loc.file, p.site->loc.line}];
    row.file = p.site->loc.file;
    row.line = p.site->loc.line;
    if (row.function.empty())
      row.function = readable(p.site->function);
    row.allocated += p.allocated;
    row.live += p.live;
    row.allocs += p.allocs;
  }
  for (auto &[key, row] : rows)
    groups[std::get<0>(key)].sites.push_back(std::move(row));
  auto heavier = [](const auto &a, const auto &b) {
    return a.live != b.live ? a.live > b.live : a.allocated > b.allocated;
  };
  for (auto &[root, g] : groups) {
    std::stable_sort(g.sites.begin(), g.sites.end(), heavier);
    v.roots.push_back(std::move(g));
  }
  std::stable_sort(v.roots.begin(), v.roots.end(),
                   [&](const RootGroup &a, const RootGroup &b) {
                     if (a.no_task != b.no_task && a.live == b.live)
                       return b.no_task;
                     return heavier(a, b);
                   });
}

} // namespace

Views build_views(const Report &r, SortKey sort) {
  Views v;
  v.tasks =
      by_figure(r.tasks, [&](const Task &t) { return sort_value(t, sort); });
  v.by_peak =
      by_figure(r.tasks, [](const Task &t) { return t.peak_live_bytes; });
  v.by_retained =
      by_figure(r.tasks, [](const Task &t) { return t.retained_bytes; });
  while (!v.by_retained.empty() && v.by_retained.back()->retained_bytes == 0)
    v.by_retained.pop_back();

  std::map<std::string, Group> by_type, by_function;
  for (const Task &t : r.tasks) {
    add(by_type[t.type], t);
    add(by_function[readable(t.name)], t);
  }
  for (const Folded &f : r.folded) {
    add(by_type[f.type], f);
    add(by_function[readable(f.name)], f);
    if (f.listed) // tasks read as totals (ReadMode::Totals)
      v.retained_total += f.retained_bytes;
  }
  v.by_type = sorted(by_type);
  v.by_function = sorted(by_function);

  std::map<std::pair<std::string, std::uint32_t>, SiteRow> sites;
  for (const Site &s : r.sites) {
    SiteRow &row = sites[{s.loc.file, s.loc.line}];
    row.file = s.loc.file;
    row.line = s.loc.line;
    if (row.function.empty())
      row.function = readable(s.function);
    row.allocated += s.allocated_bytes;
    row.live += s.live_bytes;
    row.allocs += s.alloc_count;
  }
  for (auto &[key, row] : sites)
    v.sites.push_back(std::move(row));
  const bool by_live = sort == SortKey::Live || sort == SortKey::Retained;
  std::stable_sort(
      v.sites.begin(), v.sites.end(), [&](const SiteRow &a, const SiteRow &b) {
        return by_live ? a.live > b.live : a.allocated > b.allocated;
      });
  for (const SiteRow &s : v.sites)
    if (s.live > 0)
      v.live_sites.push_back(&s);
  std::stable_sort(
      v.live_sites.begin(), v.live_sites.end(),
      [](const SiteRow *a, const SiteRow *b) { return a->live > b->live; });

  for (const TimelineSample &s : r.timeline.samples) {
    std::uint64_t live = s.no_task_live_bytes;
    for (std::uint64_t b : s.live_bytes_by_type)
      live += b;
    if (live > v.sampled_peak) {
      v.sampled_peak = live;
      v.sampled_peak_ns = s.t_ns;
    }
  }

  // Outlived: by live bytes, then retained (by_retained's order).
  std::vector<std::pair<std::uint64_t, std::size_t>> keys;
  for (std::size_t i = 0; i < v.by_retained.size(); ++i)
    if (v.by_retained[i]->state == "completed")
      keys.emplace_back(~v.by_retained[i]->live_bytes, i);
  std::sort(keys.begin(), keys.end());
  std::vector<const Task *> outlived;
  for (const auto &[key, i] : keys)
    outlived.push_back(v.by_retained[i]);
  build_roots(r, v);
  for (const RootGroup &g : v.roots) {
    if (g.no_task)
      continue; // not a task's memory
    for (const SiteRow &s : g.sites)
      if (s.live > 0)
        v.held[g.root].push_back(&s);
  }
  // Per root: tasks not completed, and the memory they hold now.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>>
      running;
  for (const Task &t : r.tasks)
    if (t.state != "completed") {
      auto &[n, live] = running[readable(t.name)];
      ++n;
      live += t.live_bytes;
    }
  std::map<std::string, Suspect> suspects;
  for (const Task *t : outlived) {
    v.retained_total += t->retained_bytes;
    const std::string name = readable(t->name);
    auto sites = v.held.find(name);
    static const SiteList kNone; // a static: Views may be moved
    Retained ret{t, sites != v.held.end() ? &sites->second : &kNone};
    Suspect &s = suspects[name];
    if (s.tasks++ == 0) {
      s.type = t->type;
      s.sites = ret.sites;
    }
    s.live += t->live_bytes;
    s.retained += t->retained_bytes;
    v.retained.push_back(std::move(ret));
  }
  if (v.exact_roots) {
    // Exact: what a root's tasks allocated and nobody freed, less what its
    // running tasks hold, is what outlived its task, listed or folded.
    suspects.clear();
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>>
        completed; // root -> completed tasks, retained bytes
    for (const Task &t : r.tasks)
      if (t.state == "completed") {
        auto &[n, retained] = completed[readable(t.name)];
        ++n;
        retained += t.retained_bytes;
      }
    for (const Folded &f : r.folded) {
      auto &[n, retained] = completed[readable(f.name)];
      n += f.completed;
      retained += f.retained_bytes;
    }
    static const SiteList kNone;
    for (const RootGroup &g : v.roots) {
      auto done = completed.find(g.root);
      if (g.no_task || done == completed.end())
        continue;
      const auto run = running.find(g.root);
      const std::uint64_t held_by_running =
          run != running.end() ? run->second.second : 0;
      Suspect &s = suspects[g.root];
      s.type = g.type;
      s.tasks = done->second.first;
      s.retained = done->second.second;
      s.live = g.live > held_by_running ? g.live - held_by_running : 0;
      s.running = run != running.end() ? run->second.first : 0;
      auto sites = v.held.find(g.root);
      s.sites = sites != v.held.end() ? &sites->second : &kNone;
      if (s.live == 0 && s.retained == 0)
        suspects.erase(g.root);
      else
        v.outlived_live += s.live;
    }
  }
  for (auto &[root, s] : suspects) {
    s.root = root;
    v.suspects.push_back(std::move(s));
  }
  std::stable_sort(v.suspects.begin(), v.suspects.end(),
                   [](const Suspect &a, const Suspect &b) {
                     return a.live != b.live ? a.live > b.live
                                             : a.retained > b.retained;
                   });
  return v;
}

} // namespace memscope::report
