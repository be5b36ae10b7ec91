#include "progress.hpp"
#include "report_model.hpp"
#include "units.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace memscope::report {
namespace {
constexpr std::size_t kChunk = 1 << 20;
constexpr long long kShowAbove = 16ll << 20; // smaller files read instantly
} // namespace

std::string read_with_progress(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    throw ReportError(
        fmt::format("cannot open the file: {}", std::strerror(errno)));
  // fopen() opens a directory on Linux; reading it then fails oddly.
  if (struct stat st; ::fstat(::fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    throw ReportError("is a directory, not a report file");
  }
  long long size = -1;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    size = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
  }
  const bool show = size > kShowAbove && ::isatty(STDERR_FILENO);
  std::string text;
  if (size > 0)
    text.reserve(static_cast<std::size_t>(size));
  char buf[1 << 16];
  std::size_t since_update = 0;
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) {
    text.append(buf, n);
    since_update += n;
    if (show && since_update >= kChunk) {
      since_update = 0;
      fmt::print(stderr, "\rmemscope-report: reading {} of {} ({:3.0f}%)",
                 human_bytes(text.size()),
                 human_bytes(static_cast<std::uint64_t>(size)),
                 100.0 * static_cast<double>(text.size()) /
                     static_cast<double>(size));
    }
  }
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (show)
    fmt::print(stderr, "\rmemscope-report: read {}, parsing...{:20}\n",
               human_bytes(text.size()), "");
  if (failed)
    throw ReportError("cannot read the file");
  return text;
}

} // namespace memscope::report
