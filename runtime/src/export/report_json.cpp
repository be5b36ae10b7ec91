// The JSON report (docs/design.md §6), built from a snapshot and written to a
// temporary file in the target's directory, then renamed over it, so that a
// reader never sees half a report. Every byte of it is untracked memory.
#include "export/report_json.hpp"
#include "support/config.hpp"
#include "support/config_env.hpp"
#include "export/file_output.hpp"
#include "export/json_writer.hpp"
#include "lifecycle.hpp"
#include "support/signal_guard.hpp"
#include "tasks/thread_state.hpp"
#include "export/timeline_json.hpp"

#include "memscope/snapshot.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <string>

namespace memscope {
namespace {

using detail::JsonWriter;

void write_site_ref(JsonWriter &w, std::string_view key, const SourceSite &s) {
  if (!s.known()) {
    w.field_null(key);
    return;
  }
  w.key(key);
  w.begin_object();
  w.field("file", std::string_view(s.file));
  w.field("line", s.line);
  w.field("column", s.column);
  w.field("function", std::string_view(s.function));
  w.end_object();
}

void write_figures(JsonWriter &w, const MemoryFigures &f) {
  w.field("allocated_bytes", f.allocated_bytes);
  w.field("freed_bytes", f.freed_bytes);
  w.field("live_bytes", f.live_bytes);
  w.field("peak_live_bytes", f.peak_live_bytes);
  w.field("alloc_count", f.alloc_count);
  w.field("free_count", f.free_count);
}

// Pairs written at most: the figures of a service with thousands of sites
// and hundreds of roots stay a bounded part of the report. Past it, the
// pairs holding the most live (then allocated) bytes are kept, and
// root_sites_omitted says how many were left out.
constexpr std::size_t kMaxRootSitesWritten = 50000;

// Per (task root, site) figures (snapshot.hpp RootSiteProfile), by root
// then site; `site` is the index of an entry of "sites".
// When a peak was reached (recorded by the allocation that raised it);
// null for a task or group that never held memory.
void write_peak_time(JsonWriter &w, std::uint64_t peak,
                     std::uint64_t at_ns) {
  if (peak != 0)
    w.field("peak_live_at_ns", at_ns);
  else
    w.field_null("peak_live_at_ns");
}

void write_root_sites(JsonWriter &w, const std::vector<RootSiteProfile> &all) {
  std::vector<std::size_t> keep(all.size());
  for (std::size_t i = 0; i < keep.size(); ++i)
    keep[i] = i;
  if (keep.size() > kMaxRootSitesWritten) {
    auto heavier = [&](std::size_t a, std::size_t b) {
      const RootSiteProfile &x = all[a], &y = all[b];
      if (x.live_bytes != y.live_bytes)
        return x.live_bytes > y.live_bytes;
      if (x.allocated_bytes != y.allocated_bytes)
        return x.allocated_bytes > y.allocated_bytes;
      return a < b;
    };
    std::nth_element(keep.begin(), keep.begin() + kMaxRootSitesWritten,
                     keep.end(), heavier);
    keep.resize(kMaxRootSitesWritten);
    std::sort(keep.begin(), keep.end());
  }
  static constexpr std::string_view kKinds[] = {"coroutine", "no_task",
                                                "unknown"};
  w.key("root_sites");
  w.begin_array();
  for (const std::size_t i : keep) {
    const RootSiteProfile &p = all[i];
    w.begin_object();
    w.field("root_kind", kKinds[static_cast<int>(p.root_kind) % 3]);
    write_site_ref(w, "root", p.root_site);
    w.field("site", p.site);
    w.field("allocated_bytes", p.allocated_bytes);
    w.field("freed_bytes", p.freed_bytes);
    w.field("live_bytes", p.live_bytes);
    w.field("alloc_count", p.alloc_count);
    w.field("free_count", p.free_count);
    w.end_object();
  }
  w.end_array();
  w.field("root_sites_omitted",
          static_cast<std::uint64_t>(all.size() - keep.size()));
}

std::string_view task_name(const TaskProfile &t) {
  return t.name.empty() ? std::string_view("<unknown>")
                        : std::string_view(t.name);
}

} // namespace

void detail::write_task_json(JsonWriter &w, const TaskProfile &t) {
  w.begin_object();
  w.field("id", t.id);
  w.field("name", task_name(t));
  if (!t.label.empty())
    w.field("label", std::string_view(t.label));
  write_site_ref(w, "spawn_site", t.spawn_site);
  write_site_ref(w, "root_site", t.root_site);
  w.field("type", to_string(t.type));
  w.field("parent_id", t.parent_id);
  w.field("state", to_string(t.state));
  write_figures(w, t);
  write_peak_time(w, t.peak_live_bytes, t.peak_live_at_ns);
  w.field("frame_bytes", t.frame_bytes);
  w.field("frames", t.frames);
  w.field("live_frames", t.live_frames);
  w.field("created_ns", t.created_ns);
  if (t.completed_ns)
    w.field("completed_ns", *t.completed_ns);
  else
    w.field_null("completed_ns");
  w.field("resume_count", t.resume_count);
  w.field("busy_ns", t.busy_ns);
  w.key("threads");
  w.begin_array();
  for (unsigned thread : t.threads)
    w.number(std::uint64_t{thread});
  w.end_array();
  w.field("memory_efficiency", t.memory_efficiency());
  w.field("retained_bytes", t.retained_bytes);
  w.key("operations");
  w.begin_object();
  for (std::size_t k = 0; k < kOperationKindCount; ++k)
    w.field(to_string(static_cast<OperationKind>(k)),
            std::uint64_t{t.operations[k]});
  w.end_object();
  if (const std::optional<TaskType> seen = observed_task_type(t.operations))
    w.field("observed_type", to_string(*seen));
  else
    w.field_null("observed_type");
  w.field("type_contradicted", type_contradicted(t));
  w.end_object();
}

namespace {

// `s` lists every completed task; the report lists the newest `max_tasks`
// of them and folds the rest (MemorySnapshot::fold_completed).
std::string render(MemorySnapshot s, std::uint64_t max_tasks,
                   const detail::TickConverter &clock) {
  s.fold_completed(max_tasks);
  const RuntimeStatus &status = s.runtime_status();
  std::uint64_t retained_total = 0;
  for (const FoldedTasks &g : s.folded())
    retained_total += g.retained_bytes;
  for (const TaskProfile &t : s.tasks())
    retained_total += t.retained_bytes;

  fmt::memory_buffer out;
  JsonWriter w(out);
  w.begin_object();
  w.field("format", "memscope");
  w.field("version", 1);

  w.key("summary");
  w.begin_object();
  w.field("uptime_ns", s.uptime_ns());
  w.field("threads", s.thread_count());
  w.field("task_count", s.tasks().size() + s.folded_task_count());
  w.field("active_tasks", s.active_task_count());
  w.field("completed_tasks", s.completed_task_count() + s.folded_task_count());
  w.field("peak_concurrent_tasks", s.peak_concurrent_tasks());
  w.field("total_memory_bytes", s.total_memory_bytes());
  w.field("live_memory_bytes", s.live_memory_bytes());
  // The process-wide peak of live bytes, when, and how far from the true
  // peak it may be (0: exact; live_peak.hpp).
  w.field("peak_live_bytes", s.peak_live_bytes());
  w.field("peak_live_at_ns", s.peak_live_at_ns());
  w.field("peak_live_bound_bytes", s.peak_live_bound_bytes());
  w.field("total_allocated_bytes", s.total_allocated_bytes());
  w.field("total_freed_bytes", s.total_freed_bytes());
  w.field("total_allocations", s.total_allocations());
  w.field("total_frees", s.total_frees());
  w.field("memory_efficiency_percent", s.memory_efficiency_percent());
  w.field("retained_bytes", retained_total);
  w.field("max_tasks", max_tasks);
  w.field("folded_tasks", s.folded_task_count());
  w.field("task_records", status.task_records);
  std::uint64_t followed = 0;
  for (const TaskProfile &t : s.tasks())
    for (const std::uint32_t n : t.operations)
      followed += n;
  for (const FoldedTasks &g : s.folded())
    followed += g.operations;
  w.field("operations_followed", followed);
  w.field("operations_lost", status.operations_lost);
  w.field("busy_time_measured", status.busy_time_measured);
  w.key("allocator");
  w.begin_object();
  w.field("mode", status.allocator_mode);
  w.field("operator_new", status.operator_new_owner);
  w.field("malloc", status.malloc_owner);
  w.field("frees_observed", status.frees_observed);
  w.field("c_allocations_observed", status.c_allocations_observed);
  w.end_object();
  w.field("startup_live_bytes", status.startup_live_bytes);
  w.key("no_task");
  w.begin_object();
  write_figures(w, s.no_task());
  w.end_object();
  w.end_object();

  w.key("by_type");
  w.begin_object();
  for (std::size_t i = 0; i < kTaskTypeCount; ++i) {
    const TaskTypeMetrics m = s.get_task_metrics(static_cast<TaskType>(i));
    w.key(to_string(m.type));
    w.begin_object();
    w.field("task_count", m.task_count);
    w.field("active_count", m.active_count);
    w.field("completed_count", m.completed_count);
    w.field("avg_memory_mb", m.avg_memory_mb);
    w.field("peak_memory_mb", m.peak_memory_mb);
    w.field("completion_rate_percent", m.completion_rate_percent);
    w.field("avg_wait_time_ms", m.avg_wait_time_ms);
    w.field("throughput_per_sec", m.throughput_per_sec);
    w.end_object();
  }
  w.end_object();

  w.key("tasks");
  w.begin_array();
  for (const TaskProfile &t : s.tasks()) // by id: oldest first
    detail::write_task_json(w, t);
  w.end_array();

  w.key("folded");
  w.begin_array();
  for (const FoldedTasks &g : s.folded()) {
    w.begin_object();
    w.field("name", g.name.empty() ? std::string_view("<unknown>") : g.name);
    w.field("type", to_string(g.type));
    w.field("count", g.count);
    w.field("allocated_bytes", g.allocated_bytes);
    w.field("freed_bytes", g.freed_bytes);
    w.field("peak_live_bytes", g.peak_live_bytes);
    write_peak_time(w, g.peak_live_bytes, g.peak_live_at_ns);
    w.field("alloc_count", g.alloc_count);
    w.field("free_count", g.free_count);
    w.field("frame_bytes", g.frame_bytes);
    w.field("retained_bytes", g.retained_bytes);
    w.field("busy_ns", g.busy_ns);
    w.end_object();
  }
  w.end_array();

  w.key("sites");
  w.begin_array();
  for (const SiteProfile &site : s.sites()) {
    static constexpr std::string_view kKinds[] = {"unknown", "alloc",
                                                  "coroutine", "spawn"};
    w.begin_object();
    w.field("index", site.index);
    w.field("kind", kKinds[static_cast<int>(site.kind) & 3]);
    w.field("file", std::string_view(site.where.file));
    w.field("line", site.where.line);
    w.field("column", site.where.column);
    w.field("function", site.index == 0
                            ? std::string_view("<unknown>")
                            : std::string_view(site.where.function));
    w.field("allocated_bytes", site.allocated_bytes);
    w.field("freed_bytes", site.freed_bytes);
    w.field("live_bytes", site.live_bytes);
    w.field("alloc_count", site.alloc_count);
    w.field("free_count", site.free_count);
    w.end_object();
  }
  w.end_array();
  write_root_sites(w, s.root_sites());
  detail::write_timeline_field(w, clock); // memory over time (sampler.hpp)
  w.end_object();
  out.push_back('\n');
  return fmt::to_string(out);
}

} // namespace

bool write_report(const std::string &path) {
  detail::InternalScope untracked;
  // An empty path names no file: the same one line as any unwritable path.
  // One converter of ticks for the tasks' times and the timeline's (two
  // calibrations differ by nanoseconds), as in the trace.
  const detail::TickConverter clock = detail::make_tick_converter();
  const std::string text = path.empty()
                               ? std::string()
                               : render(detail::snapshot_with_clock(clock),
                                        detail::config().max_tasks, clock);
  // Already said at start-up (the directory was unusable then): one line per
  // problem.
  const bool said =
      detail::output_directory_errno() != 0 && path == detail::config().output;
  // Temporary file + rename (or straight into /dev/null and the like).
  return detail::write_file_atomically(path, text, "report", "MEMSCOPE_OUTPUT",
                                       /*complain=*/!said);
}

bool write_report() {
  detail::InternalScope untracked;
  const char *path = detail::config().output;
  if (path[0] == '\0')
    return false;
  return write_report(std::string(path));
}

} // namespace memscope
