// The flame graph's data: memory by task type -> task root -> site, with
// allocated and still-live bytes on every node, as the HTML page's script
// reads it ({"n": name, "a": allocated, "l": live, "c": [children]}).
#pragma once
#include "aggregate.hpp"
#include "report_model.hpp"

#include <nlohmann/json.hpp>

namespace memscope::report {

// At most this many site leaves under one root (the largest by allocated
// bytes); what the rest allocated stays in the root's width.
inline constexpr std::size_t kFlameSitesPerRoot = 50;

nlohmann::json flame_tree(const Report &r, const Views &v);

} // namespace memscope::report
