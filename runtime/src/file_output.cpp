#include "file_output.hpp"
#include "printable.hpp"
#include "signal_guard.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

namespace memscope::detail {
namespace {

bool write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool write_via_rename(const std::string &path, std::string_view text,
                      int &error) {
  const std::string temp = fmt::format("{}.tmp.{}", path, ::getpid());
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = errno;
    return false;
  }
  const bool written = write_all(fd, text);
  error = errno;
  const bool closed = ::close(fd) == 0;
  if (written && !closed)
    error = errno;
  if (written && closed && ::rename(temp.c_str(), path.c_str()) == 0)
    return true;
  if (written && closed)
    error = errno;
  ::unlink(temp.c_str());
  return false;
}

} // namespace

bool write_file_atomically(const std::string &path, std::string_view text,
                           std::string_view what, std::string_view env,
                           bool complain) {
  const int saved_errno = errno;
  int error = 0;
  bool ok = false;
  const SigxfszGuard no_sigxfsz; // a file-size limit must not kill
  if (path.empty()) {
    error = ENOENT;
  } else if (struct stat st;
             ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // Not a regular file (/dev/null, a FIFO, /dev/stdout): write into it.
    // Renaming over it would replace a device node with a plain file.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      error = errno;
    } else {
      ok = write_all(fd, text);
      error = errno;
      ::close(fd);
    }
  } else {
    ok = write_via_rename(path, text, error);
  }
  if (!ok && complain) {
    const std::string line = fmt::format(
        "memscope: cannot write {} to '{}': {}; set {} to a writable file\n",
        what, printable<4096>(path.c_str()).text,
        std::strerror(error ? error : EIO), env);
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  errno = saved_errno;
  return ok;
}

} // namespace memscope::detail
