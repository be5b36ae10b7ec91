// --diff A.json B.json: what changed from run A to run B. Root functions and
// sites (file:line) are matched by name; growth is sorted by how much.
#pragma once
#include "report_model.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace memscope::report {

void print_diff(std::FILE *out, const Report &a, const Report &b,
                std::size_t top);
nlohmann::json diff_json(const Report &a, const Report &b, std::size_t top);

} // namespace memscope::report
