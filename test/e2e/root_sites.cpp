// Figures per (task root, site) (docs/design.md §3, issue 11 item 5), exact:
//  - sessions leave memory in a global cache: reported by the line that
//    allocated it and the root (session), with exact bytes; the spawn's
//    argument (allocated before the session's coroutine starts) counts for
//    session too;
//  - two roots (reader, writer) allocate at the same line of a helper: the
//    line's figures split exactly between them;
//  - a free from another task (freer) is credited back to the allocating
//    (root, site), not to the freer;
//  - short balanced tasks (worker) are folded with MEMSCOPE_MAX_TASKS=1:
//    their pair keeps every byte;
//  - an allocation outside any task counts for the "no task" root.
//
// RUN: %memscope_cxx -O0 %s -o %t.O0 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O0.json MEMSCOPE_MAX_TASKS=1 %t.O0 | FileCheck %s
// RUN: %python %S/root_sites.py %t.O0.json %s %memscope_report %t.O0
// RUN: %memscope_cxx -O2 %s -o %t.O2 %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.O2.json MEMSCOPE_MAX_TASKS=1 %t.O2 | FileCheck %s
// RUN: %python %S/root_sites.py %t.O2.json %s %memscope_report %t.O2
// UBSan's null and alignment checks after each `new` (a branch to a handler
// that never returns) must not push the spawn's start past its argument:
// the Conn is still the session's.
// RUN: %memscope_cxx -O0 -fsanitize=null,alignment -fno-sanitize-recover=all %s -o %t.ubsan %memscope_link
// RUN: env MEMSCOPE_OUTPUT=%t.ubsan.json MEMSCOPE_MAX_TASKS=1 %t.ubsan | FileCheck %s
// RUN: %python %S/root_sites.py %t.ubsan.json %s %memscope_report %t.ubsan
// CHECK: cache holds 5 blocks
#include <boost/asio.hpp>
#include <memscope/snapshot.hpp>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace asio = boost::asio;

struct Conn {
  char buf[2000];
};

std::vector<void *> g_cache;     // outlives every session
std::vector<char *> g_reader;    // reader's blocks, kept
std::vector<char *> g_writer;    // writer's blocks, one freed by freer
char *volatile g_sink = nullptr; // makes balanced blocks escape
char *g_outside = nullptr;

[[gnu::noinline]] char *make_block(std::size_t n) {
  return new char[n]; // @helper
}

asio::awaitable<void> session(int id, Conn *conn) {
  char *keep = new char[16384]; // @cache
  g_cache.push_back(keep);
  char *tmp = new char[1000]; // @tmp
  g_sink = tmp;
  delete[] tmp;
  if (id == 0)
    delete conn; // freed by its own task, after the root is known
  else
    g_cache.push_back(conn);
  co_return;
}

asio::awaitable<void> reader() {
  for (int i = 0; i < 3; ++i)
    g_reader.push_back(make_block(5000));
  co_return;
}

asio::awaitable<void> writer() {
  for (int i = 0; i < 2; ++i)
    g_writer.push_back(make_block(7000));
  co_return;
}

asio::awaitable<void> freer() {
  delete[] g_writer.back(); // writer's block, freed in another task
  g_writer.pop_back();
  co_return;
}

asio::awaitable<void> worker(int i) {
  char *p = new char[100 + i % 3]; // @worker
  g_sink = p;
  delete[] p;
  co_return;
}

int main() {
  g_cache.reserve(64);
  g_reader.reserve(8);
  g_writer.reserve(8);
  g_outside = new char[4321]; // @outside
  asio::io_context io;
  for (int id = 0; id < 3; ++id)
    asio::co_spawn(io, session(id, new Conn{}), asio::detached); // @conn
  asio::co_spawn(io, reader(), asio::detached);
  asio::co_spawn(io, writer(), asio::detached);
  io.run();
  io.restart();
  asio::co_spawn(io, freer(), asio::detached);
  for (int i = 0; i < 30; ++i)
    asio::co_spawn(io, worker(i), asio::detached);
  io.run();
  // Give the sampler's sweep time to fold the balanced tasks (a loaded
  // machine may delay it).
  for (int i = 0; i < 500 && memscope::get_memory_snapshot().folded_task_count() < 20; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::printf("cache holds %zu blocks\n", g_cache.size());
}
