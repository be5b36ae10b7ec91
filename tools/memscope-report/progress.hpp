// Reading a report file, with a progress line on stderr for large files when
// stderr is a terminal (a script piping stderr sees nothing extra).
#pragma once
#include <string>

namespace memscope::report {

// The whole file. Throws ReportError("cannot open the file: ...").
std::string read_with_progress(const std::string &path);

} // namespace memscope::report
