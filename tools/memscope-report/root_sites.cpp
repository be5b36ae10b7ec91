#include "root_sites.hpp"
#include "aggregate.hpp"

#include <algorithm>
#include <unordered_map>

namespace memscope::report {

std::vector<RootSite> root_sites(const Report &r) {
  // Root function -> its tasks' type (the first seen; one root, one type).
  std::unordered_map<std::string, std::string> roots;
  for (const Task &t : r.tasks)
    roots.emplace(readable(t.name), t.type);
  for (const Folded &f : r.folded)
    roots.emplace(readable(f.name), f.type);

  std::vector<RootSite> out;
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
  std::stable_sort(out.begin(), out.end(),
                   [](const RootSite &a, const RootSite &b) {
                     return a.allocated > b.allocated;
                   });
  return out;
}

} // namespace memscope::report
