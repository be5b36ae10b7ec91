#include "html_report.hpp"
#include "aggregate.hpp"
#include "assets.hpp"
#include "flame_graph.hpp"
#include "json_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace memscope::report {
namespace {

using nlohmann::json;

json timeline_json(const Timeline &t) {
  json samples = json::array();
  for (const TimelineSample &s : t.samples) {
    json top = json::array();
    for (const auto &[id, live] : s.top_tasks)
      top.push_back({id, live});
    samples.push_back({{"t_ns", s.t_ns},
                       {"active_tasks", s.active_tasks},
                       {"no_task_live_bytes", s.no_task_live_bytes},
                       {"live_bytes_by_type", s.live_bytes_by_type},
                       {"top_tasks", std::move(top)}});
  }
  return {{"period_ms", t.period_ms},
          {"types", t.types},
          {"samples", std::move(samples)}};
}

// JSON inside <script>: '<' only occurs in strings, where \u003c means the
// same, so no "</script>" or "<!--" in a task name can end the block.
std::string script_safe(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out.push_back(c);
  }
  return out;
}

// The tasks the per-task chart draws: those the sampler saw largest and
// those with the largest exact peaks (a peak between two samples is still
// one), at most kChartTasks, largest first, each with its recorded peak.
constexpr std::size_t kChartTasks = 10;
json chart_tasks(const Report &r, const Views &v,
                 const std::unordered_map<std::uint64_t, const Task *> &by_id) {
  std::unordered_map<std::uint64_t, std::uint64_t> size; // id -> largest seen
  for (const TimelineSample &s : r.timeline.samples)
    for (const auto &[id, live] : s.top_tasks)
      size[id] = std::max(size[id], live);
  for (std::size_t i = 0; i < v.by_peak.size() && i < kChartTasks; ++i)
    size[v.by_peak[i]->id] =
        std::max(size[v.by_peak[i]->id], v.by_peak[i]->peak_live_bytes);
  for (auto &[id, bytes] : size)
    if (auto it = by_id.find(id); it != by_id.end())
      bytes = std::max(bytes, it->second->peak_live_bytes);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> order; // bytes, id
  for (const auto &[id, bytes] : size)
    order.emplace_back(bytes, id);
  std::sort(order.begin(), order.end(), [](const auto &a, const auto &b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (order.size() > kChartTasks)
    order.resize(kChartTasks);
  json out = json::array();
  for (const auto &[bytes, id] : order) {
    json t = {{"id", id}, {"name", ""}, {"type", ""},
              {"peak_live_bytes", nullptr}, {"peak_live_at_ns", nullptr}};
    if (auto it = by_id.find(id); it != by_id.end()) {
      const Task &task = *it->second;
      t["name"] = task_title(task);
      t["type"] = task.type;
      if (task.peak_live_at_ns != kNoTime) {
        t["peak_live_bytes"] = task.peak_live_bytes;
        t["peak_live_at_ns"] = task.peak_live_at_ns;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

void replace_once(std::string &page, std::string_view marker,
                  std::string_view with) {
  const std::size_t at = page.find(marker);
  if (at != std::string::npos)
    page.replace(at, marker.size(), with);
}

} // namespace

std::string render_html(const Report &r, const std::string &source_name) {
  const Views v = build_views(r, SortKey::Peak);
  // Every list is capped (kHtmlMaxRows): the page stays small and quick to
  // draw however large the report; the text and JSON outputs have it all.
  json tables = tables_json(r, v, SortKey::Peak, kHtmlMaxRows);
  json data;
  data["source"] = source_name;
  data["summary"] = tables["summary"];
  data["timeline"] = timeline_json(r.timeline);
  data["max_rows"] = kHtmlMaxRows;
  data["counts"] = {{"tasks", v.by_peak.size()},
                    {"by_function", v.by_function.size()},
                    {"sites", v.sites.size()},
                    {"outlived", v.retained.size()},
                    {"leak_suspects", v.suspects.size()}};
  // Names of the tasks the per-task chart can show.
  json names = json::object();
  std::unordered_map<std::uint64_t, const Task *> by_id;
  for (const Task &t : r.tasks)
    by_id.emplace(t.id, &t);
  for (const TimelineSample &s : r.timeline.samples)
    for (const auto &[id, live] : s.top_tasks)
      if (auto it = by_id.find(id); it != by_id.end())
        names[std::to_string(id)] = {{"name", task_title(*it->second)},
                                     {"type", it->second->type}};
  data["task_names"] = std::move(names);
  data["chart_tasks"] = chart_tasks(r, v, by_id);
  data["tasks"] = std::move(tables["tasks_by_peak"]);
  data["by_type"] = std::move(tables["by_type"]);
  data["by_function"] = std::move(tables["by_function"]);
  data["sites"] = std::move(tables["sites"]);
  // Each outlived task names a few sites (they repeat per root function;
  // the suspects table has them all).
  for (json &o : tables["outlived"])
    if (o["sites"].size() > kHtmlSitesPerTask)
      o["sites"].erase(o["sites"].begin() + kHtmlSitesPerTask,
                       o["sites"].end());
  data["outlived"] = std::move(tables["outlived"]);
  data["leak_suspects"] = std::move(tables["leak_suspects"]);
  // Each task root's sites, for the rows that open them (capped per root).
  for (json &g : tables["roots"])
    if (g["sites"].size() > kHtmlSitesPerRoot)
      g["sites"].erase(g["sites"].begin() + kHtmlSitesPerRoot,
                       g["sites"].end());
  data["roots"] = std::move(tables["roots"]);
  data["exact_roots"] = tables["exact_roots"];
  data["flame"] = flame_tree(r, v);

  std::string page(assets::kTemplate);
  // Libraries first; their text is not searched again.
  const std::string libraries =
      std::string(assets::kChartJs) + "\n" + std::string(assets::kFlameGraphJs);
  constexpr std::string_view kLibraries = "/*MEMSCOPE_LIBRARIES*/";
  const std::size_t libs_at = page.find(kLibraries);
  if (libs_at == std::string::npos)
    return page;
  std::string tail = page.substr(libs_at + kLibraries.size());
  page.resize(libs_at);
  replace_once(
      tail, "/*MEMSCOPE_DATA*/",
      script_safe(data.dump(-1, ' ', false, json::error_handler_t::replace)));
  return page + libraries + tail;
}

} // namespace memscope::report
