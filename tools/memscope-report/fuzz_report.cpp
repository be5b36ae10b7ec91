// libFuzzer target: any bytes given to the report reader either parse into
// a report whose tables, JSON, HTML and diff can be computed, or fail with a
// ReportError; never a crash, a hang or a sanitizer report.
#include "aggregate.hpp"
#include "diff.hpp"
#include "html_report.hpp"
#include "json_output.hpp"
#include "pprof.hpp"
#include "report_model.hpp"
#include "text_tables.hpp"

#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data,
                                      std::size_t size) {
  using namespace memscope::report;
  try {
    const Report r = parse_report(
        std::string_view(reinterpret_cast<const char *>(data), size));
    std::FILE *null = std::fopen("/dev/null", "w");
    print_text_report(null, r, TableOptions{});
    print_diff(null, r, r, 20);
    std::fclose(null);
    (void)tables_json(r, SortKey::Retained, 5).dump();
    (void)render_html(r, "fuzz.json");
    (void)pprof_profile(r);
  } catch (const ReportError &) {
  }
  return 0;
}
