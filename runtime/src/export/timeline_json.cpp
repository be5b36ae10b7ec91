#include "export/timeline_json.hpp"

#include "support/clock.hpp"
#include "support/config.hpp"
#include "snapshot/sampler.hpp"

#include "memscope/task_type.hpp"

#include <memory>

namespace memscope::detail {

void write_timeline_field(JsonWriter &w, const TickConverter &clock) {
  auto samples = std::make_unique<Sample[]>(kSampleCapacity);
  const std::size_t n = copy_samples(samples.get(), kSampleCapacity);
  w.key("timeline");
  w.begin_object();
  w.field("period_ms", config().sample_ms);
  w.key("types");
  w.begin_array();
  for (std::size_t t = 0; t < kTaskTypeCount; ++t)
    w.string(to_string(static_cast<TaskType>(t)));
  w.end_array();
  w.key("samples");
  w.begin_array();
  for (std::size_t i = 0; i < n; ++i) {
    const Sample &s = samples[i];
    w.begin_object();
    w.field("t_ns", clock.timestamp_ns(s.ticks));
    w.field("active_tasks", s.active_tasks);
    w.field("no_task_live_bytes", s.no_task_live);
    w.key("live_bytes_by_type"); // in "types" order
    w.begin_array();
    for (std::uint64_t v : s.live_by_type)
      w.number(v);
    w.end_array();
    w.key("top_tasks"); // [[task id, live bytes], ...], largest first
    w.begin_array();
    for (std::size_t k = 0; k < kSampleTopTasks && s.top_id[k]; ++k) {
      w.begin_array();
      w.number(s.top_id[k]);
      w.number(s.top_live[k]);
      w.end_array();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

} // namespace memscope::detail
