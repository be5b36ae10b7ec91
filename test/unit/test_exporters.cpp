// The exporters' runtime parts: the Prometheus text (values, escaping,
// bounded labels), the memory sampler (per-type live bytes, largest tasks,
// bounded series) and trace run-slice recording.
#include "fake_coro.hpp"

#include "export/metrics_text.hpp"
#include "snapshot/sampler.hpp"
#include "export/trace_events.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using mstest::FakeCoro;
using mstest::make_site;
using namespace memscope::detail;

namespace {

memscope_site g_sites[] = {
    make_site("metrics_a()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_STREAMING, 500),
    make_site("quote\"back\\slash\nnewline()", MEMSCOPE_SITE_COROUTINE,
              MEMSCOPE_FLAG_TASK_ROOT, MEMSCOPE_TYPE_STREAMING, 501),
    make_site("metrics_c()", MEMSCOPE_SITE_COROUTINE, MEMSCOPE_FLAG_TASK_ROOT,
              MEMSCOPE_TYPE_GPU_COMPUTE, 502),
};

class Exporters : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

// The value of one exposition line "name{labels} value", or -1.
double value_of(const std::string &text, const std::string &series) {
  const std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos)
    return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

} // namespace

TEST_F(Exporters, MetricsTextHasExactFiguresPerFunction) {
  FakeCoro a(&g_sites[0], 64,
             [] { ::operator delete(mstest::escape(::operator new(3000))); });
  char *kept = nullptr;
  a.resume([&] { kept = mstest::escape(new char[1000]); });
  const std::string text =
      render_metrics(memscope::get_memory_snapshot(), kDefaultMetricsFunctions);
  EXPECT_EQ(
      value_of(text, "memscope_function_live_bytes{function=\"metrics_a()\"}"),
      1000 + 64);
  EXPECT_EQ(
      value_of(
          text,
          "memscope_function_allocated_bytes_total{function=\"metrics_a()\"}"),
      4000 + 64);
  EXPECT_EQ(
      value_of(text,
               "memscope_function_tasks_active{function=\"metrics_a()\"}"),
      1);
  EXPECT_NE(text.find("# TYPE memscope_type_live_bytes gauge\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE memscope_type_tasks_created_total counter\n"),
            std::string::npos);
  // Every task type has its series, even with no task of that type.
  for (const char *type :
       {"CpuIntensive", "GpuCompute", "Unknown", "Streaming"})
    EXPECT_GE(value_of(text, std::string("memscope_type_live_bytes{type=\"") +
                                 type + "\"}"),
              0)
        << type;
  delete[] kept;
}

TEST_F(Exporters, MetricsLabelsAreEscapedAndBounded) {
  FakeCoro a(&g_sites[0]), b(&g_sites[1]), c(&g_sites[2]);
  const memscope::MemorySnapshot snap = memscope::get_memory_snapshot();
  const std::string all = render_metrics(snap, 50);
  EXPECT_NE(all.find("function=\"quote\\\"back\\\\slash\\nnewline()\""),
            std::string::npos);
  // With room for one function label, the rest are summed as "other".
  const std::string one = render_metrics(snap, 1);
  std::size_t labels = 0;
  for (std::size_t at = 0;
       (at = one.find("memscope_function_tasks_created_total{", at)) !=
       std::string::npos;
       ++at)
    ++labels;
  EXPECT_EQ(labels, 2u);
  EXPECT_NE(
      one.find("memscope_function_tasks_created_total{function=\"other\"}"),
      std::string::npos);
  EXPECT_EQ(value_of(one, "memscope_metrics_function_label_limit"), 1);
}

TEST_F(Exporters, SamplerSeesLiveBytesPerTypeAndLargestTasks) {
  FakeCoro gpu(&g_sites[2]);
  char *block = nullptr;
  gpu.resume([&] { block = mstest::escape(new char[1 << 20]); });
  sample_now();
  std::vector<Sample> samples(kSampleCapacity);
  const std::size_t n = copy_samples(samples.data(), samples.size());
  ASSERT_GT(n, 0u);
  const Sample &s = samples[n - 1];
  EXPECT_GE(s.live_by_type[static_cast<int>(memscope::TaskType::GpuCompute)],
            (1u << 20) + 96);
  EXPECT_EQ(s.top_id[0], gpu.task()); // the largest task now
  EXPECT_GE(s.top_live[0], 1u << 20);
  EXPECT_GE(s.active_tasks, 1u);
  delete[] block;
}

TEST_F(Exporters, SampleSeriesStaysBoundedAndOrdered) {
  for (std::size_t i = 0; i < 3 * kSampleCapacity; ++i)
    sample_now();
  std::vector<Sample> samples(kSampleCapacity + 1);
  const std::size_t n = copy_samples(samples.data(), samples.size());
  EXPECT_LE(n, kSampleCapacity);
  EXPECT_GE(n, kSampleCapacity / 2);
  for (std::size_t i = 1; i < n; ++i)
    ASSERT_LE(samples[i - 1].ticks, samples[i].ticks) << i;
}

TEST_F(Exporters, TraceRecordsTaskSwitchesOnThisThread) {
  ASSERT_TRUE(trace_events_enable());
  FakeCoro a(&g_sites[0]);
  a.resume();
  a.resume();
  TraceBuffer *mine = t_trace.buffer;
  ASSERT_NE(mine, nullptr);
  const std::uint64_t n = mine->written.load();
  ASSERT_GE(n, 6u);                    // ramp in/out, two resumes in/out
  ASSERT_LE(n, kTraceEventsPerThread); // not wrapped yet
  std::uint32_t into_a = 0;
  for (std::uint32_t i = 0; i < n; ++i)
    into_a += trace_word_id(mine->events[i].task) == a.task();
  EXPECT_GE(into_a, 3u);
  for (std::uint32_t i = 1; i < n; ++i)
    ASSERT_LE(mine->events[i - 1].ticks, mine->events[i].ticks);
}

// The ring keeps the newest events: after more switches than it holds, the
// oldest slot holds the event recorded kTraceEventsPerThread ago, and every
// slot stays in time order from there.
TEST_F(Exporters, TraceRingKeepsTheNewestEvents) {
  ASSERT_TRUE(trace_events_enable());
  FakeCoro a(&g_sites[0]);
  a.resume();
  TraceBuffer *mine = t_trace.buffer;
  ASSERT_NE(mine, nullptr);
  const std::uint64_t before = mine->written.load();
  while (mine->written.load() < before + kTraceEventsPerThread + 1000)
    a.resume();
  const std::uint64_t n = mine->written.load();
  const std::uint64_t mask = kTraceEventsPerThread - 1;
  const TraceEvent &newest = mine->events[(n - 1) & mask];
  for (std::uint64_t i = n - kTraceEventsPerThread + 1; i < n; ++i)
    ASSERT_LE(mine->events[(i - 1) & mask].ticks, mine->events[i & mask].ticks)
        << i;
  EXPECT_GE(newest.ticks, mine->events[(n - 2) & mask].ticks);
}
