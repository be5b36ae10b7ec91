// get_memory_snapshot(): reads every task record and site counter with
// relaxed atomic loads. Nothing is locked, so the program's threads never
// wait for a snapshot; the snapshot's own memory is untracked.
#include "support/clock.hpp"
#include "lifecycle.hpp"
#include "accounting/allocator_mode.hpp"
#include "accounting/live_peak.hpp"
#include "accounting/no_task_shards.hpp"
#include "accounting/root_sites.hpp"
#include "accounting/site_shards.hpp"
#include "accounting/sites.hpp"
#include "tasks/operation_table.hpp"
#include "tasks/task_cold.hpp"
#include "tasks/task_fold.hpp"
#include "tasks/task_names.hpp"
#include "tasks/task_peak.hpp"
#include "tasks/task_reclaim.hpp"
#include "tasks/task_table.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/snapshot.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace memscope {
namespace {

using namespace detail;

constexpr double kMiB = 1024.0 * 1024.0;

std::uint64_t non_negative(std::int64_t v) noexcept {
  return v < 0 ? 0 : static_cast<std::uint64_t>(v);
}

MemoryFigures read_figures(const TaskRecord &r) noexcept {
  MemoryFigures f;
  // Freed first: a free that lands between the two loads then shows up as
  // less live memory, never as more allocated than was.
  // Both counter sets (task_table.hpp: the owner's and everyone else's).
  f.freed_bytes = r.freed_bytes.load(std::memory_order_relaxed) +
                  r.own_freed_bytes.load(std::memory_order_relaxed);
  f.free_count = r.free_count.load(std::memory_order_relaxed) +
                 r.own_free_count.load(std::memory_order_relaxed);
  const std::int64_t live = live_total(r);
  f.live_bytes = non_negative(live);
  f.allocated_bytes =
      non_negative(static_cast<std::int64_t>(f.freed_bytes) + live);
  f.peak_live_bytes =
      non_negative(r.peak_live_bytes.load(std::memory_order_relaxed));
  f.alloc_count = r.alloc_count.load(std::memory_order_relaxed) +
                  r.own_alloc_count.load(std::memory_order_relaxed);
  return f;
}

// The "no task" bucket: its shared record plus every thread's shard
// (no_task_shards.hpp).
MemoryFigures read_no_task() noexcept {
  const NoTaskTotals shards = no_task_shard_totals();
  const TaskRecord &r = task(0);
  MemoryFigures f;
  f.freed_bytes =
      r.freed_bytes.load(std::memory_order_relaxed) + shards.freed_bytes;
  const std::int64_t live =
      r.live_bytes.load(std::memory_order_relaxed) + shards.live_bytes;
  f.live_bytes = non_negative(live);
  f.allocated_bytes =
      non_negative(static_cast<std::int64_t>(f.freed_bytes) + live);
  f.peak_live_bytes =
      std::max(f.live_bytes,
               non_negative(r.peak_live_bytes.load(std::memory_order_relaxed) +
                            shards.peak_live_bytes));
  f.alloc_count =
      r.alloc_count.load(std::memory_order_relaxed) + shards.alloc_count;
  f.free_count =
      r.free_count.load(std::memory_order_relaxed) + shards.free_count;
  return f;
}

// Views into the static site tables (snapshot.hpp): no copy, no allocation.
SourceSite describe(std::uint32_t index) noexcept {
  SourceSite s;
  if (const memscope_site *site = site_at(index)) {
    if (site->file)
      s.file = site->file;
    if (site->function)
      s.function = site->function;
    s.line = site->line;
    s.column = site->column;
  }
  return s;
}

// Fills `p` in place (it is the snapshot's vector element): nothing here
// allocates, so 100,000 tasks cost a walk of the table and one vector.
void read_task(TaskProfile &p, std::uint32_t slot, const TaskRecord &r,
               std::uint32_t flags, const std::vector<std::uint32_t> &current,
               const TickConverter &clock) noexcept {
  static_cast<MemoryFigures &>(p) = read_figures(r);
  p.id = r.id.load(std::memory_order_relaxed);
  p.root_site = describe(r.root_site.load(std::memory_order_relaxed));
  p.name = p.root_site.function;
  p.spawn_site = describe(r.spawn_site);
  const std::uint32_t type = r.type.load(std::memory_order_relaxed);
  p.type =
      type < kTaskTypeCount ? static_cast<TaskType>(type) : TaskType::Unknown;
  const TaskCold *cold = task_cold(slot);
  p.parent_id = cold ? cold->parent_id : 0;
  p.frame_bytes = frame_bytes_total(r);
  p.frames = frames_total(r);
  p.live_frames = live_frames_total(r);
  p.created_ns = cold ? clock.timestamp_ns(cold->created_ticks) : 0;
  if (const std::uint64_t at = task_peak_ticks(r, slot))
    p.peak_live_at_ns = clock.timestamp_ns(at);
  p.resume_count = resume_total(r);
  p.busy_ns = clock.duration_ns(busy_ticks_total(r));
  p.threads = ThreadSet(r.threads.load(std::memory_order_relaxed));
  if (cold)
    for (std::size_t k = 0; k < kOperationKindCount; ++k)
      p.operations[k] = cold->started[k].load(std::memory_order_relaxed);
  if (flags & kCompleted) {
    p.state = TaskState::Completed;
    std::uint64_t done =
        cold ? cold->completed_ticks.load(std::memory_order_acquire) : 0;
    // Completing right now on another thread: retained_bytes still holds
    // the root frame's charge (task_table.hpp).
    p.retained_bytes =
        done == 0
            ? 0
            : non_negative(r.retained_bytes.load(std::memory_order_relaxed));
    if (done == 0)
      done = clock.now_ticks;
    p.completed_ns = clock.timestamp_ns(done);
  } else {
    p.state = is_current(current, slot) ||
                      r.running.load(std::memory_order_relaxed) > 0
                  ? TaskState::Running
                  : TaskState::Suspended;
  }
}

void add_totals(std::uint64_t &live, std::uint64_t &allocs,
                std::uint64_t &frees, std::uint64_t &allocated,
                std::uint64_t &freed, const MemoryFigures &f) noexcept {
  live += f.live_bytes;
  allocs += f.alloc_count;
  frees += f.free_count;
  allocated += f.allocated_bytes;
  freed += f.freed_bytes;
}

void compute_type_metrics(std::array<TaskTypeMetrics, kTaskTypeCount> &out,
                          const std::vector<TaskProfile> &tasks,
                          const std::vector<FoldedTasks> &folded,
                          std::uint64_t uptime_ns) {
  std::array<double, kTaskTypeCount> peak_sum{}, wait_sum{};
  std::array<std::uint64_t, kTaskTypeCount> peak_max{};
  for (std::size_t i = 0; i < kTaskTypeCount; ++i)
    out[i] = TaskTypeMetrics{static_cast<TaskType>(i)};
  for (const FoldedTasks &g : folded) { // all completed
    const auto i = static_cast<std::size_t>(g.type) % kTaskTypeCount;
    out[i].task_count += g.count;
    out[i].completed_count += g.count;
    peak_sum[i] += static_cast<double>(g.peak_live_bytes_sum);
    peak_max[i] = std::max(peak_max[i], g.peak_live_bytes);
    wait_sum[i] += static_cast<double>(g.wait_ns);
  }
  for (const TaskProfile &t : tasks) {
    const auto i = static_cast<std::size_t>(t.type);
    TaskTypeMetrics &m = out[i];
    ++m.task_count;
    if (t.state == TaskState::Completed)
      ++m.completed_count;
    else
      ++m.active_count;
    peak_sum[i] += static_cast<double>(t.peak_live_bytes);
    peak_max[i] = std::max(peak_max[i], t.peak_live_bytes);
    // Waiting = alive but not running on any thread.
    const std::uint64_t end = t.completed_ns.value_or(uptime_ns);
    const std::uint64_t life = end > t.created_ns ? end - t.created_ns : 0;
    wait_sum[i] += static_cast<double>(life > t.busy_ns ? life - t.busy_ns : 0);
  }
  const double uptime_s = static_cast<double>(uptime_ns) / 1e9;
  for (std::size_t i = 0; i < kTaskTypeCount; ++i) {
    TaskTypeMetrics &m = out[i];
    if (m.task_count == 0)
      continue;
    const double n = static_cast<double>(m.task_count);
    m.avg_memory_mb = peak_sum[i] / n / kMiB;
    m.peak_memory_mb = static_cast<double>(peak_max[i]) / kMiB;
    m.completion_rate_percent =
        100.0 * static_cast<double>(m.completed_count) / n;
    m.avg_wait_time_ms = wait_sum[i] / n / 1e6;
    m.throughput_per_sec =
        uptime_s > 0 ? static_cast<double>(m.completed_count) / uptime_s : 0;
  }
}

// Every (root, site) pair's counts (root_sites.hpp): every thread's site
// entries, the shared table, the pending lists and the sites' overflow
// counters. Called with the FoldLock held.
RuntimeStatus read_status() noexcept {
  RuntimeStatus st;
  // One past the highest slot: every record the table holds.
  st.task_records = std::uint64_t{detail::task_slot_end()} - 1;
  st.operations_lost = detail::operations_lost();
  st.busy_time_measured =
      detail::g_slice_timing.load(std::memory_order_relaxed);
  const detail::AllocatorMode mode = detail::allocator_mode();
  st.allocator_mode = detail::to_string(mode);
  st.operator_new_owner = detail::operator_new_owner();
  st.malloc_owner = detail::malloc_owner();
  st.frees_observed = mode != detail::AllocatorMode::kSafe;
  st.c_allocations_observed = mode == detail::AllocatorMode::kFull ||
                              mode == detail::AllocatorMode::kMalloc;
  st.startup_live_bytes = detail::startup_live_bytes();
  return st;
}

RootSiteTotals read_root_site_totals() {
  RootSiteTotals totals;
  add_site_shards(totals);
  add_shared_root_sites(totals);
  return totals;
}

// The pairs, by root then site, and the sites as their sums over roots.
void read_sites(const RootSiteTotals &totals,
                std::vector<RootSiteProfile> &pairs,
                std::vector<SiteProfile> &sites) {
  std::vector<std::pair<std::uint64_t, const RootSiteSum *>> order;
  order.reserve(totals.size());
  for (const auto &[key, sum] : totals)
    if (sum.alloc_count != 0 || sum.free_count != 0)
      order.emplace_back(key, &sum);
  std::sort(order.begin(), order.end());
  std::vector<RootSiteSum> by_site(site_index_end());
  pairs.reserve(order.size());
  for (const auto &[key, sum] : order) {
    const auto root = static_cast<std::uint32_t>(key >> 32);
    const auto site = static_cast<std::uint32_t>(key);
    if (site < by_site.size()) {
      RootSiteSum &s = by_site[site];
      s.live_bytes += sum->live_bytes;
      s.freed_bytes += sum->freed_bytes;
      s.alloc_count += sum->alloc_count;
      s.free_count += sum->free_count;
    }
    if (site != 0 && !site_at(site))
      continue;
    RootSiteProfile &p = pairs.emplace_back();
    if (root == kNoTaskRoot) {
      p.root_kind = RootKind::NoTask;
    } else if (root != 0 && site_at(root)) {
      p.root_kind = RootKind::Coroutine;
      p.root_index = root;
      p.root_site = describe(root);
    }
    p.site = site;
    p.live_bytes = non_negative(sum->live_bytes);
    p.freed_bytes = sum->freed_bytes;
    p.allocated_bytes = non_negative(
        static_cast<std::int64_t>(sum->freed_bytes) + sum->live_bytes);
    p.alloc_count = sum->alloc_count;
    p.free_count = sum->free_count;
  }
  for (std::uint32_t i = 0; i < by_site.size(); ++i) {
    const memscope_site *site = site_at(i);
    if (i != 0 && !site)
      continue;
    const RootSiteSum &sum = by_site[i];
    if (i != 0 && sum.alloc_count == 0)
      continue; // only sites that allocated
    SiteProfile s;
    s.index = i;
    s.free_count = sum.free_count;
    s.freed_bytes = sum.freed_bytes;
    s.alloc_count = sum.alloc_count;
    s.live_bytes = non_negative(sum.live_bytes);
    s.allocated_bytes = non_negative(
        static_cast<std::int64_t>(sum.freed_bytes) + sum.live_bytes);
    s.where = describe(i);
    s.kind = site && site->kind >= 1 && site->kind <= 3
                 ? static_cast<SiteKind>(site->kind)
                 : SiteKind::Unknown;
    sites.push_back(std::move(s));
  }
}

} // namespace

std::string_view to_string(TaskState state) noexcept {
  switch (state) {
  case TaskState::Running:
    return "running";
  case TaskState::Suspended:
    return "suspended";
  case TaskState::Completed:
    return "completed";
  }
  return "suspended";
}

double MemorySnapshot::memory_efficiency_percent() const noexcept {
  return total_allocated_ == 0 ? 100.0
                               : 100.0 * static_cast<double>(total_freed_) /
                                     static_cast<double>(total_allocated_);
}

const TaskProfile *MemorySnapshot::find_task(std::uint64_t id) const noexcept {
  auto it = std::lower_bound(
      tasks_.begin(), tasks_.end(), id,
      [](const TaskProfile &t, std::uint64_t v) { return t.id < v; });
  return it != tasks_.end() && it->id == id ? &*it : nullptr;
}

const SiteProfile *
MemorySnapshot::find_site(std::uint32_t index) const noexcept {
  auto it = std::lower_bound(
      sites_.begin(), sites_.end(), index,
      [](const SiteProfile &s, std::uint32_t v) { return s.index < v; });
  return it != sites_.end() && it->index == index ? &*it : nullptr;
}

MemorySnapshot get_memory_snapshot() {
  return detail::snapshot_with_clock(make_tick_converter());
}

MemorySnapshot detail::snapshot_with_clock(const TickConverter &clock) {
  InternalScope untracked;
  MemorySnapshot s;
  s.uptime_ns_ = clock.uptime_ns();
  s.no_task_ = read_no_task();
  add_totals(s.total_live_, s.total_allocs_, s.total_frees_, s.total_allocated_,
             s.total_freed_, s.no_task_);

  {
    // No task moves from its slot into an aggregate while we read both.
    FoldLock lock;
    copy_folded(s.folded_);
    for (const FoldedTasks &g : s.folded_)
      s.folded_count_ += g.count;
    const std::vector<std::uint32_t> current = current_slots();
    const std::uint32_t end = task_slot_end();
    s.tasks_.reserve(end);
    for (std::uint32_t slot = 1; slot < end; ++slot) {
      const TaskRecord *r = task_if_mapped(slot);
      if (!r)
        continue;
      const std::uint32_t flags = r->flags.load(std::memory_order_acquire);
      if (!(flags & kPublished))
        continue; // being created right now, or a free slot
      TaskProfile &t = s.tasks_.emplace_back();
      read_task(t, slot, *r, flags, current, clock);
    }
    // Under the lock too: a reclaim moves a task's pending counts.
    read_sites(read_root_site_totals(), s.root_sites_, s.sites_);
  }
  // Slots are reused, so slot order is not id order once tasks have been
  // folded: sort by id (oldest first) only then, through an index of
  // (id, position) pairs (moving 256-byte profiles around in a sort cost
  // ten times more).
  auto by_id = [](const TaskProfile &a, const TaskProfile &b) {
    return a.id < b.id;
  };
  if (!std::is_sorted(s.tasks_.begin(), s.tasks_.end(), by_id)) {
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    order.reserve(s.tasks_.size());
    for (std::size_t i = 0; i < s.tasks_.size(); ++i)
      order.emplace_back(s.tasks_[i].id, i);
    std::sort(order.begin(), order.end());
    std::vector<TaskProfile> sorted;
    sorted.reserve(s.tasks_.size());
    for (const auto &[id, at] : order)
      sorted.push_back(s.tasks_[at]);
    s.tasks_.swap(sorted);
  }
  detail::fill_task_names(s.tasks_);
  for (const TaskProfile &t : s.tasks_) {
    add_totals(s.total_live_, s.total_allocs_, s.total_frees_,
               s.total_allocated_, s.total_freed_, t);
    if (t.state == TaskState::Completed)
      ++s.completed_;
    else
      ++s.active_;
  }
  for (const FoldedTasks &g : s.folded_)
    add_totals(s.total_live_, s.total_allocs_, s.total_frees_,
               s.total_allocated_, s.total_freed_, g);
  // The table's own peak, and never less than what this snapshot sees.
  s.peak_concurrent_ = std::max<std::size_t>(
      static_cast<std::size_t>(peak_concurrent_tasks()), s.active_);
  s.threads_ = threads_seen();
  {
    // The process-wide peak (live_peak.hpp), never below what this
    // snapshot sees live now.
    const LivePeak peak = read_live_peak();
    const std::uint64_t flows = non_negative(peak.peak);
    s.peak_live_ = std::max(flows, s.total_live_);
    s.peak_live_at_ns_ = peak.peak_ticks != 0 && flows >= s.total_live_
                             ? clock.timestamp_ns(peak.peak_ticks)
                             : s.uptime_ns_;
    s.peak_live_bound_ = peak.bound;
  }
  compute_type_metrics(s.by_type_, s.tasks_, s.folded_, s.uptime_ns_);
  s.status_ = read_status();
  return s;
}

void MemorySnapshot::fold_completed(std::size_t keep) {
  if (completed_ <= keep)
    return;
  std::size_t to_fold = completed_ - keep;
  // The runtime's groups are one per (root coroutine, type); a root is
  // known here by its site, which names the same table entry.
  using Key = std::tuple<std::string_view, std::string_view, std::uint32_t,
                         std::uint32_t, TaskType>;
  auto key_of = [](const SourceSite &root, TaskType type) {
    return Key{root.function, root.file, root.line, root.column, type};
  };
  std::map<Key, std::size_t> group_of;
  for (std::size_t i = 0; i < folded_.size(); ++i)
    group_of.emplace(key_of(folded_[i].root_site, folded_[i].type), i);
  std::vector<TaskProfile> listed;
  listed.reserve(tasks_.size() - to_fold);
  for (TaskProfile &t : tasks_) { // by id: oldest first
    if (to_fold == 0 || t.state != TaskState::Completed) {
      listed.push_back(std::move(t));
      continue;
    }
    --to_fold;
    auto [it, fresh] =
        group_of.try_emplace(key_of(t.root_site, t.type), folded_.size());
    if (fresh) {
      FoldedTasks &g = folded_.emplace_back();
      g.name = t.name;
      g.root_site = t.root_site;
      g.type = t.type;
    }
    detail::FoldInput in;
    in.figures = t;
    in.frame_bytes = t.frame_bytes;
    in.retained_bytes = t.retained_bytes;
    in.resume_count = t.resume_count;
    in.busy_ns = t.busy_ns;
    in.peak_live_at_ns = t.peak_live_at_ns;
    const std::uint64_t life =
        t.completed_ns && *t.completed_ns > t.created_ns
            ? *t.completed_ns - t.created_ns
            : 0;
    in.wait_ns = life > t.busy_ns ? life - t.busy_ns : 0;
    for (const std::uint32_t n : t.operations)
      in.operations += n;
    detail::add_to_group(folded_[it->second], in);
    --completed_;
    ++folded_count_;
  }
  tasks_.swap(listed);
}

namespace detail {
namespace {
std::atomic<std::uint64_t> g_startup_live_bytes{0};
} // namespace

void record_startup_live_bytes() noexcept {
  const TaskRecord &r = task(kUntrackedSlot);
  g_startup_live_bytes.store(
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, live_total(r))),
      std::memory_order_relaxed);
}
std::uint64_t startup_live_bytes() noexcept {
  return g_startup_live_bytes.load(std::memory_order_relaxed);
}
} // namespace detail

} // namespace memscope
