#include "report_sax.hpp"
#include "report_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <string_view>

namespace memscope::report {
namespace {

void set_loc(SourceLoc &loc, std::string_view key, bool is_u64, std::uint64_t v,
             const std::string *text) {
  if (key == "file" && text)
    loc.file = printable(*text);
  else if (key == "line" && is_u64)
    loc.line = static_cast<std::uint32_t>(v);
  else if (key == "column" && is_u64)
    loc.column = static_cast<std::uint32_t>(v);
}

// The first of `names` present wins (older reports spelled some summary
// figures differently).
std::uint64_t
pick(const std::vector<std::pair<std::string, std::uint64_t>> &values,
     std::initializer_list<std::string_view> names) {
  for (std::string_view name : names)
    for (const auto &[key, v] : values)
      if (key == name)
        return v;
  return 0;
}

// Figures by key: one table per record instead of a chain of comparisons.
template <class Record> struct FieldKey {
  std::string_view name;
  std::uint64_t Record::*field;
};
constexpr FieldKey<Task> kTaskKeys[] = {
    {"id", &Task::id},
    {"parent_id", &Task::parent_id},
    {"allocated_bytes", &Task::allocated_bytes},
    {"freed_bytes", &Task::freed_bytes},
    {"live_bytes", &Task::live_bytes},
    {"peak_live_bytes", &Task::peak_live_bytes},
    {"alloc_count", &Task::alloc_count},
    {"free_count", &Task::free_count},
    {"frame_bytes", &Task::frame_bytes},
    {"resume_count", &Task::resume_count},
    {"busy_ns", &Task::busy_ns},
    {"created_ns", &Task::created_ns},
    {"completed_ns", &Task::completed_ns},
    {"peak_live_at_ns", &Task::peak_live_at_ns},
    {"retained_bytes", &Task::retained_bytes},
};
constexpr FieldKey<Folded> kFoldedKeys[] = {
    {"count", &Folded::count},
    {"allocated_bytes", &Folded::allocated_bytes},
    {"freed_bytes", &Folded::freed_bytes},
    {"peak_live_bytes", &Folded::peak_live_bytes},
    {"peak_live_at_ns", &Folded::peak_live_at_ns},
    {"alloc_count", &Folded::alloc_count},
    {"frame_bytes", &Folded::frame_bytes},
    {"retained_bytes", &Folded::retained_bytes},
    {"busy_ns", &Folded::busy_ns},
};

template <class Record, std::size_t N>
void set_field(Record &r, const FieldKey<Record> (&keys)[N],
               std::string_view key, std::uint64_t v) {
  for (const FieldKey<Record> &k : keys)
    if (key == k.name) {
      r.*k.field = v;
      return;
    }
}

template <class Record, std::size_t N>
bool has_field(const FieldKey<Record> (&keys)[N], std::string_view key) {
  for (const FieldKey<Record> &k : keys)
    if (key == k.name)
      return true;
  return false;
}

// Summary figures that are counts in the schema (the rest are ratios,
// flags or objects).
bool is_summary_count(std::string_view key) {
  static constexpr std::string_view kCounts[] = {
      "task_count",         "total_tasks",       "active_tasks",
      "active_task_count",  "completed_tasks",   "peak_concurrent_tasks",
      "total_allocated_bytes", "allocated_bytes", "total_live_bytes",
      "live_bytes",         "live_memory_bytes", "total_memory_bytes",
      "total_allocations",  "alloc_count",       "total_frees",
      "folded_tasks",       "uptime_ns",         "retained_bytes",
      "max_tasks",          "task_records",      "threads",
      "operations_followed", "operations_lost", "peak_live_bytes",
      "peak_live_at_ns",    "peak_live_bound_bytes"};
  for (std::string_view k : kCounts)
    if (key == k)
      return true;
  return false;
}

} // namespace

bool ReportSax::count(bool is_u64, std::uint64_t v, std::uint64_t min,
                      std::uint64_t max) {
  if (raw_null_)
    return false;
  if (is_u64 && raw_.empty() && v >= min && v <= max)
    return true;
  std::string shown = raw_.empty() ? std::to_string(v) : raw_;
  if (shown.size() > 40)
    shown = shown.substr(0, 40) + "...";
  fail(fmt::format("{}.{} is {}: expected an integer from {} to {} (the "
                   "report is corrupt or not memscope's)",
                   where(), key_, printable(shown), min, max));
  return false;
}

std::string ReportSax::where() const {
  std::string out;
  for (std::size_t i = 0; i < stack_.size(); ++i) {
    const std::size_t index =
        i > 0 ? stack_[i - 1].elements - 1 : std::size_t{0};
    switch (stack_[i].at) {
    case At::Summary:
      out = "summary";
      break;
    case At::NoTask:
      out += ".no_task";
      break;
    case At::Allocator:
      out += ".allocator";
      break;
    case At::Task:
      out = fmt::format("tasks[{}]", index);
      break;
    case At::TaskSpawnSite:
      out += ".spawn_site";
      break;
    case At::TaskRootSite:
      out += ".root_site";
      break;
    case At::TaskOperations:
      out += ".operations";
      break;
    case At::Site:
      out = fmt::format("sites[{}]", index);
      break;
    case At::Folded:
      out = fmt::format("folded[{}]", index);
      break;
    case At::RootSite:
      out = fmt::format("root_sites[{}]", index);
      break;
    case At::RootSiteRoot:
      out += ".root";
      break;
    case At::Timeline:
      out = "timeline";
      break;
    default:
      break;
    }
  }
  return out.empty() ? std::string("report") : out;
}

void ReportSax::fail(std::string message) {
  if (error_.empty())
    error_ = std::move(message);
}

// Once the shape is wrong and the file is known to be a version-1 memscope
// report, nothing later can change the verdict: stop reading.
bool ReportSax::keep_going() const {
  return error_.empty() || format_ != "memscope" || version_ != 1;
}

ReportSax::At ReportSax::child(bool object) {
  if (stack_.empty()) {
    root_seen_ = true;
    root_object_ = object;
    return object ? At::Root : At::Skip;
  }
  Frame &parent = stack_.back();
  const std::size_t index = parent.elements++;
  switch (parent.at) {
  case At::Root:
    if (key_ == "summary") {
      summary_seen_ = true;
      if (object)
        return At::Summary;
      fail("\"summary\" in the report has the wrong type");
    } else if (key_ == "tasks") {
      tasks_seen_ = true;
      if (!object)
        return At::Tasks;
      fail("\"tasks\" in the report has the wrong type");
    } else if (key_ == "sites") {
      sites_seen_ = true;
      if (!object)
        return At::Sites;
      fail("\"sites\" in the report has the wrong type");
    } else if (key_ == "folded" && !object) {
      return At::FoldedList;
    } else if (key_ == "root_sites" && !object) {
      r_.has_root_sites = true;
      return At::RootSites;
    } else if (key_ == "timeline" && object) {
      timeline_seen_ = true;
      return At::Timeline;
    }
    return At::Skip;
  case At::Summary:
    if (object && key_ == "allocator")
      return At::Allocator;
    return object && key_ == "no_task" ? At::NoTask : At::Skip;
  case At::Tasks:
    if (object) {
      r_.tasks.emplace_back();
      return At::Task;
    }
    fail(fmt::format("tasks[{}] is not an object", index));
    return At::Skip;
  case At::Task:
    if (object && key_ == "spawn_site")
      return At::TaskSpawnSite;
    if (object && key_ == "root_site")
      return At::TaskRootSite;
    if (!object && key_ == "threads")
      return At::TaskThreads;
    if (object && key_ == "operations")
      return At::TaskOperations;
    return At::Skip;
  case At::Sites:
    if (object) {
      r_.sites.emplace_back();
      return At::Site;
    }
    fail(fmt::format("sites[{}] is not an object", index));
    return At::Skip;
  case At::RootSites:
    if (object) {
      r_.root_sites.emplace_back();
      return At::RootSite;
    }
    fail(fmt::format("root_sites[{}] is not an object", index));
    return At::Skip;
  case At::RootSite:
    return object && key_ == "root" ? At::RootSiteRoot : At::Skip;
  case At::FoldedList:
    if (object) {
      r_.folded.emplace_back();
      return At::Folded;
    }
    return At::Skip;
  case At::Timeline:
    if (!object && key_ == "types")
      return At::TimelineTypes;
    if (!object && key_ == "samples") {
      samples_seen_ = true;
      return At::Samples;
    }
    return At::Skip;
  case At::Samples:
    if (object) {
      r_.timeline.samples.emplace_back();
      return At::Sample;
    }
    fail("a timeline sample is not an object");
    return At::Skip;
  case At::Sample:
    if (!object && key_ == "live_bytes_by_type")
      return At::SampleByType;
    if (!object && key_ == "top_tasks")
      return At::SampleTop;
    return At::Skip;
  case At::SampleByType:
    fail("\"timeline\" holds a value that is not a byte count");
    return At::Skip;
  case At::SampleTop:
    if (!object) {
      pair_n_ = 0;
      return At::SampleTopPair;
    }
    return At::Skip;
  case At::SampleTopPair:
    fail("\"timeline\" holds a value that is not a byte count");
    return At::Skip;
  default:
    return At::Skip;
  }
}

void ReportSax::scalar(bool is_u64, std::uint64_t v, const std::string *text) {
  if (stack_.empty()) {
    root_seen_ = true; // a bare scalar is no report
    return;
  }
  Frame &f = stack_.back();
  const std::size_t index = f.elements++;
  switch (f.at) {
  case At::Root:
    if (key_ == "format" && text)
      format_ = *text;
    else if (key_ == "version") {
      version_ = is_u64 && raw_.empty() ? v : 0;
      version_text_ = raw_.empty() ? std::to_string(v) : printable(raw_);
    }
    else if (key_ == "summary" || key_ == "tasks" || key_ == "sites") {
      (key_ == "summary" ? summary_seen_
       : key_ == "tasks" ? tasks_seen_
                         : sites_seen_) = true;
      fail(fmt::format("\"{}\" in the report has the wrong type", key_));
    }
    break;
  case At::Summary:
    if (is_summary_count(key_)) {
      if (count(is_u64, v))
        summary_values_.emplace_back(key_, v);
    } else if (is_u64) {
      summary_values_.emplace_back(key_, v);
    }
    break;
  case At::NoTask:
    if (key_ == "allocated_bytes" && count(is_u64, v))
      r_.summary.untasked_allocated_bytes = v;
    else if (key_ == "live_bytes" && count(is_u64, v))
      r_.summary.untasked_live_bytes = v;
    else if (key_ == "peak_live_bytes" || key_ == "alloc_count" ||
             key_ == "free_count" || key_ == "freed_bytes")
      count(is_u64, v);
    break;
  case At::Tasks:
    fail(fmt::format("tasks[{}] is not an object", index));
    break;
  case At::Task: {
    Task &t = r_.tasks.back();
    if (key_ == "type_contradicted") {
      t.type_contradicted = raw_ == "true";
    } else if (text) {
      if (key_ == "name")
        t.name = printable(*text);
      else if (key_ == "label")
        t.label = printable(*text);
      else if (key_ == "type")
        t.type = printable(*text);
      else if (key_ == "state")
        t.state = printable(*text);
      else if (key_ == "observed_type")
        t.observed_type = printable(*text);
      else if (has_field(kTaskKeys, key_))
        count(false, 0);
    } else if (has_field(kTaskKeys, key_)) {
      if (count(is_u64, v, key_ == "id" ? 1 : 0))
        set_field(t, kTaskKeys, key_, v);
    }
    break;
  }
  case At::TaskOperations:
    if (count(is_u64, v, 0, UINT32_MAX))
      r_.tasks.back().operations.emplace_back(printable(key_), v);
    break;
  case At::TaskSpawnSite:
  case At::TaskRootSite:
    if ((key_ != "line" && key_ != "column") || count(is_u64, v, 0, UINT32_MAX))
      set_loc(f.at == At::TaskSpawnSite ? r_.tasks.back().spawn_site
                                        : r_.tasks.back().root_site,
              key_, is_u64, v, text);
    break;
  case At::TaskThreads:
    key_ = "threads[]";
    if (count(is_u64, v, 0, 63))
      r_.tasks.back().threads.push_back(static_cast<std::uint32_t>(v));
    break;
  case At::Sites:
    fail(fmt::format("sites[{}] is not an object", index));
    break;
  case At::Site: {
    Site &s = r_.sites.back();
    if (key_ == "function" && text)
      s.function = printable(*text);
    else if (key_ == "file" && text)
      s.loc.file = printable(*text);
    else if (key_ == "allocated_bytes" && count(is_u64, v))
      s.allocated_bytes = v;
    else if (key_ == "live_bytes" && count(is_u64, v))
      s.live_bytes = v;
    else if (key_ == "alloc_count" && count(is_u64, v))
      s.alloc_count = v;
    else if (key_ == "free_count" && count(is_u64, v))
      s.free_count = v;
    else if ((key_ == "line" || key_ == "column") &&
             count(is_u64, v, 0, UINT32_MAX))
      set_loc(s.loc, key_, is_u64, v, text);
    else if (key_ == "index" && count(is_u64, v, 0, UINT32_MAX))
      s.index = static_cast<std::uint32_t>(v);
    else if (key_ == "freed_bytes")
      count(is_u64, v);
    break;
  }
  case At::RootSites:
    fail(fmt::format("root_sites[{}] is not an object", index));
    break;
  case At::RootSite: {
    RootSiteFigures &p = r_.root_sites.back();
    if (key_ == "root_kind" && text)
      p.kind = printable(*text);
    else if (key_ == "site" && count(is_u64, v, 0, UINT32_MAX))
      p.site = static_cast<std::uint32_t>(v);
    else if (key_ == "allocated_bytes" && count(is_u64, v))
      p.allocated_bytes = v;
    else if (key_ == "freed_bytes" && count(is_u64, v))
      p.freed_bytes = v;
    else if (key_ == "live_bytes" && count(is_u64, v))
      p.live_bytes = v;
    else if (key_ == "alloc_count" && count(is_u64, v))
      p.alloc_count = v;
    else if (key_ == "free_count" && count(is_u64, v))
      p.free_count = v;
    break;
  }
  case At::RootSiteRoot: {
    RootSiteFigures &p = r_.root_sites.back();
    if (key_ == "function" && text)
      p.root = printable(*text);
    else if ((key_ != "line" && key_ != "column") ||
             count(is_u64, v, 0, UINT32_MAX))
      set_loc(p.root_loc, key_, is_u64, v, text);
    break;
  }
  case At::Folded: {
    Folded &out = r_.folded.back();
    if (text && key_ == "name")
      out.name = printable(*text);
    else if (text && key_ == "type")
      out.type = printable(*text);
    else if (has_field(kFoldedKeys, key_) &&
             count(is_u64, v, key_ == "count" ? 1 : 0))
      set_field(out, kFoldedKeys, key_, v);
    break;
  }
  case At::Timeline:
    if (key_ == "period_ms" && is_u64)
      r_.timeline.period_ms = v;
    break;
  case At::TimelineTypes:
    r_.timeline.types.push_back(text ? *text : "?");
    break;
  case At::Samples:
    fail("a timeline sample is not an object");
    break;
  case At::Sample: {
    TimelineSample &s = r_.timeline.samples.back();
    if (!is_u64)
      break;
    if (key_ == "t_ns")
      s.t_ns = v;
    else if (key_ == "active_tasks")
      s.active_tasks = v;
    else if (key_ == "no_task_live_bytes")
      s.no_task_live_bytes = v;
    break;
  }
  case At::SampleByType:
    if (!is_u64)
      fail("\"timeline\" holds a value that is not a byte count");
    r_.timeline.samples.back().live_bytes_by_type.push_back(v);
    break;
  case At::SampleTopPair:
    if (!is_u64)
      fail("\"timeline\" holds a value that is not a byte count");
    if (pair_n_ < 2)
      pair_[pair_n_] = v;
    ++pair_n_;
    break;
  default:
    break;
  }
}

// Each callback says how the scalar was written (raw_: empty for an
// unsigned integer), so that a count of the wrong kind is named as written.
bool ReportSax::null() {
  raw_ = "null";
  raw_null_ = true;
  scalar(false, 0, nullptr);
  raw_null_ = false;
  return keep_going();
}
bool ReportSax::boolean(bool v) {
  if (!stack_.empty() && stack_.back().at == At::Summary &&
      key_ == "busy_time_measured")
    r_.summary.busy_time_measured = v;
  if (!stack_.empty() && stack_.back().at == At::Allocator) {
    if (key_ == "frees_observed")
      r_.summary.frees_observed = v;
    else if (key_ == "c_allocations_observed")
      r_.summary.c_allocations_observed = v;
  }
  raw_ = v ? "true" : "false";
  scalar(false, 0, nullptr);
  return keep_going();
}
bool ReportSax::number_integer(number_integer_t v) {
  raw_ = v >= 0 ? std::string() : std::to_string(v);
  scalar(v >= 0, static_cast<std::uint64_t>(v), nullptr);
  return keep_going();
}
bool ReportSax::number_unsigned(number_unsigned_t v) {
  raw_.clear();
  scalar(true, v, nullptr);
  return keep_going();
}
bool ReportSax::number_float(number_float_t, const string_t &text) {
  raw_ = text;
  scalar(false, 0, nullptr);
  return keep_going();
}
bool ReportSax::string(string_t &v) {
  if (!stack_.empty() && stack_.back().at == At::Allocator) {
    if (key_ == "mode")
      r_.summary.allocator_mode = v;
    else if (key_ == "operator_new")
      r_.summary.allocator_new = v;
    else if (key_ == "malloc")
      r_.summary.allocator_malloc = v;
  }
  raw_ = "\"" + v + "\"";
  scalar(false, 0, &v);
  return keep_going();
}
bool ReportSax::binary(binary_t &) {
  raw_ = "binary";
  scalar(false, 0, nullptr);
  return keep_going();
}

bool ReportSax::start_object(std::size_t) {
  const At at = child(true);
  stack_.push_back({at});
  return keep_going();
}
bool ReportSax::key(string_t &k) {
  key_ = std::move(k);
  return true;
}
void ReportSax::task_done() {
  ++r_.listed_tasks;
  if (mode_ != ReadMode::Totals)
    return;
  Task &t = r_.tasks.back();
  Folded &f = totals_[{t.name, t.type}];
  const bool completed = t.state == "completed";
  f.count += 1;
  f.completed += completed;
  f.allocated_bytes += t.allocated_bytes;
  f.freed_bytes += t.freed_bytes;
  f.live_bytes += t.live_bytes;
  if (t.peak_live_bytes > f.peak_live_bytes || f.count == 1) {
    f.peak_live_bytes = t.peak_live_bytes;
    f.peak_live_at_ns = t.peak_live_at_ns;
  }
  f.alloc_count += t.alloc_count;
  f.frame_bytes += t.frame_bytes;
  f.retained_bytes += completed ? t.retained_bytes : 0;
  f.busy_ns += t.busy_ns;
  r_.tasks.pop_back();
}

bool ReportSax::end_object() {
  if (stack_.back().at == At::Task)
    task_done();
  stack_.pop_back();
  return keep_going();
}
bool ReportSax::start_array(std::size_t) {
  const At at = child(false);
  stack_.push_back({at});
  return keep_going();
}
bool ReportSax::end_array() {
  if (stack_.back().at == At::SampleTopPair && pair_n_ == 2)
    r_.timeline.samples.back().top_tasks.emplace_back(pair_[0], pair_[1]);
  stack_.pop_back();
  return keep_going();
}

bool ReportSax::parse_error(std::size_t position, const std::string &,
                            const nlohmann::detail::exception &e) {
  // A number too large for any type (1e777): no report writes that.
  if (e.id == 406)
    syntax_error_ = "not valid JSON (a number out of range): the report is "
                    "corrupt";
  else // the position says where; a truncated write ends early
    syntax_error_ = fmt::format(
        "not valid JSON (byte {}): the report is truncated or corrupt",
        position);
  return false;
}

// Each pair names a known kind and a site of "sites".
void ReportSax::check_root_sites() {
  if (!error_.empty() || r_.root_sites.empty())
    return;
  std::vector<std::uint32_t> indices;
  indices.reserve(r_.sites.size());
  for (const Site &s : r_.sites)
    indices.push_back(s.index);
  std::sort(indices.begin(), indices.end());
  for (std::size_t i = 0; i < r_.root_sites.size(); ++i) {
    const RootSiteFigures &p = r_.root_sites[i];
    if (p.kind != "coroutine" && p.kind != "no_task" && p.kind != "unknown")
      return fail(fmt::format("root_sites[{}].root_kind is \"{}\": expected "
                              "coroutine, no_task or unknown",
                              i, p.kind));
    if (!std::binary_search(indices.begin(), indices.end(), p.site))
      return fail(fmt::format("root_sites[{}].site is {}: no site with that "
                              "index in \"sites\"",
                              i, p.site));
  }
}

Report ReportSax::finish() {
  if (!syntax_error_.empty())
    throw ReportError(syntax_error_);
  if (!root_object_ || format_ != "memscope")
    throw ReportError("not a memscope report (no \"format\": \"memscope\")");
  if (version_ != 1)
    throw ReportError(fmt::format(
        "report version {} is not supported by this memscope-report "
        "(supports 1); use the memscope-report of the same release",
        version_text_));
  if (!summary_seen_)
    fail("the report has no \"summary\"");
  if (!tasks_seen_)
    fail("the report has no \"tasks\"");
  if (!sites_seen_)
    fail("the report has no \"sites\"");
  if (timeline_seen_ && !samples_seen_)
    fail("\"timeline\" has no \"samples\" array");
  check_root_sites();
  if (!error_.empty())
    throw ReportError(error_);

  Summary &s = r_.summary;
  const auto &v = summary_values_;
  s.task_count = pick(v, {"task_count", "total_tasks"});
  s.active_tasks = pick(v, {"active_tasks", "active_task_count"});
  s.peak_concurrent_tasks = pick(v, {"peak_concurrent_tasks"});
  s.total_allocated_bytes =
      pick(v, {"total_allocated_bytes", "allocated_bytes"});
  s.total_live_bytes = pick(v, {"live_memory_bytes", "total_live_bytes",
                                "live_bytes", "total_memory_bytes"});
  s.total_allocations = pick(v, {"total_allocations", "alloc_count"});
  s.folded_tasks = pick(v, {"folded_tasks"});
  s.uptime_ns = pick(v, {"uptime_ns"});
  s.has_peak_live = std::any_of(v.begin(), v.end(), [](const auto &kv) {
    return kv.first == "peak_live_bytes";
  });
  s.peak_live_bytes = pick(v, {"peak_live_bytes"});
  s.peak_live_at_ns = pick(v, {"peak_live_at_ns"});
  s.peak_live_bound_bytes = pick(v, {"peak_live_bound_bytes"});
  for (Folded &f : r_.folded)
    f.completed = f.count;
  for (auto &[key, f] : totals_) {
    f.name = key.first;
    f.type = key.second;
    f.listed = true;
    r_.folded.push_back(std::move(f));
  }
  for (TimelineSample &sample : r_.timeline.samples)
    sample.live_bytes_by_type.resize(r_.timeline.types.size());
  return std::move(r_);
}

} // namespace memscope::report
