#include "export/file_output.hpp"
#include "support/printable.hpp"
#include "support/signal_guard.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

namespace memscope::detail {
namespace {

// A FIFO's reader that stops reading for this long fails the write rather
// than holding up the program's exit.
constexpr int kStallMs = 2000;

bool write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        const int ready = ::poll(&p, 1, kStallMs);
        if (ready > 0 && !(p.revents & (POLLERR | POLLHUP)))
          continue;
        errno = ready == 0 ? ETIMEDOUT : EPIPE;
      }
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
  bool fifo_without_reader = false;
  const SigxfszGuard no_sigxfsz; // a file-size limit must not kill
  if (path.empty()) {
    error = ENOENT;
  } else if (struct stat st;
             ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // Not a regular file (/dev/null, a FIFO, /dev/stdout): write into it.
    // Renaming over it would replace a device node with a plain file.
    // Non-blocking: a FIFO without a reader fails (ENXIO) instead of
    // hanging the program's exit.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      error = errno;
      fifo_without_reader = error == ENXIO && S_ISFIFO(st.st_mode);
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
        what, shown(path).text,
        fifo_without_reader ? "it is a FIFO and nothing is reading it"
                            : std::strerror(error ? error : EIO),
        env);
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  errno = saved_errno;
  return ok;
}

} // namespace memscope::detail
