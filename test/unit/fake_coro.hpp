// Drives the runtime's hooks exactly as the IR pass's instrumentation does,
// without a compiler: a FakeCoro is a coroutine frame whose ramp, resumes,
// suspends and destruction call the hooks in the order the pass emits them.
#ifndef MEMSCOPE_TEST_FAKE_CORO_HPP
#define MEMSCOPE_TEST_FAKE_CORO_HPP

#include "memscope/abi.h"
#include "memscope/memscope.hpp"

#include <cstdint>
#include <new>
#include <utility>

namespace mstest {

// Keeps the optimiser from eliding a new-expression/delete pair (which it may
// do for new-expressions), so the test really allocates.
template <typename T> T *escape(T *p) {
  asm volatile("" : : "g"(p) : "memory");
  return p;
}

// The sites of one test, registered through the ABI like a module's table.
inline memscope_site
make_site(const char *function, std::uint32_t kind, std::uint32_t flags = 0,
          std::uint32_t type = MEMSCOPE_TYPE_UNKNOWN, std::uint32_t line = 1,
          const memscope_site *spawn = nullptr, const char *file = "test.cpp") {
  return memscope_site{file, function, spawn, line, 7, kind, flags, type, 0};
}

class FakeCoro {
public:
  // The ramp: ramp_enter, frame allocation, coro.begin + frame_begin, then
  // the part of the body before the initial suspend, then the suspend.
  template <typename Body>
  FakeCoro(const memscope_site *site, std::size_t frame_size, Body &&body)
      : size_(frame_size) {
    const std::uint64_t prev0 = __memscope_ramp_enter(site);
    frame_ = ::operator new(frame_size);
    binding_ = __memscope_frame_begin(frame_, frame_size);
    prev_ = prev0; // the pass stores prev0 in ms.prev
    task_ = memscope::current_task_id();
    std::forward<Body>(body)();
    __memscope_suspend(prev_);
  }
  explicit FakeCoro(const memscope_site *site, std::size_t frame_size = 96)
      : FakeCoro(site, frame_size, [] {}) {}

  FakeCoro(const FakeCoro &) = delete;
  FakeCoro &operator=(const FakeCoro &) = delete;
  ~FakeCoro() {
    if (frame_)
      destroy();
  }

  // A resume edge, the body up to the next suspend point, the suspend.
  template <typename Body> void resume(Body &&body) {
    prev_ = __memscope_resume(binding_);
    std::forward<Body>(body)();
    __memscope_suspend(prev_);
  }
  void resume() {
    resume([] {});
  }

  // Resumed without suspending again (for symmetric-transfer tests): the
  // caller calls suspend() later.
  void resume_only() { prev_ = __memscope_resume(binding_); }
  void suspend() { __memscope_suspend(prev_); }

  // Destroy edge: resume(binding), then before coro.free: suspend(ms.prev),
  // frame_end(binding), and the frame's deallocation.
  void destroy() {
    prev_ = __memscope_resume(binding_);
    __memscope_suspend(prev_);
    __memscope_frame_end(binding_, size_);
    ::operator delete(frame_, size_);
    frame_ = nullptr;
  }

  std::uint64_t task() const { return task_; }
  std::uint64_t binding() const { return binding_; }

private:
  void *frame_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t binding_ = 0;
  std::uint64_t prev_ = 0;
  std::uint64_t task_ = 0;
};

// Brackets a spawn call: spawn_begin before, spawn_end after.
class SpawnScope {
public:
  explicit SpawnScope(const memscope_site *spawn)
      : saved_(__memscope_spawn_begin(spawn)) {}
  ~SpawnScope() { end(); }
  void end() {
    __memscope_spawn_end(saved_);
    saved_ = MEMSCOPE_NO_CONTEXT;
  }

private:
  std::uint64_t saved_;
};

inline memscope::TaskProfile profile_of(std::uint64_t id) {
  memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  const memscope::TaskProfile *t = s.find_task(id);
  return t ? *t : memscope::TaskProfile{};
}

inline memscope::SiteProfile site_profile(const memscope_site &site) {
  memscope::MemorySnapshot s = memscope::get_memory_snapshot();
  const memscope::SiteProfile *p = s.find_site(site.index);
  return p ? *p : memscope::SiteProfile{};
}

} // namespace mstest

namespace mstest {
template <std::size_t N> void register_table(memscope_site (&table)[N]) {
  __memscope_register_sites(table, table + N);
}
} // namespace mstest
#endif // MEMSCOPE_TEST_FAKE_CORO_HPP
