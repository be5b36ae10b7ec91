#include "export/metrics_text.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <type_traits>
#include <vector>

namespace memscope::detail {
namespace {

struct Totals {
  std::uint64_t tasks = 0, active = 0, completed = 0, live = 0, allocated = 0,
                allocs = 0, retained = 0, frame_bytes = 0, max_peak = 0;
  double busy_seconds = 0;
};

// A task, or the tasks the runtime folded (snapshot.hpp: FoldedTasks has the
// same figure names, summed); folded tasks stay in every family, so counters
// never go down.
template <class Tasks> void add(Totals &to, const Tasks &t) {
  if constexpr (std::is_same_v<Tasks, FoldedTasks>) {
    to.tasks += t.count;
    to.completed += t.count;
  } else {
    ++to.tasks;
    ++(t.state == TaskState::Completed ? to.completed : to.active);
  }
  to.live += t.live_bytes;
  to.allocated += t.allocated_bytes;
  to.allocs += t.alloc_count;
  to.retained += t.retained_bytes;
  to.frame_bytes += t.frame_bytes;
  to.max_peak = std::max(to.max_peak, t.peak_live_bytes);
  to.busy_seconds += static_cast<double>(t.busy_ns) / 1e9;
}

// "(anonymous namespace)::" says nothing on a dashboard.
std::string readable(std::string_view name) {
  if (name.empty())
    return "<unknown>";
  static constexpr std::string_view kAnon = "(anonymous namespace)::";
  std::string s(name);
  for (std::size_t at; (at = s.find(kAnon)) != std::string::npos;)
    s.erase(at, kAnon.size());
  return s;
}

// Label values escape backslash, quote and newline (exposition format).
std::string escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"')
      out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

struct Family {
  const char *name;
  const char *kind; // gauge | counter
  const char *help;
  std::uint64_t Totals::*field;
};

constexpr Family kFamilies[] = {
    {"live_bytes", "gauge", "Bytes allocated by tasks and not yet freed.",
     &Totals::live},
    {"allocated_bytes_total", "counter", "Bytes allocated by tasks.",
     &Totals::allocated},
    {"allocations_total", "counter", "operator new calls made by tasks.",
     &Totals::allocs},
    {"retained_bytes", "gauge",
     "Bytes still live when their task completed (outlived the task).",
     &Totals::retained},
    {"frame_bytes_total", "counter", "Coroutine frame bytes of tasks.",
     &Totals::frame_bytes},
    {"tasks_active", "gauge", "Tasks created and not yet completed.",
     &Totals::active},
    {"tasks_created_total", "counter", "Tasks created.", &Totals::tasks},
    {"tasks_completed_total", "counter", "Tasks completed.",
     &Totals::completed},
    {"task_peak_live_bytes", "gauge",
     "Largest peak of live bytes of a single task.", &Totals::max_peak},
};

template <typename Key>
void emit(fmt::memory_buffer &out, const char *prefix, const char *label,
          const std::vector<std::pair<Key, Totals>> &rows) {
  for (const Family &f : kFamilies) {
    fmt::format_to(std::back_inserter(out), "# HELP memscope_{}_{} {}\n",
                   prefix, f.name, f.help);
    fmt::format_to(std::back_inserter(out), "# TYPE memscope_{}_{} {}\n",
                   prefix, f.name, f.kind);
    for (const auto &[key, totals] : rows)
      fmt::format_to(std::back_inserter(out),
                     "memscope_{}_{}{{{}=\"{}\"}} {}\n", prefix, f.name, label,
                     escape(key), totals.*(f.field));
  }
  fmt::format_to(std::back_inserter(out),
                 "# HELP memscope_{0}_busy_seconds_total Time threads spent "
                 "running tasks.\n# TYPE memscope_{0}_busy_seconds_total "
                 "counter\n",
                 prefix);
  for (const auto &[key, totals] : rows)
    fmt::format_to(std::back_inserter(out),
                   "memscope_{}_busy_seconds_total{{{}=\"{}\"}} {:.9f}\n",
                   prefix, label, escape(key), totals.busy_seconds);
}

} // namespace

std::string render_metrics(const MemorySnapshot &s, std::size_t max_functions) {
  std::array<Totals, kTaskTypeCount> by_type{};
  std::map<std::string, std::size_t> function_index; // name -> row
  std::vector<std::pair<std::string, Totals>> by_function;
  Totals other;
  bool any_other = false;
  auto count = [&](const auto &t) {
    add(by_type[static_cast<std::size_t>(t.type) % kTaskTypeCount], t);
    const std::string name = readable(t.name);
    auto it = function_index.find(name);
    if (it == function_index.end() && by_function.size() < max_functions) {
      it = function_index.emplace(name, by_function.size()).first;
      by_function.emplace_back(name, Totals{});
    }
    if (it != function_index.end()) {
      add(by_function[it->second].second, t);
    } else {
      add(other, t);
      any_other = true;
    }
  };
  for (const FoldedTasks &g : s.folded()) // the oldest tasks
    count(g);
  for (const TaskProfile &t : s.tasks()) // by id: first seen first
    count(t);
  if (any_other)
    by_function.emplace_back("other", other);

  std::vector<std::pair<std::string_view, Totals>> type_rows;
  for (std::size_t i = 0; i < kTaskTypeCount; ++i)
    type_rows.emplace_back(to_string(static_cast<TaskType>(i)), by_type[i]);

  fmt::memory_buffer out;
  auto line = [&](std::string_view name, std::string_view kind,
                  std::string_view help, auto value) {
    fmt::format_to(std::back_inserter(out),
                   "# HELP memscope_{0} {1}\n# TYPE memscope_{0} {2}\n"
                   "memscope_{0} {3}\n",
                   name, help, kind, value);
  };
  line("uptime_seconds", "gauge", "Seconds since the memscope runtime started.",
       static_cast<double>(s.uptime_ns()) / 1e9);
  line("live_bytes", "gauge",
       "Bytes live in the program (tasks and outside tasks).",
       s.live_memory_bytes());
  line("untasked_live_bytes", "gauge",
       "Bytes allocated outside any task and not yet freed.",
       s.no_task().live_bytes);
  line("untasked_allocated_bytes_total", "counter",
       "Bytes allocated outside any task.", s.no_task().allocated_bytes);
  line("peak_concurrent_tasks", "gauge", "Most tasks alive at once.",
       std::uint64_t{s.peak_concurrent_tasks()});
  line("metrics_function_label_limit", "gauge",
       "Root functions listed by name; later ones are counted as \"other\".",
       std::uint64_t{max_functions});
  emit(out, "type", "type", type_rows);
  emit(out, "function", "function", by_function);
  return fmt::to_string(out);
}

} // namespace memscope::detail
