// Pieces of the JSON report (report_json.cpp) that other documents share:
// the live view at GET /tasks lists the report's own task objects.
#ifndef MEMSCOPE_RT_REPORT_JSON_HPP
#define MEMSCOPE_RT_REPORT_JSON_HPP

#include "export/json_writer.hpp"

#include "memscope/snapshot.hpp"

namespace memscope::detail {

// One task as the report's "tasks" array has it (docs/design.md §6).
void write_task_json(JsonWriter &w, const TaskProfile &t);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_REPORT_JSON_HPP
