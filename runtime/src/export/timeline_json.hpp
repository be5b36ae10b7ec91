// The sampler's series in the JSON report ("timeline", report.schema.json).
#ifndef MEMSCOPE_RT_TIMELINE_JSON_HPP
#define MEMSCOPE_RT_TIMELINE_JSON_HPP

#include "export/json_writer.hpp"

namespace memscope::detail {

// Writes "timeline": {...} as a field of the object being written.
void write_timeline_field(JsonWriter &w);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TIMELINE_JSON_HPP
