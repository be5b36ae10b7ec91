#include "http_get.hpp"

#include <fmt/format.h>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

namespace memscope::top {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

int remaining(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

bool parse_endpoint(const std::string &text, Endpoint &out) {
  const std::size_t colon = text.rfind(':');
  out = Endpoint{};
  if (colon != std::string::npos && colon > 0)
    out.host = text.substr(0, colon);
  out.port = colon == std::string::npos ? text : text.substr(colon + 1);
  if (out.port.empty() || out.port.size() > 5 ||
      out.port.find_first_not_of("0123456789") != std::string::npos)
    return false;
  return std::stoul(out.port) <= 65535;
}

bool http_get(const Endpoint &at, const std::string &path, std::string &body,
              std::string &error, int timeout_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *found = nullptr;
  if (int rc = ::getaddrinfo(at.host.c_str(), at.port.c_str(), &hints, &found);
      rc != 0) {
    error = fmt::format("{}: {}", at.host, gai_strerror(rc));
    return false;
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo *)> list(found, ::freeaddrinfo);
  Fd s;
  s.fd =
      ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s.fd < 0 || (::connect(s.fd, found->ai_addr, found->ai_addrlen) != 0 &&
                   errno != EINPROGRESS)) {
    error = fmt::format("cannot connect to {}:{}: {}", at.host, at.port,
                        std::strerror(errno));
    return false;
  }
  pollfd p{s.fd, POLLOUT, 0};
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (::poll(&p, 1, remaining(deadline)) != 1 ||
      ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 ||
      so_error != 0) {
    error = fmt::format("cannot connect to {}:{}: {}", at.host, at.port,
                        so_error ? std::strerror(so_error) : "timed out");
    return false;
  }
  const std::string request =
      fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                  path, at.host);
  if (::send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    error = fmt::format("cannot send to {}:{}", at.host, at.port);
    return false;
  }
  std::string response;
  char buf[65536];
  for (;;) {
    p = {s.fd, POLLIN, 0};
    const int left = remaining(deadline);
    if (left == 0 || ::poll(&p, 1, left) != 1) {
      error = fmt::format("{}:{} did not answer in time", at.host, at.port);
      return false;
    }
    const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n <= 0)
      break;
    response.append(buf, static_cast<std::size_t>(n));
  }
  const std::size_t head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    error = fmt::format("{}:{} does not speak HTTP", at.host, at.port);
    return false;
  }
  const std::string status = response.substr(9, 3);
  if (status != "200") {
    error = fmt::format("{}:{}{} answered {}", at.host, at.port, path,
                        response.substr(9, response.find('\r') - 9));
    return false;
  }
  body = response.substr(head_end + 4);
  return true;
}

} // namespace memscope::top
