#include "report_model.hpp"
#include "progress.hpp"
#include "report_sax.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <istream>

namespace memscope::report {

Report load_report(const std::string &path, ReadMode mode) {
  ProgressFile file(path);
  std::istream in(&file);
  ReportSax sax(mode);
  nlohmann::json::sax_parse(in, &sax);
  file.done();
  if (file.failed())
    throw ReportError("cannot read the file");
  return sax.finish();
}

Report parse_report(std::string_view text) {
  ReportSax sax;
  nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
  return sax.finish();
}

} // namespace memscope::report
