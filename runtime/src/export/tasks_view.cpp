#include "export/tasks_view.hpp"

#include "export/json_writer.hpp"
#include "export/report_json.hpp"

#include <algorithm>
#include <vector>

namespace memscope::detail {
namespace {

// The `top` largest of `items` by `key`, largest first (ties: older first).
template <class T, class Key>
std::vector<const T *> largest(const std::vector<T> &items, std::size_t top,
                               Key key, bool (*keep)(const T &)) {
  std::vector<const T *> out;
  for (const T &item : items)
    if (keep(item))
      out.push_back(&item);
  const auto cmp = [&](const T *a, const T *b) { return key(*a) > key(*b); };
  const std::size_t n = std::min(top, out.size());
  std::partial_sort(out.begin(), out.begin() + n, out.end(), cmp);
  out.resize(n);
  return out;
}

std::uint64_t live(const TaskProfile &t) { return t.live_bytes; }

} // namespace

std::string render_tasks_view(const MemorySnapshot &s, std::size_t top) {
  fmt::memory_buffer out;
  JsonWriter w(out);
  w.begin_object();
  w.key("summary");
  w.begin_object();
  w.field("uptime_ns", s.uptime_ns());
  w.field("task_count", s.tasks().size() + s.folded_task_count());
  w.field("active_tasks", s.active_task_count());
  w.field("peak_concurrent_tasks", s.peak_concurrent_tasks());
  w.field("total_memory_bytes", s.total_memory_bytes());
  w.field("total_allocated_bytes", s.total_allocated_bytes());
  w.field("total_allocations", s.total_allocations());
  w.field("no_task_live_bytes", s.no_task().live_bytes);
  std::uint64_t outlived_live = 0, outlived_tasks = 0;
  for (const TaskProfile &t : s.tasks())
    if (t.state == TaskState::Completed && t.live_bytes > 0) {
      outlived_live += t.live_bytes;
      ++outlived_tasks;
    }
  w.field("outlived_live_bytes", outlived_live);
  w.field("outlived_tasks", outlived_tasks);
  w.field("top", top);
  w.end_object();

  w.key("tasks");
  w.begin_array();
  for (const TaskProfile *t : largest(
           s.tasks(), top, live, +[](const TaskProfile &) { return true; }))
    write_task_json(w, *t);
  w.end_array();

  w.key("outlived");
  w.begin_array();
  for (const TaskProfile *t : largest(
           s.tasks(), top, live, +[](const TaskProfile &t) {
             return t.state == TaskState::Completed && t.live_bytes > 0;
           }))
    write_task_json(w, *t);
  w.end_array();

  w.key("sites");
  w.begin_array();
  for (const SiteProfile *site : largest(
           s.sites(), top, [](const SiteProfile &x) { return x.live_bytes; },
           +[](const SiteProfile &x) { return x.live_bytes > 0; })) {
    w.begin_object();
    w.field("file", site->where.file);
    w.field("line", site->where.line);
    w.field("column", site->where.column);
    w.field("function", site->index == 0 ? std::string_view("<unknown>")
                                         : site->where.function);
    w.field("allocated_bytes", site->allocated_bytes);
    w.field("live_bytes", site->live_bytes);
    w.field("alloc_count", site->alloc_count);
    w.field("free_count", site->free_count);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return fmt::to_string(out);
}

} // namespace memscope::detail
