#include "progress.hpp"
#include "report_model.hpp"
#include "units.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace memscope::report {
namespace {
constexpr std::size_t kChunk = 1 << 20;
constexpr long long kShowAbove = 16ll << 20; // smaller files read instantly
} // namespace

ProgressFile::ProgressFile(const std::string &path)
    : file_(std::fopen(path.c_str(), "rb")),
      buffer_(std::make_unique<char[]>(kChunk)) {
  if (!file_)
    throw ReportError(
        fmt::format("cannot open the file: {}", std::strerror(errno)));
  // fopen() opens a directory on Linux; reading it then fails oddly.
  if (struct stat st;
      ::fstat(::fileno(file_), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(file_);
    file_ = nullptr;
    throw ReportError("is a directory, not a report file");
  }
  if (std::fseek(file_, 0, SEEK_END) == 0) {
    size_ = std::ftell(file_);
    std::fseek(file_, 0, SEEK_SET);
  }
  show_ = size_ > kShowAbove && ::isatty(STDERR_FILENO);
}

ProgressFile::~ProgressFile() {
  if (file_)
    std::fclose(file_);
}

ProgressFile::int_type ProgressFile::underflow() {
  const std::size_t n = std::fread(buffer_.get(), 1, kChunk, file_);
  if (n == 0) {
    failed_ = std::ferror(file_) != 0;
    return traits_type::eof();
  }
  read_ += static_cast<long long>(n);
  if (show_ && read_ - shown_at_ >= static_cast<long long>(kChunk)) {
    shown_at_ = read_;
    fmt::print(stderr, "\rmemscope-report: reading {} of {} ({:3.0f}%)",
               human_bytes(static_cast<std::uint64_t>(read_)),
               human_bytes(static_cast<std::uint64_t>(size_)),
               100.0 * static_cast<double>(read_) / static_cast<double>(size_));
  }
  setg(buffer_.get(), buffer_.get(), buffer_.get() + n);
  return traits_type::to_int_type(buffer_[0]);
}

void ProgressFile::done() {
  if (show_)
    fmt::print(stderr, "\rmemscope-report: read {}{:30}\n",
               human_bytes(static_cast<std::uint64_t>(read_)), "");
  show_ = false;
}

} // namespace memscope::report
