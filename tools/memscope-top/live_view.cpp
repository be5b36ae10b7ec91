#include "live_view.hpp"

#include "aggregate.hpp" // readable(), where(): as memscope-report shows them

#include <nlohmann/json.hpp>

#include <algorithm>

namespace memscope::top {
namespace {

using nlohmann::json;

std::uint64_t u64(const json &o, const char *key) {
  auto it = o.find(key);
  return it != o.end() && it->is_number_unsigned() ? it->get<std::uint64_t>()
                                                   : 0;
}

std::string str(const json &o, const char *key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

report::SourceLoc loc(const json &o) {
  report::SourceLoc l;
  if (o.is_object()) {
    l.file = str(o, "file");
    l.line = static_cast<std::uint32_t>(u64(o, "line"));
    l.column = static_cast<std::uint32_t>(u64(o, "column"));
  }
  return l;
}

SiteFigures site(const json &s) {
  SiteFigures out;
  report::SourceLoc l = loc(s);
  out.where = l.file.empty() ? "<unknown>"
                             : report::SiteRow{l.file, "", l.line}.where();
  out.function = report::readable(str(s, "function"));
  out.live = u64(s, "live_bytes");
  out.allocated = u64(s, "allocated_bytes");
  out.allocs = u64(s, "alloc_count");
  return out;
}

LiveTask task(const json &t) {
  LiveTask out;
  out.id = u64(t, "id");
  out.name = report::readable(str(t, "name"));
  out.type = str(t, "type");
  out.state = str(t, "state");
  if (auto it = t.find("spawn_site"); it != t.end())
    out.spawned_at = report::where(loc(*it));
  out.live = u64(t, "live_bytes");
  out.peak = u64(t, "peak_live_bytes");
  out.allocated = u64(t, "allocated_bytes");
  out.retained = u64(t, "retained_bytes");
  out.busy_ns = u64(t, "busy_ns");
  out.allocs = u64(t, "alloc_count");
  out.frames = u64(t, "frame_bytes");
  if (auto it = t.find("sites"); it != t.end() && it->is_array())
    for (const json &s : *it)
      if (s.is_object())
        out.sites.push_back(site(s));
  return out;
}

std::uint64_t figure(const LiveTask &t, SortKey key) {
  switch (key) {
  case SortKey::Peak:
    return t.peak;
  case SortKey::Allocated:
    return t.allocated;
  case SortKey::Busy:
    return t.busy_ns;
  default:
    return t.live;
  }
}

struct KeyName {
  int key;
  SortKey sort;
  const char *name;
};
constexpr KeyName kKeys[] = {{'l', SortKey::Live, "live"},
                             {'p', SortKey::Peak, "peak"},
                             {'a', SortKey::Allocated, "allocated"},
                             {'b', SortKey::Busy, "busy"},
                             {'t', SortKey::Type, "type"}};

} // namespace

bool parse_live_view(std::string_view body, LiveView &out, std::string &error) {
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("tasks") || !doc["tasks"].is_array()) {
    error = "the answer is not memscope's /tasks view";
    return false;
  }
  out = LiveView{};
  if (auto it = doc.find("summary"); it != doc.end() && it->is_object()) {
    const json &s = *it;
    out.totals = {
        u64(s, "uptime_ns"),           u64(s, "task_count"),
        u64(s, "active_tasks"),        u64(s, "peak_concurrent_tasks"),
        u64(s, "total_memory_bytes"),  u64(s, "total_allocated_bytes"),
        u64(s, "total_allocations"),   u64(s, "no_task_live_bytes"),
        u64(s, "outlived_live_bytes"), u64(s, "outlived_tasks")};
  }
  for (const json &t : doc["tasks"])
    if (t.is_object())
      out.tasks.push_back(task(t));
  if (auto it = doc.find("outlived"); it != doc.end() && it->is_array())
    for (const json &t : *it)
      if (t.is_object())
        out.outlived.push_back(task(t));
  if (auto it = doc.find("sites"); it != doc.end() && it->is_array())
    for (const json &s : *it)
      if (s.is_object())
        out.sites.push_back(site(s));
  return true;
}

bool sort_key_for(int key, SortKey &out) {
  for (const KeyName &k : kKeys)
    if (k.key == key) {
      out = k.sort;
      return true;
    }
  return false;
}

const char *sort_key_name(SortKey key) {
  for (const KeyName &k : kKeys)
    if (k.sort == key)
      return k.name;
  return "live";
}

void sort_tasks(std::vector<LiveTask> &tasks, SortKey key) {
  std::stable_sort(
      tasks.begin(), tasks.end(), [key](const LiveTask &a, const LiveTask &b) {
        if (key == SortKey::Type && a.type != b.type)
          return a.type < b.type;
        const SortKey by = key == SortKey::Type ? SortKey::Live : key;
        if (figure(a, by) != figure(b, by))
          return figure(a, by) > figure(b, by);
        return a.id < b.id;
      });
}

std::vector<SiteFigures> sites_of(const LiveView &view, const LiveTask &task,
                                  bool &own) {
  own = !task.sites.empty();
  if (own)
    return task.sites;
  std::vector<SiteFigures> out;
  for (const SiteFigures &s : view.sites)
    if (s.function == task.name)
      out.push_back(s);
  return out;
}

} // namespace memscope::top
