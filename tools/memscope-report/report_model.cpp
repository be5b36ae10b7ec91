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

namespace memscope::report {

// Names and paths come from the program (task names, file names): control
// bytes are shown as \xNN, so that no table line carries an escape sequence
// to the terminal.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

} // namespace memscope::report
