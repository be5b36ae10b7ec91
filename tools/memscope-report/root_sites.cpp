#include "root_sites.hpp"
#include "aggregate.hpp"

#include <algorithm>
#include <unordered_map>

namespace memscope::report {
namespace {

// The runtime's pairs, each pointing at its site.
void exact_pairs(const Report &r,
                 const std::unordered_map<std::string, std::string> &roots,
                 std::vector<RootSite> &out) {
  std::unordered_map<std::uint32_t, const Site *> sites;
  for (const Site &s : r.sites)
    sites.emplace(s.index, &s);
  for (const RootSiteFigures &p : r.root_sites) {
    auto site = sites.find(p.site);
    if (site == sites.end() || (p.allocated_bytes == 0 && p.live_bytes == 0))
      continue; // checked while reading; nothing to show
    RootSite rs;
    rs.site = site->second;
    rs.allocated = p.allocated_bytes;
    rs.live = p.live_bytes;
    rs.allocs = p.alloc_count;
    rs.frees = std::min(p.free_count, p.alloc_count);
    if (p.kind == "no_task") {
      rs.root = kNoTask;
      rs.no_task = true;
    } else if (p.kind == "coroutine") {
      rs.root = readable(p.root);
      rs.root_loc = p.root_loc;
      if (auto it = roots.find(rs.root); it != roots.end())
        rs.type = it->second;
    } else {
      rs.root = kNoRoot;
    }
    out.push_back(std::move(rs));
  }
}

// Older reports: a site belongs to the root function it is written in.
void by_function(const Report &r,
                 const std::unordered_map<std::string, std::string> &roots,
                 std::vector<RootSite> &out) {
  for (const Site &s : r.sites) {
    if (s.allocated_bytes == 0 && s.live_bytes == 0)
      continue;
    RootSite rs;
    rs.site = &s;
    rs.allocated = s.allocated_bytes;
    rs.live = s.live_bytes;
    rs.allocs = s.alloc_count;
    rs.frees = std::min(s.free_count, s.alloc_count);
    if (auto it = roots.find(readable(s.function)); it != roots.end()) {
      rs.root = it->first;
      rs.type = it->second;
    } else {
      rs.root = kNoRoot;
    }
    out.push_back(std::move(rs));
  }
}

} // namespace

std::vector<RootSite> root_sites(const Report &r) {
  // Root function -> its tasks' type (the first seen; one root, one type).
  std::unordered_map<std::string, std::string> roots;
  for (const Task &t : r.tasks)
    roots.emplace(readable(t.name), t.type);
  for (const Folded &f : r.folded)
    roots.emplace(readable(f.name), f.type);

  std::vector<RootSite> out;
  if (exact_root_sites(r))
    exact_pairs(r, roots, out);
  else
    by_function(r, roots, out);
  std::stable_sort(out.begin(), out.end(),
                   [](const RootSite &a, const RootSite &b) {
                     return a.allocated > b.allocated;
                   });
  return out;
}

} // namespace memscope::report
