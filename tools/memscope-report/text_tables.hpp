// Prints a report as aligned text tables.
#pragma once
#include "aggregate.hpp"
#include "report_model.hpp"

#include <cstdio>
#include <string>

namespace memscope::report {

struct TableOptions {
  std::size_t top = 20;
  SortKey sort = SortKey::Peak;
};

void print_text_report(std::FILE *out, const Report &report,
                       const TableOptions &options);

} // namespace memscope::report
