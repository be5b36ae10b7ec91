// The HTML report's assets, embedded at build time (web/embed_assets.py):
// the page template and the pinned chart library (web/package-lock.json).
#pragma once
#include <string_view>

namespace memscope::report::assets {
extern const std::string_view kTemplate; // web/report_template.html
extern const std::string_view kChartJs;  // chart.js/dist/chart.umd.min.js
// d3-flame-graph's UMD build after the d3 modules it takes from `d3`.
extern const std::string_view kFlameGraphJs;
} // namespace memscope::report::assets
