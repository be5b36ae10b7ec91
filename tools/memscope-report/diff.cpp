#include "diff.hpp"
#include "aggregate.hpp"
#include "units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace memscope::report {
namespace {

using nlohmann::json;

// One matched row: figures in A and B (absent = zero, and flagged).
struct Change {
  std::string key, detail;
  bool in_a = false, in_b = false;
  std::uint64_t alloc_a = 0, alloc_b = 0, live_a = 0, live_b = 0, peak_a = 0,
                peak_b = 0, count_a = 0, count_b = 0;
  std::int64_t growth() const {
    return static_cast<std::int64_t>(alloc_b) -
           static_cast<std::int64_t>(alloc_a);
  }
  const char *status() const {
    if (!in_a)
      return "new";
    if (!in_b)
      return "gone";
    if (alloc_b > alloc_a || live_b > live_a)
      return "grew";
    if (alloc_b < alloc_a || live_b < live_a)
      return "shrank";
    return "same";
  }
};

std::vector<Change> match_functions(const Views &a, const Views &b) {
  std::map<std::string, Change> rows;
  for (const Group &g : a.by_function) {
    Change &c = rows[g.key];
    c.in_a = true;
    c.alloc_a = g.allocated, c.live_a = g.live, c.peak_a = g.peak,
    c.count_a = g.tasks;
  }
  for (const Group &g : b.by_function) {
    Change &c = rows[g.key];
    c.in_b = true;
    c.alloc_b = g.allocated, c.live_b = g.live, c.peak_b = g.peak,
    c.count_b = g.tasks;
  }
  std::vector<Change> out;
  for (auto &[key, c] : rows) {
    c.key = key;
    out.push_back(c);
  }
  return out;
}

std::vector<Change> match_sites(const Views &a, const Views &b) {
  std::map<std::string, Change> rows;
  for (const SiteRow &s : a.sites) {
    Change &c = rows[s.where()];
    c.in_a = true;
    c.detail = s.function;
    c.alloc_a = s.allocated, c.live_a = s.live, c.count_a = s.allocs;
  }
  for (const SiteRow &s : b.sites) {
    Change &c = rows[s.where()];
    c.in_b = true;
    c.detail = s.function;
    c.alloc_b = s.allocated, c.live_b = s.live, c.count_b = s.allocs;
  }
  std::vector<Change> out;
  for (auto &[key, c] : rows) {
    c.key = key;
    out.push_back(c);
  }
  return out;
}

// Largest change first (by allocated bytes, then live), unchanged rows last.
void order(std::vector<Change> &rows) {
  auto weight = [](const Change &c) {
    const auto d = [](std::uint64_t x, std::uint64_t y) {
      return x > y ? x - y : y - x;
    };
    return d(c.alloc_a, c.alloc_b) + d(c.live_a, c.live_b);
  };
  std::stable_sort(
      rows.begin(), rows.end(),
      [&](const Change &x, const Change &y) { return weight(x) > weight(y); });
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](const Change &c) {
                              return std::string_view(c.status()) == "same";
                            }),
             rows.end());
}

std::string signed_bytes(std::uint64_t a, std::uint64_t b) {
  if (b >= a)
    return "+" + human_bytes(b - a);
  return "-" + human_bytes(a - b);
}

std::string percent(std::uint64_t a, std::uint64_t b) {
  if (a == 0)
    return b == 0 ? "0%" : "new";
  return fmt::format("{:+.1f}%",
                     100.0 * (static_cast<double>(b) - static_cast<double>(a)) /
                         static_cast<double>(a));
}

void print_changes(std::FILE *out, const char *title, const char *key_header,
                   const std::vector<Change> &rows, std::size_t top) {
  fmt::print(out, "\n{} ({} changed)\n", title, rows.size());
  fmt::print(out, "  {:<6} {:<36} {:>11} {:>11} {:>12} {:>11} {:>11} {:>9}\n",
             "", key_header, "alloc A", "alloc B", "change", "live A", "live B",
             "count");
  for (std::size_t i = 0; i < rows.size() && i < top; ++i) {
    const Change &c = rows[i];
    std::string key = c.key.size() > 36 ? c.key.substr(0, 33) + "..." : c.key;
    fmt::print(out, "  {:<6} {:<36} {:>11} {:>11} {:>12} {:>11} {:>11} {:>9}\n",
               c.status(), key, human_bytes(c.alloc_a), human_bytes(c.alloc_b),
               signed_bytes(c.alloc_a, c.alloc_b), human_bytes(c.live_a),
               human_bytes(c.live_b),
               fmt::format("{}->{}", c.count_a, c.count_b));
  }
}

json change_json(const Change &c) {
  return {{"key", c.key},
          {"status", c.status()},
          {"allocated_bytes", {c.alloc_a, c.alloc_b}},
          {"live_bytes", {c.live_a, c.live_b}},
          {"max_peak_live_bytes", {c.peak_a, c.peak_b}},
          {"count", {c.count_a, c.count_b}},
          {"allocated_change_bytes", c.growth()}};
}

struct Line {
  const char *name;
  std::uint64_t a, b;
};

std::vector<Line> summary_lines(const Report &a, const Report &b) {
  const Summary &x = a.summary, &y = b.summary;
  return {{"tasks", a.listed_tasks + x.folded_tasks,
           b.listed_tasks + y.folded_tasks},
          {"peak concurrent tasks", x.peak_concurrent_tasks,
           y.peak_concurrent_tasks},
          {"allocated bytes", x.total_allocated_bytes, y.total_allocated_bytes},
          {"live bytes at exit", x.total_live_bytes, y.total_live_bytes},
          {"peak live bytes", x.peak_live_bytes, y.peak_live_bytes},
          {"allocations", x.total_allocations, y.total_allocations},
          {"outside tasks, allocated", x.untasked_allocated_bytes,
           y.untasked_allocated_bytes}};
}

} // namespace

void print_diff(std::FILE *out, const Report &a, const Report &b,
                std::size_t top) {
  const Views va = build_views(a, SortKey::Allocated);
  const Views vb = build_views(b, SortKey::Allocated);
  fmt::print(out, "memscope diff: A -> B\n");
  fmt::print(out, "  {:<26} {:>14} {:>14} {:>10}\n", "", "A", "B", "change");
  for (const Line &l : summary_lines(a, b)) {
    const bool bytes =
        std::string_view(l.name).find("bytes") != std::string_view::npos ||
        std::string_view(l.name).find("allocated") != std::string_view::npos;
    fmt::print(out, "  {:<26} {:>14} {:>14} {:>10}\n", l.name,
               bytes ? human_bytes(l.a) : fmt::format("{}", l.a),
               bytes ? human_bytes(l.b) : fmt::format("{}", l.b),
               percent(l.a, l.b));
  }
  fmt::print(out, "  {:<26} {:>14} {:>14} {:>10}\n", "outlived their task",
             human_bytes(va.retained_total), human_bytes(vb.retained_total),
             percent(va.retained_total, vb.retained_total));
  auto functions = match_functions(va, vb);
  order(functions);
  print_changes(out, "By root function", "function", functions, top);
  auto sites = match_sites(va, vb);
  order(sites);
  print_changes(out, "By site", "site", sites, top);
}

json diff_json(const Report &a, const Report &b, std::size_t top) {
  const Views va = build_views(a, SortKey::Allocated);
  const Views vb = build_views(b, SortKey::Allocated);
  json out;
  json summary = json::object();
  for (const Line &l : summary_lines(a, b))
    summary[l.name] = {l.a, l.b};
  summary["outlived their task"] = {va.retained_total, vb.retained_total};
  out["summary"] = std::move(summary);
  auto list = [&](std::vector<Change> rows) {
    order(rows);
    json arr = json::array();
    for (std::size_t i = 0; i < rows.size() && i < top; ++i)
      arr.push_back(change_json(rows[i]));
    return arr;
  };
  out["functions"] = list(match_functions(va, vb));
  out["sites"] = list(match_sites(va, vb));
  return out;
}

} // namespace memscope::report
