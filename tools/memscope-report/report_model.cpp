#include "report_model.hpp"
#include "progress.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <initializer_list>
#include <sstream>

namespace memscope::report {
namespace {

using nlohmann::json;

std::uint64_t u64(const json &obj, std::initializer_list<const char *> names) {
  for (const char *name : names) {
    auto it = obj.find(name);
    if (it != obj.end() && it->is_number_unsigned())
      return it->get<std::uint64_t>();
    if (it != obj.end() && it->is_number_integer() &&
        it->get<std::int64_t>() >= 0)
      return static_cast<std::uint64_t>(it->get<std::int64_t>());
  }
  return 0;
}

std::string str(const json &obj, const char *name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>()
                                            : std::string();
}

const json &member(const json &obj, const char *name, json::value_t kind,
                   const char *where) {
  auto it = obj.find(name);
  if (it == obj.end())
    throw ReportError(fmt::format("{} has no \"{}\"", where, name));
  if (it->type() != kind)
    throw ReportError(
        fmt::format("\"{}\" in {} has the wrong type", name, where));
  return *it;
}

SourceLoc source_loc(const json &obj) {
  SourceLoc loc;
  if (obj.is_object()) {
    loc.file = str(obj, "file");
    loc.line = static_cast<std::uint32_t>(u64(obj, {"line"}));
    loc.column = static_cast<std::uint32_t>(u64(obj, {"column"}));
  }
  return loc;
}

Task parse_task(const json &t, std::size_t index) {
  if (!t.is_object())
    throw ReportError(fmt::format("tasks[{}] is not an object", index));
  Task task;
  task.id = u64(t, {"id"});
  task.name = str(t, "name");
  if (auto it = t.find("spawn_site"); it != t.end())
    task.spawn_site = source_loc(*it);
  task.type = str(t, "type");
  task.parent_id = u64(t, {"parent_id"});
  task.state = str(t, "state");
  task.allocated_bytes = u64(t, {"allocated_bytes"});
  task.freed_bytes = u64(t, {"freed_bytes"});
  task.live_bytes = u64(t, {"live_bytes"});
  task.peak_live_bytes = u64(t, {"peak_live_bytes"});
  task.alloc_count = u64(t, {"alloc_count"});
  task.free_count = u64(t, {"free_count"});
  task.frame_bytes = u64(t, {"frame_bytes"});
  task.resume_count = u64(t, {"resume_count"});
  task.busy_ns = u64(t, {"busy_ns"});
  task.created_ns = u64(t, {"created_ns"});
  task.completed_ns = u64(t, {"completed_ns"});
  task.retained_bytes = u64(t, {"retained_bytes"});
  if (auto it = t.find("threads"); it != t.end() && it->is_array())
    for (const json &th : *it)
      if (th.is_number_unsigned())
        task.threads.push_back(th.get<std::uint32_t>());
  return task;
}

Folded parse_folded(const json &f) {
  Folded out;
  out.name = str(f, "name");
  out.type = str(f, "type");
  out.count = u64(f, {"count"});
  out.allocated_bytes = u64(f, {"allocated_bytes"});
  out.freed_bytes = u64(f, {"freed_bytes"});
  out.peak_live_bytes = u64(f, {"peak_live_bytes"});
  out.alloc_count = u64(f, {"alloc_count"});
  out.frame_bytes = u64(f, {"frame_bytes"});
  out.retained_bytes = u64(f, {"retained_bytes"});
  out.busy_ns = u64(f, {"busy_ns"});
  return out;
}

std::uint64_t as_u64(const json &v) {
  if (v.is_number_unsigned())
    return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(v.get<std::int64_t>());
  throw ReportError("\"timeline\" holds a value that is not a byte count");
}

Timeline parse_timeline(const json &t) {
  Timeline out;
  out.period_ms = u64(t, {"period_ms"});
  if (auto it = t.find("types"); it != t.end() && it->is_array())
    for (const json &name : *it)
      out.types.push_back(name.is_string() ? name.get<std::string>() : "?");
  auto samples = t.find("samples");
  if (samples == t.end() || !samples->is_array())
    throw ReportError("\"timeline\" has no \"samples\" array");
  for (const json &s : *samples) {
    if (!s.is_object())
      throw ReportError("a timeline sample is not an object");
    TimelineSample ts;
    ts.t_ns = u64(s, {"t_ns"});
    ts.active_tasks = u64(s, {"active_tasks"});
    ts.no_task_live_bytes = u64(s, {"no_task_live_bytes"});
    if (auto it = s.find("live_bytes_by_type"); it != s.end() && it->is_array())
      for (const json &v : *it)
        ts.live_bytes_by_type.push_back(as_u64(v));
    ts.live_bytes_by_type.resize(out.types.size());
    if (auto it = s.find("top_tasks"); it != s.end() && it->is_array())
      for (const json &pair : *it)
        if (pair.is_array() && pair.size() == 2)
          ts.top_tasks.emplace_back(as_u64(pair[0]), as_u64(pair[1]));
    out.samples.push_back(std::move(ts));
  }
  return out;
}

} // namespace

Report load_report(const std::string &path) {
  return parse_report(read_with_progress(path));
}

Report parse_report(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error &e) {
    // e.byte says where; a truncated write ends early.
    throw ReportError(fmt::format("not valid JSON (byte {}): the report is "
                                  "truncated or corrupt",
                                  e.byte));
  }
  if (!doc.is_object() || str(doc, "format") != "memscope")
    throw ReportError("not a memscope report (no \"format\": \"memscope\")");
  std::uint64_t version = u64(doc, {"version"});
  if (version != 1)
    throw ReportError(fmt::format(
        "report version {} is not supported by this memscope-report "
        "(supports 1); use the memscope-report of the same release",
        version));

  Report r;
  const json &summary =
      member(doc, "summary", json::value_t::object, "the report");
  r.summary.task_count = u64(summary, {"task_count", "total_tasks"});
  r.summary.active_tasks = u64(summary, {"active_tasks", "active_task_count"});
  r.summary.peak_concurrent_tasks = u64(summary, {"peak_concurrent_tasks"});
  r.summary.total_allocated_bytes =
      u64(summary, {"total_allocated_bytes", "allocated_bytes"});
  r.summary.total_live_bytes =
      u64(summary, {"live_memory_bytes", "total_live_bytes", "live_bytes",
                    "total_memory_bytes"});
  r.summary.total_allocations =
      u64(summary, {"total_allocations", "alloc_count"});
  if (auto it = summary.find("no_task");
      it != summary.end() && it->is_object()) {
    r.summary.untasked_allocated_bytes = u64(*it, {"allocated_bytes"});
    r.summary.untasked_live_bytes = u64(*it, {"live_bytes"});
  }
  r.summary.folded_tasks = u64(summary, {"folded_tasks"});
  if (auto it = summary.find("busy_time_measured");
      it != summary.end() && it->is_boolean())
    r.summary.busy_time_measured = it->get<bool>();

  const json &tasks = member(doc, "tasks", json::value_t::array, "the report");
  r.tasks.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i)
    r.tasks.push_back(parse_task(tasks[i], i));

  const json &sites = member(doc, "sites", json::value_t::array, "the report");
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const json &s = sites[i];
    if (!s.is_object())
      throw ReportError(fmt::format("sites[{}] is not an object", i));
    Site site;
    site.loc = source_loc(s);
    site.function = str(s, "function");
    site.allocated_bytes = u64(s, {"allocated_bytes"});
    site.live_bytes = u64(s, {"live_bytes"});
    site.alloc_count = u64(s, {"alloc_count"});
    r.sites.push_back(std::move(site));
  }
  if (auto it = doc.find("folded"); it != doc.end() && it->is_array())
    for (const json &f : *it)
      if (f.is_object())
        r.folded.push_back(parse_folded(f));
  if (auto it = doc.find("timeline"); it != doc.end() && it->is_object())
    r.timeline = parse_timeline(*it);
  return r;
}

} // namespace memscope::report
