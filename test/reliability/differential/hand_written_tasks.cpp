// Differential: hand-written task types — a lazy task with symmetric
// transfer (a chain deep enough to need it), exceptions crossing awaits,
// cancellation by destroying suspended coroutines, a generator, a manual
// scheduler with timeouts — and an exit status from main.
// RUN: %clangxx %cxxflags -I%S/../Inputs -O0 %s -o %t.p0 -lpthread
// RUN: %memscope_cxx -I%S/../Inputs -O0 %s -o %t.m0 %memscope_link
// RUN: %python %S/Inputs/compare.py %t.p0 %t.m0 %t.m0.json
// RUN: %clangxx %cxxflags -I%S/../Inputs -O2 %s -o %t.p2 -lpthread
// RUN: %memscope_cxx -I%S/../Inputs -O2 %s -o %t.m2 %memscope_link
// RUN: %python %S/Inputs/compare.py %t.p2 %t.m2 %t.m2.json
#include "lazy_task.h"

#include <cstdio>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

// Deep recursion through co_await: symmetric transfer keeps the stack flat.
lazy_task<long> depth(int n) {
  if (n == 0)
    co_return 0;
  std::vector<char> pad(16, 'p');
  co_return 1 + co_await depth(n - 1) + static_cast<long>(pad.size()) - 16;
}

lazy_task<int> thrower(int n) {
  std::string s(64, 't');
  if (n % 3 == 0)
    throw std::invalid_argument("bad " + std::to_string(n));
  co_return n;
}

lazy_task<int> catcher() {
  int ok = 0, bad = 0;
  for (int i = 0; i < 10; ++i) {
    try {
      ok += co_await thrower(i);
    } catch (const std::invalid_argument &e) {
      ++bad;
      std::fprintf(stderr, "%s\n", e.what());
    }
  }
  co_return ok * 100 + bad;
}

// A tiny scheduler: tasks wait on "ticks"; a timeout cancels (destroys) a
// task that has not finished by its deadline.
struct scheduler {
  struct waiter {
    int due;
    std::coroutine_handle<> h;
  };
  std::deque<waiter> queue;
  int now = 0;
  struct sleep_for {
    scheduler &s;
    int ticks;
    bool await_ready() { return ticks <= 0; }
    void await_suspend(std::coroutine_handle<> h) {
      s.queue.push_back({s.now + ticks, h});
    }
    void await_resume() {}
  };
  void run_until(int t) {
    for (; now <= t; ++now)
      for (std::size_t i = 0; i < queue.size();)
        if (queue[i].due <= now) {
          auto h = queue[i].h;
          queue.erase(queue.begin() + static_cast<long>(i));
          h.resume();
        } else {
          ++i;
        }
  }
  void forget(std::coroutine_handle<> h) {
    for (std::size_t i = 0; i < queue.size(); ++i)
      if (queue[i].h == h) {
        queue.erase(queue.begin() + static_cast<long>(i));
        return;
      }
  }
};

int g_finished, g_cleaned;
struct cleanup {
  ~cleanup() { ++g_cleaned; }
};

lazy_task<void> worker(scheduler &s, int id, int steps) {
  cleanup c;
  auto data = std::make_unique<std::vector<int>>(static_cast<std::size_t>(id) * 10, id);
  for (int i = 0; i < steps; ++i)
    co_await scheduler::sleep_for{s, 1};
  ++g_finished;
  std::printf("worker %d finished at %d\n", id, s.now);
}

int main() {
  std::printf("depth %ld\n", [] {
    auto t = depth(100000);
    t.resume();
    return t.result();
  }());
  {
    auto t = catcher();
    t.resume();
    std::printf("catcher %d\n", t.result());
  }
  scheduler s;
  std::vector<lazy_task<void>> tasks;
  for (int id = 1; id <= 6; ++id) {
    tasks.push_back(worker(s, id, id * 2));
    tasks.back().resume();
  }
  s.run_until(7); // timeout: workers needing more than 7 ticks are cancelled
  for (auto &t : tasks)
    if (!t.done())
      s.forget(t.h);
  tasks.clear(); // destroys unfinished (suspended) coroutines
  std::printf("finished %d cleaned %d\n", g_finished, g_cleaned);
  return g_finished == 3 && g_cleaned == 6 ? 4 : 1;
}
