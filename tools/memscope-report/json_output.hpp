// --json: the tables as one JSON document on stdout, for scripts. Byte
// counts stay exact integers; names are readable (as in the tables).
#pragma once
#include "aggregate.hpp"
#include "report_model.hpp"

#include <nlohmann/json.hpp>

namespace memscope::report {

nlohmann::json tables_json(const Report &report, SortKey sort, std::size_t top);
// The same from views already built (`views` made with `sort`).
nlohmann::json tables_json(const Report &report, const Views &views,
                           SortKey sort, std::size_t top);
nlohmann::json task_json(const Task &t);
nlohmann::json group_json(const Group &g);
nlohmann::json site_json(const SiteRow &s);

} // namespace memscope::report
