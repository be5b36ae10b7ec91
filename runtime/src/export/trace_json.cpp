#include "export/trace_json.hpp"

#include "support/clock.hpp"
#include "export/file_output.hpp"
#include "export/json_writer.hpp"
#include "snapshot/sampler.hpp"
#include "accounting/sites.hpp"
#include "tasks/thread_state.hpp"
#include "export/trace_events.hpp"

#include "memscope/snapshot.hpp"

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <type_traits>
#include <vector>

namespace memscope::detail {
namespace {

constexpr std::uint64_t kPid = 1;

// Trace timestamps are microseconds (fractions allowed).
double us(const TickConverter &clock, std::uint64_t at) {
  return static_cast<double>(clock.timestamp_ns(at)) / 1000.0;
}

// A metadata event: one argument, a name or a sort index.
template <typename Value>
void metadata(JsonWriter &w, std::string_view name, std::uint64_t tid,
              std::string_view key, Value value) {
  w.begin_object();
  w.field("ph", "M");
  w.field("name", name);
  w.field("pid", kPid);
  w.field("tid", tid);
  w.key("args");
  w.begin_object();
  if constexpr (std::is_convertible_v<const Value &, std::string_view>)
    w.field(key, std::string_view(value));
  else
    w.field(key, value);
  w.end_object();
  w.end_object();
}

void sort_index(JsonWriter &w, std::uint64_t tid) {
  metadata(w, "thread_sort_index", tid, "sort_index", tid);
}

void counter(JsonWriter &w, std::string_view name, double ts,
             std::string_view key, std::uint64_t value) {
  w.begin_object();
  w.field("ph", "C");
  w.field("name", name);
  w.field("pid", kPid);
  w.field("tid", std::uint64_t{0});
  w.field("ts", ts);
  w.key("args");
  w.begin_object();
  w.field(key, value);
  w.end_object();
  w.end_object();
}

// The events a thread's ring still holds, oldest first, copied out so that
// a thread still running (at exit, other threads may) cannot overwrite them
// while they are read: events overwritten during the copy are left out.
struct KeptEvents {
  std::vector<TraceEvent> events;
  std::uint64_t dropped = 0; // older events the ring no longer has
};

KeptEvents kept_events(const TraceBuffer &b) {
  constexpr std::uint64_t cap = kTraceEventsPerThread;
  KeptEvents k;
  const std::uint64_t written = b.written.load(std::memory_order_acquire);
  const std::uint64_t first = written > cap ? written - cap : 0;
  k.events.reserve(written - first);
  for (std::uint64_t i = first; i < written; ++i)
    k.events.push_back(b.events[i & (cap - 1)]);
  const std::uint64_t after = b.written.load(std::memory_order_acquire);
  if (after > cap && after - cap > first) {
    const std::uint64_t lost = std::min(after - cap - first, written - first);
    k.events.erase(k.events.begin(),
                   k.events.begin() + static_cast<std::ptrdiff_t>(lost));
  }
  k.dropped = written - k.events.size();
  return k;
}

// Said once per process: a trace that starts late is not a bug.
void say_dropped(std::uint64_t dropped, double first_kept_s) {
  static std::atomic<bool> said{false};
  if (dropped == 0 || said.exchange(true))
    return;
  std::fprintf(stderr,
               "memscope: the trace kept the newest %u events of each thread "
               "and dropped %llu older ones; its run slices start at %.3f s\n",
               kTraceEventsPerThread, static_cast<unsigned long long>(dropped),
               first_kept_s);
}

std::string_view display_name(const TaskProfile &t) {
  if (!t.label.empty())
    return t.label;
  return t.name.empty() ? std::string_view("<unknown>") : t.name;
}

// The root coroutine's name from the static site table ("" if unknown).
std::string_view site_function(std::uint32_t site) {
  const memscope_site *s = site_at(site);
  return s && s->function ? std::string_view(s->function) : std::string_view();
}

} // namespace

bool write_trace(const std::string &path) {
  InternalScope untracked;
  // One converter for the snapshot's times (task lifetimes) and the trace's
  // own (run slices): two calibrations differ by nanoseconds, enough to put
  // a task's first slice before its creation.
  const TickConverter clock = make_tick_converter();
  const MemorySnapshot snap = snapshot_with_clock(clock);
  fmt::memory_buffer out;
  JsonWriter w(out);
  w.begin_object();
  w.field("displayTimeUnit", "ms");
  w.key("traceEvents");
  w.begin_array();
  metadata(w, "process_name", 0, "name", "memscope tasks");

  // Run slices: on each thread, task N runs from the event that made it
  // current to the thread's next event (or the end of the run). Tasks no
  // longer in the snapshot (folded, their records recycled) are named from
  // the root site the events carry.
  std::vector<bool> ran(snap.tasks().empty() ? 1 : snap.tasks().back().id + 1);
  std::vector<double> last_end_us(ran.size());
  std::vector<KeptEvents> kept;
  std::uint64_t dropped = 0;
  std::uint64_t window_start = clock.now_ticks; // the oldest event kept
  for (std::uint32_t b = 0; b < trace_buffer_count(); ++b) {
    const TraceBuffer *buf = trace_buffer(b);
    kept.push_back(buf ? kept_events(*buf) : KeptEvents{});
    dropped += kept.back().dropped;
    if (!kept.back().events.empty())
      window_start = std::min(window_start, kept.back().events[0].ticks);
  }
  // First pass: the root site of each task that is no longer listed (an
  // event from before its root coroutine started carries site 0).
  std::map<std::uint64_t, std::uint32_t> folded_ran; // id -> root site
  for (const KeptEvents &k : kept) {
    for (const TraceEvent &e : k.events) {
      const std::uint64_t id = trace_word_id(e.task);
      if (id == 0 || snap.find_task(id))
        continue;
      std::uint32_t &site = folded_ran[id];
      if (const std::uint32_t s = trace_word_site(e.task))
        site = s;
    }
  }
  for (std::uint32_t b = 0; b < kept.size(); ++b) {
    const std::vector<TraceEvent> &events = kept[b].events;
    const std::size_t n = events.size();
    for (std::size_t i = 0; i < n; ++i) {
      const TraceEvent &e = events[i];
      const std::uint64_t id = trace_word_id(e.task);
      if (id == 0)
        continue;
      const std::uint64_t end =
          i + 1 < n ? events[i + 1].ticks : clock.now_ticks;
      const TaskProfile *t = snap.find_task(id);
      const std::string_view name = t ? t->name : site_function(folded_ran[id]);
      w.begin_object();
      w.field("ph", "X");
      w.field("cat", "task");
      w.field("name", name.empty() ? std::string_view("<unknown>") : name);
      w.field("pid", kPid);
      w.field("tid", id);
      const double from = us(clock, e.ticks);
      const double to = end > e.ticks ? us(clock, end) : from;
      w.field("ts", from);
      w.field("dur", to - from);
      w.key("args");
      w.begin_object();
      w.field("thread", b);
      w.end_object();
      w.end_object();
      if (t && id < ran.size()) {
        ran[id] = true;
        last_end_us[id] = std::max(last_end_us[id], to);
      }
    }
  }

  // Task lifetimes, from creation to completion (or the end of the run), as
  // spans around the run slices of the same track: for every listed task
  // that ran or lived in the part of the run the trace covers.
  const std::uint64_t window_ns = clock.timestamp_ns(window_start);
  const std::uint64_t end_ns = clock.uptime_ns();
  std::vector<bool> lived(ran.size());
  for (const TaskProfile &t : snap.tasks()) {
    const std::uint64_t done = t.completed_ns.value_or(end_ns);
    const bool in_window = done >= window_ns;
    if (t.id >= ran.size() || !(ran[t.id] || in_window))
      continue;
    lived[t.id] = true;
    w.begin_object();
    w.field("ph", "X");
    w.field("cat", "lifetime");
    w.field("name", std::string_view(fmt::format("task {}", display_name(t))));
    w.field("pid", kPid);
    w.field("tid", t.id);
    // A handler of the task's last operation may still run a moment after
    // its root frame ended (Asio tears the operation down in that task, and
    // busy_ns counts it): the span reaches the end of the last slice, so the
    // slices stay exact and inside it.
    const double from = static_cast<double>(t.created_ns) / 1000.0;
    const double to = std::max(static_cast<double>(done) / 1000.0,
                               last_end_us[t.id]);
    w.field("ts", from);
    w.field("dur", to > from ? to - from : 0.0);
    w.key("args");
    w.begin_object();
    w.field("state", t.completed_ns ? "completed" : "alive");
    w.field("peak_live_bytes", t.peak_live_bytes);
    w.end_object();
    w.end_object();
    // Its peak, as recorded (not sampled): an instant on its track.
    if (t.peak_live_bytes != 0) {
      w.begin_object();
      w.field("ph", "i");
      w.field("s", "t");
      w.field("cat", "peak");
      w.field("name", "peak live");
      w.field("pid", kPid);
      w.field("tid", t.id);
      w.field("ts", static_cast<double>(t.peak_live_at_ns) / 1000.0);
      w.key("args");
      w.begin_object();
      w.field("bytes", t.peak_live_bytes);
      w.end_object();
      w.end_object();
    }
  }
  // The process-wide peak (live_peak.hpp), over the whole trace.
  w.begin_object();
  w.field("ph", "i");
  w.field("s", "g");
  w.field("cat", "peak");
  w.field("name", "process peak live");
  w.field("pid", kPid);
  w.field("tid", std::uint64_t{0});
  w.field("ts", static_cast<double>(snap.peak_live_at_ns()) / 1000.0);
  w.key("args");
  w.begin_object();
  w.field("bytes", snap.peak_live_bytes());
  w.field("bound_bytes", snap.peak_live_bound_bytes());
  w.end_object();
  w.end_object();

  // One named track per task shown, in task-id order.
  for (const TaskProfile &t : snap.tasks()) {
    if (t.id >= lived.size() || !lived[t.id])
      continue;
    // "#12 session(int) "session 9" [NetworkIntensive]"
    metadata(w, "thread_name", t.id, "name",
             fmt::format("#{} {}{}{}{} [{}]", t.id,
                         t.name.empty() ? "<unknown>" : t.name,
                         t.label.empty() ? "" : " \"", t.label,
                         t.label.empty() ? "" : "\"", to_string(t.type)));
    sort_index(w, t.id);
  }
  for (const auto &[id, site] : folded_ran) {
    const std::string_view name = site_function(site);
    metadata(
        w, "thread_name", id, "name",
        fmt::format("#{} {} [folded]", id, name.empty() ? "<unknown>" : name));
    sort_index(w, id);
  }

  // Counters from the sampler's series.
  auto samples = std::make_unique<Sample[]>(kSampleCapacity);
  const std::size_t n = copy_samples(samples.get(), kSampleCapacity);
  for (std::size_t i = 0; i < n; ++i) {
    const Sample &s = samples[i];
    const double ts = us(clock, s.ticks);
    w.begin_object();
    w.field("ph", "C");
    w.field("name", "live bytes by task type");
    w.field("pid", kPid);
    w.field("tid", std::uint64_t{0});
    w.field("ts", ts);
    w.key("args");
    w.begin_object();
    for (std::size_t k = 0; k < kTaskTypeCount; ++k)
      w.field(to_string(static_cast<TaskType>(k)), s.live_by_type[k]);
    w.end_object();
    w.end_object();
    counter(w, "live bytes outside tasks", ts, "bytes", s.no_task_live);
    counter(w, "active tasks", ts, "tasks", s.active_tasks);
  }
  w.end_array();
  w.key("otherData");
  w.begin_object();
  w.field("format", "memscope-trace");
  w.field("version", 1);
  w.field("dropped_events", dropped);
  w.field("kept", "newest");
  w.end_object();
  w.end_object();
  out.push_back('\n');
  say_dropped(dropped, static_cast<double>(window_ns) / 1e9);
  return write_file_atomically(path, std::string_view(out.data(), out.size()),
                               "trace", "MEMSCOPE_TRACE");
}

} // namespace memscope::detail
