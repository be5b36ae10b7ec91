// Reading a report file in chunks, with a progress line on stderr for large
// files when stderr is a terminal (a script piping stderr sees nothing
// extra). A stream buffer, so the parser reads the file as it arrives and
// the whole text is never in memory.
#pragma once
#include <cstdio>
#include <memory>
#include <streambuf>
#include <string>

namespace memscope::report {

class ProgressFile : public std::streambuf {
public:
  // Throws ReportError("cannot open the file: ...").
  explicit ProgressFile(const std::string &path);
  ~ProgressFile() override;
  ProgressFile(const ProgressFile &) = delete;
  ProgressFile &operator=(const ProgressFile &) = delete;

  // Ends the progress line (if one was shown).
  void done();
  bool failed() const { return failed_; }

protected:
  int_type underflow() override;

private:
  std::FILE *file_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  long long size_ = -1, read_ = 0, shown_at_ = 0;
  bool show_ = false, failed_ = false;
};

} // namespace memscope::report
