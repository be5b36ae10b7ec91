// A small instrumented service for the exporter tests: N executor threads
// run sessions (each a task that grows a buffer, keeps part of it in a
// cache that outlives the session, then ends) and a CPU worker, for a given
// time. Meanwhile each executor thread measures how late its heartbeat timer
// fires: a report being written, a trace being recorded or /metrics being
// scraped must not stall executor threads, and the numbers show it.
//
// usage: service DURATION_MS [THREADS] [--write-reports PATH] [--until-eof]
//   --write-reports: a plain thread (not an executor) calls
//   memscope::write_report(PATH) in a loop while the service runs.
//   --until-eof: also stop early when stdin reaches end of file.
#include <memscope/snapshot.hpp>

#include <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono;

namespace {

std::atomic<bool> g_stop{false};
bool running(steady_clock::time_point until) {
  return !g_stop.load(std::memory_order_relaxed) && steady_clock::now() < until;
}

struct Cache {
  std::mutex mutex;
  std::deque<std::unique_ptr<std::vector<char>>> kept;
};

struct Lateness {
  std::mutex mutex;
  std::vector<double> ms;
};

asio::awaitable<void> session(int id, Cache &cache) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  std::vector<std::string> lines;
  for (int i = 0; i < 8; ++i) {
    lines.push_back(std::string(512 + 64 * (id % 16), 'x'));
    t.expires_after(microseconds(200));
    co_await t.async_wait(asio::use_awaitable);
  }
  // A little of every session outlives it.
  auto keep = std::make_unique<std::vector<char>>(1024, 'k');
  std::lock_guard lock(cache.mutex);
  cache.kept.push_back(std::move(keep));
  if (cache.kept.size() > 64)
    cache.kept.pop_front();
}

asio::awaitable<void> acceptor(steady_clock::time_point until, Cache &cache) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer t(ex);
  for (int id = 0; running(until); ++id) {
    asio::co_spawn(ex, session(id, cache), asio::detached);
    t.expires_after(microseconds(500));
    co_await t.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> crunch(steady_clock::time_point until) {
  std::vector<std::uint64_t> data(1 << 16, 1);
  asio::steady_timer t(co_await asio::this_coro::executor);
  while (running(until)) {
    for (auto &x : data)
      x = x * 2654435761u + 1;
    t.expires_after(milliseconds(1));
    co_await t.async_wait(asio::use_awaitable);
  }
}

// Wakes every millisecond and records how late it woke.
asio::awaitable<void> heartbeat(steady_clock::time_point until, Lateness &out) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  std::vector<double> late;
  while (running(until)) {
    const auto due = steady_clock::now() + milliseconds(1);
    t.expires_at(due);
    co_await t.async_wait(asio::use_awaitable);
    late.push_back(
        duration<double, std::milli>(steady_clock::now() - due).count());
  }
  std::lock_guard lock(out.mutex);
  out.ms.insert(out.ms.end(), late.begin(), late.end());
}

} // namespace

int main(int argc, char **argv) {
  const int duration_ms = argc > 1 ? std::atoi(argv[1]) : 300;
  const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
  const char *report_path = nullptr;
  bool until_eof = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--write-reports") == 0 && i + 1 < argc)
      report_path = argv[i + 1];
    until_eof |= std::strcmp(argv[i], "--until-eof") == 0;
  }
  if (until_eof)
    std::thread([] {
      while (std::getchar() != EOF)
        ;
      g_stop = true;
    }).detach();

  asio::io_context io(threads);
  // Never freed: what the sessions kept is still live when the report is
  // written at exit, so the report shows it against the sites that made it.
  Cache &cache = *new Cache;
  Lateness lateness;
  const auto until = steady_clock::now() + milliseconds(duration_ms);
  asio::co_spawn(io, acceptor(until, cache), asio::detached);
  asio::co_spawn(io, crunch(until), asio::detached);
  for (int i = 0; i < threads; ++i)
    asio::co_spawn(io, heartbeat(until, lateness), asio::detached);

  std::atomic<bool> done{false};
  int reports = 0;
  std::thread reporter;
  if (report_path)
    reporter = std::thread([&] {
      while (!done.load()) {
        reports += memscope::write_report(report_path);
        std::this_thread::sleep_for(milliseconds(5));
      }
    });
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&] { io.run(); });
  for (auto &t : pool)
    t.join();
  done = true;
  if (reporter.joinable())
    reporter.join();

  auto &ms = lateness.ms;
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) {
    return ms.empty() ? 0.0
                      : ms[std::min(ms.size() - 1, std::size_t(q * ms.size()))];
  };
  std::printf("heartbeats %zu, timer lateness ms: p50 %.3f p99 %.3f max %.3f\n",
              ms.size(), at(0.5), at(0.99), ms.empty() ? 0.0 : ms.back());
  if (report_path)
    std::printf("reports written while running: %d\n", reports);
  std::printf("cache keeps %zu blocks\n", cache.kept.size());
  return 0;
}
