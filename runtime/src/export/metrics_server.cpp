#include "export/metrics_server.hpp"

#include "support/config.hpp"
#include "export/metrics_text.hpp"
#include "support/printable.hpp"
#include "support/runtime_thread.hpp"
#include "export/tasks_view.hpp"
#include "tasks/thread_state.hpp"

#include "memscope/snapshot.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <strings.h>

namespace memscope::detail {
namespace {

int g_listen_fd = -1;
int g_wake[2] = {-1, -1}; // written to on stop
pthread_t g_thread;
bool g_running = false;
pid_t g_owner = 0; // after fork() the child has no server thread

void say(const std::string &line) {
  std::fwrite(line.data(), 1, line.size(), stderr);
}

// "PORT", ":PORT" and "HOST:PORT" (IPv4 literal); loopback unless a host is
// given explicitly.
bool parse_address(const char *text, sockaddr_in &addr) {
  std::string s = text;
  std::string host = "127.0.0.1", port = s;
  if (auto colon = s.rfind(':'); colon != std::string::npos) {
    if (colon > 0)
      host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (strcasecmp(host.c_str(), "localhost") == 0)
    host = "127.0.0.1";
  char *end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 0 || p > 65535)
    return false;
  std::memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(p));
  return inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void respond(int fd, std::string_view status, std::string_view type,
             std::string_view body, bool head) {
  send_all(fd, fmt::format("HTTP/1.1 {}\r\nContent-Type: {}\r\n"
                           "Content-Length: {}\r\nConnection: close\r\n\r\n",
                           status, type, body.size()));
  if (!head)
    send_all(fd, body);
}

// "top=N" in a query string: N in 1..kMaxTasksTop, or 0 when malformed;
// kDefaultTasksTop when absent.
std::size_t top_parameter(const std::string &query) {
  std::size_t at = 0;
  while (at < query.size()) {
    std::size_t end = query.find('&', at);
    if (end == std::string::npos)
      end = query.size();
    if (query.compare(at, 4, "top=") == 0) {
      const std::string v = query.substr(at + 4, end - at - 4);
      char *stop = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &stop, 10);
      if (v.empty() || *stop != '\0' || v[0] == '-' || n == 0 ||
          n > kMaxTasksTop)
        return 0;
      return static_cast<std::size_t>(n);
    }
    at = end + 1;
  }
  return kDefaultTasksTop;
}

// GET /tasks[?top=N]: the live per-task view (tasks_view.hpp).
void serve_tasks(int fd, const std::string &query, bool head) {
  const std::size_t top = top_parameter(query);
  if (top == 0) {
    respond(fd, "400 Bad Request", "text/plain",
            fmt::format("top takes a number from 1 to {}\n", kMaxTasksTop),
            head);
    return;
  }
  respond(fd, "200 OK", "application/json",
          render_tasks_view(get_memory_snapshot(), top), head);
}

void serve(int fd) {
  // Read the request head, for at most two seconds.
  std::string request;
  char buf[2048];
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.find("\n\n") == std::string::npos && request.size() < 16384) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return;
    // The wake pipe too: stopping (at exit) does not wait for a slow client.
    pollfd p[2] = {{fd, POLLIN, 0}, {g_wake[0], POLLIN, 0}};
    if (::poll(p, 2, static_cast<int>(left.count())) <= 0 ||
        (p[1].revents & POLLIN))
      return;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
      return;
    request.append(buf, static_cast<std::size_t>(n));
  }
  const bool head = request.rfind("HEAD ", 0) == 0;
  if (request.rfind("GET ", 0) != 0 && !head) {
    respond(fd, "405 Method Not Allowed", "text/plain", "GET /metrics\n",
            false);
    return;
  }
  const std::size_t path_at = request.find(' ') + 1;
  std::string path =
      request.substr(path_at, request.find(' ', path_at) - path_at);
  const std::size_t query_at = path.find('?');
  const std::string query =
      query_at == std::string::npos ? "" : path.substr(query_at + 1);
  path = path.substr(0, query_at);
  if (path == "/tasks") {
    serve_tasks(fd, query, head);
    return;
  }
  if (path == "/report") {
    // The report on demand, written where MEMSCOPE_OUTPUT says (a failure
    // is also the writer's one stderr line).
    const char *out = config().output;
    if (!out[0])
      respond(fd, "409 Conflict", "text/plain",
              "MEMSCOPE_OUTPUT is not set: no report to write\n", head);
    else if (memscope::write_report())
      respond(fd, "200 OK", "text/plain",
              fmt::format("report written to {}\n", shown(out).text), head);
    else
      respond(fd, "500 Internal Server Error", "text/plain",
              fmt::format("cannot write the report to {}\n", shown(out).text),
              head);
    return;
  }
  if (path != "/metrics") {
    respond(fd, "404 Not Found", "text/plain",
            "memscope serves /metrics, /tasks and /report\n", head);
    return;
  }
  const auto begin = std::chrono::steady_clock::now();
  std::string body =
      render_metrics(get_memory_snapshot(), kDefaultMetricsFunctions);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  body += fmt::format("# HELP memscope_scrape_duration_seconds Time to build "
                      "this page.\n# TYPE memscope_scrape_duration_seconds "
                      "gauge\nmemscope_scrape_duration_seconds {:.6f}\n",
                      took);
  respond(fd, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body, head);
}

void *run(void *) {
  ++t_state.internal; // nothing this thread allocates is a task's
  for (;;) {
    pollfd p[2] = {{g_listen_fd, POLLIN, 0}, {g_wake[0], POLLIN, 0}};
    const int ready = ::poll(p, 2, -1);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready < 0 || (p[1].revents & POLLIN))
      break;
    if (!(p[0].revents & POLLIN))
      continue;
    const int fd = ::accept4(g_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    try {
      serve(fd);
    } catch (...) {
      // Out of memory while rendering: drop this scrape, keep serving.
    }
    ::close(fd);
  }
  return nullptr;
}

} // namespace

bool metrics_start(const char *address) noexcept {
  if (g_running)
    return true;
  sockaddr_in addr;
  if (!parse_address(address, addr)) {
    say(fmt::format("memscope: MEMSCOPE_METRICS='{}' is not HOST:PORT (e.g. "
                    "127.0.0.1:9464); not serving metrics\n",
                    shown(address).text));
    return false;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  if (fd >= 0)
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 ||
      ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 16) != 0) {
    const int error = errno;
    say(fmt::format("memscope: cannot serve metrics on '{}': {}; set "
                    "MEMSCOPE_METRICS to a free HOST:PORT\n",
                    shown(address).text, std::strerror(error)));
    if (fd >= 0)
      ::close(fd);
    return false;
  }
  if (::pipe2(g_wake, O_CLOEXEC) != 0) {
    ::close(fd);
    return false;
  }
  g_listen_fd = fd;
  if (start_runtime_thread(g_thread, run, "memscope-metric") != 0) {
    ::close(fd);
    g_listen_fd = -1;
    return false;
  }
  g_running = true;
  g_owner = ::getpid();
  return true;
}

void metrics_stop() noexcept {
  if (!g_running || g_owner != ::getpid())
    return;
  g_running = false;
  const char c = 'x';
  (void)!::write(g_wake[1], &c, 1);
  pthread_join(g_thread, nullptr);
  ::close(g_listen_fd);
  g_listen_fd = -1;
}

} // namespace memscope::detail
