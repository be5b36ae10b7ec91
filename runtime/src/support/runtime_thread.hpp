// Starting the runtime's own threads (sampler, /metrics server).
#ifndef MEMSCOPE_RT_RUNTIME_THREAD_HPP
#define MEMSCOPE_RT_RUNTIME_THREAD_HPP

#include <pthread.h>
#include <signal.h>

namespace memscope::detail {

// Starts `run` with every signal blocked, so that a process-directed signal
// (SIGINT, SIGTERM, SIGCHLD...) is never delivered to a memscope thread: a
// program that waits for signals with sigwait() or signalfd, after blocking
// them in its own threads, keeps receiving them. Named, so that debuggers
// and top show the thread is memscope's. Returns pthread_create's result.
inline int start_runtime_thread(pthread_t &thread, void *(*run)(void *),
                                const char *name) noexcept {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const int rc = pthread_create(&thread, nullptr, run, nullptr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc == 0)
    pthread_setname_np(thread, name);
  return rc;
}

} // namespace memscope::detail

#endif // MEMSCOPE_RT_RUNTIME_THREAD_HPP
