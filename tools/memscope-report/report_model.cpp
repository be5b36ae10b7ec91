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

// Where in the document the numbers being read are ("tasks[3]"), for the
// one line that names a bad field. Set by the parse_* functions.
thread_local std::string t_where = "summary";
struct Where {
  std::string saved = t_where;
  explicit Where(std::string where) { t_where = std::move(where); }
  ~Where() { t_where = saved; }
};

constexpr std::uint64_t kNoMax = UINT64_MAX;

// A count as the schema defines it: an integer in [min, max]. An absent
// field is 0 (older reports lack some); anything else present (negative,
// fractional, out of range, a string) makes the file unusable, so that a
// corrupt report never shows as plausible "0 B" figures.
std::uint64_t u64(const json &obj, std::initializer_list<const char *> names,
                  std::uint64_t min = 0, std::uint64_t max = kNoMax) {
  for (const char *name : names) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null())
      continue;
    std::uint64_t v = 0;
    bool ok = it->is_number_unsigned() ||
              (it->is_number_integer() && it->get<std::int64_t>() >= 0);
    if (ok)
      v = it->get<std::uint64_t>();
    if (!ok || v < min || v > max) {
      std::string shown = it->dump();
      if (shown.size() > 40)
        shown = shown.substr(0, 40) + "...";
      throw ReportError(fmt::format(
          "{}.{} is {}: expected an integer from {} to {} (the report is "
          "corrupt or not memscope's)",
          t_where, name, shown, min, max));
    }
    return v;
  }
  return 0;
}

std::string str(const json &obj, const char *name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? printable(it->get<std::string>())
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
    loc.line = static_cast<std::uint32_t>(u64(obj, {"line"}, 0, UINT32_MAX));
    loc.column =
        static_cast<std::uint32_t>(u64(obj, {"column"}, 0, UINT32_MAX));
  }
  return loc;
}

Task parse_task(const json &t, std::size_t index) {
  if (!t.is_object())
    throw ReportError(fmt::format("tasks[{}] is not an object", index));
  const Where where(fmt::format("tasks[{}]", index));
  Task task;
  task.id = u64(t, {"id"}, 1);
  task.name = str(t, "name");
  task.label = str(t, "label");
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
    for (const json &th : *it) {
      const json one = {{"threads[]", th}};
      task.threads.push_back(
          static_cast<std::uint32_t>(u64(one, {"threads[]"}, 0, 63)));
    }
  return task;
}

Folded parse_folded(const json &f, std::size_t index) {
  const Where where(fmt::format("folded[{}]", index));
  Folded out;
  out.name = str(f, "name");
  out.type = str(f, "type");
  out.count = u64(f, {"count"}, 1);
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
  return u64(json{{"value", v}}, {"value"});
}

Timeline parse_timeline(const json &t) {
  const Where where("timeline");
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
    const Where sample("timeline.samples[]");
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

// Names and paths come from the program (task names, file names): control
// bytes are shown as \xNN, so that no table line carries an escape sequence
// to the terminal.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

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
  } catch (const json::exception &) {
    // A number too large for any type (1e777): no report writes that.
    throw ReportError("not valid JSON (a number out of range): the report is "
                      "corrupt");
  }
  if (!doc.is_object() || str(doc, "format") != "memscope")
    throw ReportError("not a memscope report (no \"format\": \"memscope\")");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() ||
      version->get<std::int64_t>() != 1) {
    std::string shown =
        version == doc.end() ? std::string("missing") : version->dump();
    if (shown.size() > 40)
      shown = shown.substr(0, 40) + "...";
    throw ReportError(fmt::format(
        "report version {} is not supported by this memscope-report "
        "(supports 1); use the memscope-report of the same release",
        printable(shown)));
  }

  Report r;
  const json &summary =
      member(doc, "summary", json::value_t::object, "the report");
  const Where in_summary("summary");
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
    const Where no_task("summary.no_task");
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
    const Where where(fmt::format("sites[{}]", i));
    Site site;
    site.loc = source_loc(s);
    site.function = str(s, "function");
    site.allocated_bytes = u64(s, {"allocated_bytes"});
    site.live_bytes = u64(s, {"live_bytes"});
    site.alloc_count = u64(s, {"alloc_count"});
    r.sites.push_back(std::move(site));
  }
  if (auto it = doc.find("folded"); it != doc.end() && it->is_array())
    for (std::size_t i = 0; i < it->size(); ++i)
      if ((*it)[i].is_object())
        r.folded.push_back(parse_folded((*it)[i], i));
  if (auto it = doc.find("timeline"); it != doc.end() && it->is_object())
    r.timeline = parse_timeline(*it);
  return r;
}

} // namespace memscope::report
