// The Prometheus text exposition (format 0.0.4) of a snapshot. Label sets
// are bounded: `type` has the nine task types; `function` has at most
// `max_functions` root functions (the first ones seen, by task id, so a
// series never changes meaning between scrapes), the rest are "other".
#ifndef MEMSCOPE_RT_METRICS_TEXT_HPP
#define MEMSCOPE_RT_METRICS_TEXT_HPP

#include "memscope/snapshot.hpp"

#include <string>

namespace memscope::detail {

inline constexpr std::size_t kDefaultMetricsFunctions = 50;

std::string render_metrics(const MemorySnapshot &snapshot,
                           std::size_t max_functions);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_METRICS_TEXT_HPP
