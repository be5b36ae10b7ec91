// Keeps the report writer from killing the program: a write past the
// process's file-size limit (RLIMIT_FSIZE, `ulimit -f`) raises SIGXFSZ,
// whose default action terminates the process with a core dump. While a
// guard lives, SIGXFSZ is blocked on this thread (the write then fails with
// EFBIG, which the writer reports), and a SIGXFSZ that the writer itself
// caused is consumed before the mask is restored.
#ifndef MEMSCOPE_RT_SIGNAL_GUARD_HPP
#define MEMSCOPE_RT_SIGNAL_GUARD_HPP

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

namespace memscope::detail {

class SigxfszGuard {
public:
  SigxfszGuard() noexcept {
    sigemptyset(&only_);
    sigaddset(&only_, SIGXFSZ);
    blocked_ = pthread_sigmask(SIG_BLOCK, &only_, &saved_) == 0;
    sigset_t pending;
    was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGXFSZ);
  }
  ~SigxfszGuard() {
    if (!blocked_)
      return;
    const int saved_errno = errno;
    if (!was_pending_) {
      // Ours (if any): take it off the queue so it is never delivered.
      const timespec zero{0, 0};
      while (sigtimedwait(&only_, nullptr, &zero) == SIGXFSZ)
        ;
    }
    pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
    errno = saved_errno;
  }
  SigxfszGuard(const SigxfszGuard &) = delete;
  SigxfszGuard &operator=(const SigxfszGuard &) = delete;

private:
  sigset_t only_{}, saved_{};
  bool blocked_ = false;
  bool was_pending_ = false;
};

} // namespace memscope::detail

#endif // MEMSCOPE_RT_SIGNAL_GUARD_HPP
