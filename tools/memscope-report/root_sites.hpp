// Memory per (task root, site): what the pprof profile's samples and the
// flame graph's leaves show.
//
// The report lists figures per site and per task, not yet per (root
// function, site) pair. Until it does (issue 11), a site is attributed to
// the root function it is written in, which is where a task root's own
// allocations are; a site in any other function (a helper, an awaited
// child coroutine, code outside tasks) has no known root and is listed
// under kNoRoot with its own function.
#pragma once
#include "report_model.hpp"

#include <string>
#include <vector>

namespace memscope::report {

inline constexpr const char *kNoRoot = "[root not known]";

struct RootSite {
  std::string root; // readable root function name, or kNoRoot
  std::string type; // task type of that root's tasks ("" with kNoRoot)
  const Site *site = nullptr;
  std::uint64_t allocated = 0, live = 0, allocs = 0, frees = 0;
};

// One entry per report site that allocated something, largest allocated
// first. Points into `r`.
std::vector<RootSite> root_sites(const Report &r);

} // namespace memscope::report
