// Memory per (task root, site): what the pprof profile's samples, the flame
// graph's leaves, the per-root site tables and the leak suspects show.
//
// Reports of this release carry the runtime's exact figures per pair
// ("root_sites": a block counts for the root of the task that allocated
// it, whichever task freed it). For reports of earlier releases, which list
// figures per site only, a site is attributed to the root function it is
// written in, which is where a task root's own allocations are; a site in
// any other function has no known root there and is listed under kNoRoot.
#pragma once
#include "report_model.hpp"

#include <string>
#include <vector>

namespace memscope::report {

inline constexpr const char *kNoRoot = "[root not known]";
inline constexpr const char *kNoTask = "[no task]"; // outside any task

struct RootSite {
  std::string root; // readable root function name, kNoTask or kNoRoot
  std::string type; // task type of that root's tasks ("" without tasks)
  const Site *site = nullptr;
  SourceLoc root_loc; // the root coroutine's definition, when known
  std::uint64_t allocated = 0, live = 0, allocs = 0, frees = 0;
  bool no_task = false; // allocations made while no task was current
};

// One entry per (root, site) that allocated something, largest allocated
// first. Points into `r`.
std::vector<RootSite> root_sites(const Report &r);

// Whether the figures are the runtime's exact pairs (false: the
// by-function attribution of older reports).
inline bool exact_root_sites(const Report &r) { return r.has_root_sites; }

} // namespace memscope::report
