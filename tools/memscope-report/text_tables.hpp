// Prints a report as aligned text tables.
#pragma once
#include "report_model.hpp"

#include <cstdio>
#include <string>

namespace memscope::report {

enum class SortKey { Peak, Live, Allocated, Retained, Allocations };

struct TableOptions {
  std::size_t top = 20;
  SortKey sort = SortKey::Peak;
};

bool parse_sort_key(const std::string &name, SortKey &out);
void print_text_report(std::FILE *out, const Report &report,
                       const TableOptions &options);

} // namespace memscope::report
