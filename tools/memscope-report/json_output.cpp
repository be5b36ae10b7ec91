#include "json_output.hpp"

namespace memscope::report {

using nlohmann::json;

json task_json(const Task &t) {
  json j = {{"id", t.id},
            {"name", readable(t.name)},
            {"type", t.type},
            {"state", t.state},
            {"parent_id", t.parent_id},
            {"allocated_bytes", t.allocated_bytes},
            {"live_bytes", t.live_bytes},
            {"peak_live_bytes", t.peak_live_bytes},
            {"retained_bytes", t.retained_bytes},
            {"frame_bytes", t.frame_bytes},
            {"alloc_count", t.alloc_count},
            {"busy_ns", t.busy_ns},
            {"created_ns", t.created_ns},
            {"completed_ns", t.completed_ns},
            {"peak_live_at_ns", t.peak_live_at_ns == kNoTime
                                    ? json()
                                    : json(t.peak_live_at_ns)},
            {"spawn_site", where(t.spawn_site)}};
  if (!t.label.empty())
    j["label"] = t.label;
  json ops = json::object();
  for (const auto &[kind, n] : t.operations)
    ops[kind] = n;
  j["operations"] = std::move(ops);
  j["operations_text"] = operations_text(t);
  j["observed_type"] = t.observed_type.empty() ? json() : json(t.observed_type);
  j["type_contradicted"] = t.type_contradicted;
  j["observed"] = observed_text(t);
  return j;
}

json group_json(const Group &g) {
  return {{"key", g.key},
          {"tasks", g.tasks},
          {"completed", g.completed},
          {"allocated_bytes", g.allocated},
          {"live_bytes", g.live},
          {"max_peak_live_bytes", g.peak},
          {"retained_bytes", g.retained},
          {"frame_bytes", g.frames},
          {"alloc_count", g.allocs},
          {"busy_ns", g.busy_ns}};
}

json site_json(const SiteRow &s) {
  return {{"site", s.where()},
          {"file", s.file},
          {"line", s.line},
          {"function", s.function},
          {"allocated_bytes", s.allocated},
          {"live_bytes", s.live},
          {"alloc_count", s.allocs}};
}

json tables_json(const Report &r, SortKey sort, std::size_t top) {
  return tables_json(r, build_views(r, sort), sort, top);
}

json tables_json(const Report &r, const Views &v, SortKey sort,
                 std::size_t top) {
  const Summary &s = r.summary;
  json out;
  out["summary"] = {{"tasks", r.listed_tasks + s.folded_tasks},
                    {"listed_tasks", r.listed_tasks},
                    {"folded_tasks", s.folded_tasks},
                    {"active_tasks", s.active_tasks},
                    {"peak_concurrent_tasks", s.peak_concurrent_tasks},
                    {"allocated_bytes", s.total_allocated_bytes},
                    {"live_bytes", s.total_live_bytes},
                    {"allocations", s.total_allocations},
                    {"untasked_allocated_bytes", s.untasked_allocated_bytes},
                    {"untasked_live_bytes", s.untasked_live_bytes},
                    {"retained_bytes", v.retained_total},
                    {"retained_tasks", v.retained.size()},
                    {"sampled_peak_live_bytes", v.sampled_peak},
                    {"sampled_peak_t_ns", v.sampled_peak_ns}};
  // The process-wide peak as it happened (null: a report of an earlier
  // release, which has only the sampler's).
  const json none;
  out["summary"]["peak_live_bytes"] =
      s.has_peak_live ? json(s.peak_live_bytes) : none;
  out["summary"]["peak_live_at_ns"] =
      s.has_peak_live ? json(s.peak_live_at_ns) : none;
  out["summary"]["peak_live_bound_bytes"] =
      s.has_peak_live ? json(s.peak_live_bound_bytes) : none;
  out["sort"] = sort_key_name(sort);
  out["top"] = top;
  auto tasks = [&](const std::vector<const Task *> &list) {
    json a = json::array();
    for (std::size_t i = 0; i < list.size() && i < top; ++i)
      a.push_back(task_json(*list[i]));
    return a;
  };
  out["tasks"] = tasks(v.tasks);
  out["tasks_by_peak"] = tasks(v.by_peak);
  out["tasks_by_retained"] = tasks(v.by_retained);
  auto groups = [&](const std::vector<Group> &list) {
    json a = json::array();
    for (std::size_t i = 0; i < list.size() && i < top; ++i)
      a.push_back(group_json(list[i]));
    return a;
  };
  out["by_type"] = groups(v.by_type);
  out["by_function"] = groups(v.by_function);
  json sites = json::array();
  for (std::size_t i = 0; i < v.sites.size() && i < top; ++i)
    sites.push_back(site_json(v.sites[i]));
  out["sites"] = std::move(sites);
  auto held = [&](const SiteList &list) {
    json at = json::array();
    for (std::size_t i = 0; i < list.size() && i < top; ++i)
      at.push_back(site_json(*list[i]));
    return at;
  };
  json suspects = json::array();
  for (std::size_t i = 0; i < v.suspects.size() && i < top; ++i) {
    const Suspect &x = v.suspects[i];
    suspects.push_back({{"root", x.root},
                        {"type", x.type},
                        {"tasks", x.tasks},
                        {"live_bytes", x.live},
                        {"retained_bytes", x.retained},
                        {"running_tasks", x.running},
                        {"sites", held(*x.sites)}});
  }
  out["leak_suspects"] = std::move(suspects);
  // Per task root, its sites (exact per (root, site) when the report has
  // root_sites: "exact_roots").
  json roots = json::array();
  for (std::size_t i = 0; i < v.roots.size() && i < top; ++i) {
    const RootGroup &g = v.roots[i];
    json at = json::array();
    for (std::size_t k = 0; k < g.sites.size() && k < top; ++k)
      at.push_back(site_json(g.sites[k]));
    roots.push_back({{"root", g.root},
                     {"type", g.type},
                     {"no_task", g.no_task},
                     {"allocated_bytes", g.allocated},
                     {"live_bytes", g.live},
                     {"alloc_count", g.allocs},
                     {"free_count", g.frees},
                     {"sites", std::move(at)}});
  }
  out["roots"] = std::move(roots);
  out["exact_roots"] = v.exact_roots;
  json retained = json::array();
  for (std::size_t i = 0; i < v.retained.size() && i < top; ++i) {
    json entry = task_json(*v.retained[i].task);
    entry["sites"] = held(*v.retained[i].sites);
    retained.push_back(std::move(entry));
  }
  out["outlived"] = std::move(retained);
  json live = json::array();
  for (std::size_t i = 0; i < v.live_sites.size() && i < top; ++i)
    live.push_back(site_json(*v.live_sites[i]));
  out["live_sites"] = std::move(live);
  return out;
}

} // namespace memscope::report
