// memscope-top HOST:PORT: a live view of an instrumented program's tasks,
// like top: reads GET /tasks from its MEMSCOPE_METRICS server every second
// and shows the tasks holding the most memory, totals, the selected task's
// sites and the tasks whose memory outlived them.
#include "http_get.hpp"
#include "live_view.hpp"
#include "screen.hpp"

#include <fmt/format.h>
#include <ncurses.h>

#include <unistd.h>

#include <chrono>
#include <clocale>
#include <cstdio>
#include <string>

namespace {

using namespace memscope::top;

constexpr const char *kUsage =
    "usage: memscope-top [--top N] HOST:PORT\n"
    "  reads GET /tasks from a program run with MEMSCOPE_METRICS=HOST:PORT\n"
    "  keys: l p a b t sort by live, peak, allocated, busy, type;\n"
    "        up/down (or j/k) select a task; q quits\n";

int fail(const std::string &message) {
  fmt::print(stderr, "memscope-top: {}\n", message);
  return 2;
}

// Fetches and sorts; keeps the previous view when the program is away.
void refresh_view(const Endpoint &at, const std::string &path, LiveView &view,
                  ScreenState &state) {
  std::string body, error;
  LiveView next;
  if (!http_get(at, path, body, error) || !parse_live_view(body, next, error)) {
    state.status = "(" + error + ")";
    return;
  }
  // The selection follows its task (by id) when the order changes.
  const std::uint64_t selected_id =
      state.selected < view.tasks.size() ? view.tasks[state.selected].id : 0;
  view = std::move(next);
  sort_tasks(view.tasks, state.sort);
  for (std::size_t i = 0; i < view.tasks.size(); ++i)
    if (view.tasks[i].id == selected_id)
      state.selected = i;
  const auto now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[16];
  std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&now));
  state.status = fmt::format("(updated {})", when);
}

} // namespace

int main(int argc, char **argv) {
  std::string address;
  unsigned top = 100;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (arg == "--top" && i + 1 < argc) {
      const std::string v = argv[++i];
      if (v.empty() || v.size() > 5 ||
          v.find_first_not_of("0123456789") != std::string::npos ||
          (top = static_cast<unsigned>(std::stoul(v))) == 0 || top > 10000)
        return fail(fmt::format("--top takes a number from 1 to 10000, not "
                                "'{}'",
                                v));
    } else if (!address.empty() || arg.empty() || arg[0] == '-') {
      return fail(fmt::format("unexpected argument '{}'\n{}", arg, kUsage));
    } else {
      address = arg;
    }
  }
  Endpoint at;
  if (address.empty())
    return fail(fmt::format("no HOST:PORT given\n{}", kUsage));
  if (!parse_endpoint(address, at))
    return fail(
        fmt::format("'{}' is not HOST:PORT (e.g. 127.0.0.1:9464)", address));
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO))
    return fail("needs a terminal (for scripts: curl http://HOST:PORT/tasks)");

  const std::string path = fmt::format("/tasks?top={}", top);
  ScreenState state;
  state.endpoint = at.host + ":" + at.port;
  LiveView view;
  std::setlocale(LC_ALL, "");
  initscr();
  cbreak();
  noecho();
  keypad(stdscr, TRUE);
  curs_set(0);
  timeout(100); // keys stay responsive between the once-a-second fetches
  auto next_fetch = std::chrono::steady_clock::now();
  for (bool quit = false; !quit;) {
    if (std::chrono::steady_clock::now() >= next_fetch) {
      refresh_view(at, path, view, state);
      next_fetch = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      if (state.selected >= view.tasks.size() && !view.tasks.empty())
        state.selected = view.tasks.size() - 1;
      draw(view, state);
    }
    const int key = getch();
    if (key == ERR)
      continue;
    SortKey sort;
    if (key == 'q' || key == 'Q') {
      quit = true;
    } else if (sort_key_for(key, sort)) {
      state.sort = sort;
      sort_tasks(view.tasks, sort);
      state.selected = 0;
    } else if ((key == KEY_DOWN || key == 'j') &&
               state.selected + 1 < view.tasks.size()) {
      ++state.selected;
    } else if ((key == KEY_UP || key == 'k') && state.selected > 0) {
      --state.selected;
    } else if (key == 'r') {
      next_fetch = std::chrono::steady_clock::now();
    }
    draw(view, state);
  }
  endwin();
  return 0;
}
