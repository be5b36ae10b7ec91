// The sampler's series in the JSON report ("timeline", report.schema.json).
#ifndef MEMSCOPE_RT_TIMELINE_JSON_HPP
#define MEMSCOPE_RT_TIMELINE_JSON_HPP

#include "export/json_writer.hpp"
#include "support/clock.hpp"

namespace memscope::detail {

// Writes "timeline": {...} as a field of the object being written, its
// times converted with `clock`: the report's snapshot's, so that a sample
// and a task's times in one report agree to the nanosecond.
void write_timeline_field(JsonWriter &w, const TickConverter &clock);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_TIMELINE_JSON_HPP
