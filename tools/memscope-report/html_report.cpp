#include "html_report.hpp"
#include "aggregate.hpp"
#include "assets.hpp"
#include "json_output.hpp"

#include <nlohmann/json.hpp>

#include <limits>
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

void replace_once(std::string &page, std::string_view marker,
                  std::string_view with) {
  const std::size_t at = page.find(marker);
  if (at != std::string::npos)
    page.replace(at, marker.size(), with);
}

} // namespace

std::string render_html(const Report &r, const std::string &source_name) {
  const std::size_t all = std::numeric_limits<std::size_t>::max();
  json tables = tables_json(r, SortKey::Peak, all);
  const Views v = build_views(r, SortKey::Peak);
  json data;
  data["source"] = source_name;
  data["summary"] = tables["summary"];
  data["timeline"] = timeline_json(r.timeline);
  json names = json::object();
  json tasks = json::array();
  for (std::size_t i = 0; i < v.by_peak.size() && i < kHtmlMaxTasks; ++i) {
    const Task &t = *v.by_peak[i];
    json one = task_json(t);
    one["name"] = task_title(t); // the page shows the given name too
    tasks.push_back(std::move(one));
  }
  // Names of the tasks the per-task chart can show.
  std::unordered_map<std::uint64_t, const Task *> by_id;
  for (const Task &t : r.tasks)
    by_id.emplace(t.id, &t);
  for (const TimelineSample &s : r.timeline.samples)
    for (const auto &[id, live] : s.top_tasks)
      if (auto it = by_id.find(id); it != by_id.end())
        names[std::to_string(id)] = {{"name", task_title(*it->second)},
                                     {"type", it->second->type}};
  data["task_names"] = std::move(names);
  data["tasks"] = std::move(tasks);
  data["by_type"] = tables["by_type"];
  data["by_function"] = tables["by_function"];
  data["sites"] = tables["sites"];
  data["outlived"] = tables["outlived"];

  std::string page(assets::kTemplate);
  replace_once(page, "/*MEMSCOPE_CHART_JS*/", assets::kChartJs);
  // After the library, whose text is not searched again.
  const std::size_t from = page.find("/*MEMSCOPE_DATA*/");
  if (from != std::string::npos)
    page.replace(
        from, std::string_view("/*MEMSCOPE_DATA*/").size(),
        script_safe(data.dump(-1, ' ', false, json::error_handler_t::replace)));
  return page;
}

} // namespace memscope::report
