// A real network service: an HTTP/1.1 server on Boost.Beast, one coroutine
// session per connection, driven by a bounded load generator on loopback
// (127.0.0.1, an ephemeral port). The program stops by itself once every
// client has made its requests. memscope sees each session as its own
// NetworkIntensive task (inferred: it reads and writes an HTTP stream) and
// the listener holding none of their memory.
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using memscope::TaskType;

constexpr int kClients = 8;
constexpr int kRequestsPerClient = 25;

struct Counters {
  std::atomic<int> served{0};
  std::atomic<int> sessions{0};
  std::atomic<std::size_t> body_bytes{0};
};

// GET /items/N answers a JSON array of N items.
http::response<http::string_body>
handle(const http::request<http::string_body> &req) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  const std::string target(req.target());
  const std::string prefix = "/items/";
  if (req.method() != http::verb::get || target.rfind(prefix, 0) != 0) {
    res.result(http::status::not_found);
    res.body() = "{\"error\":\"not found\"}";
  } else {
    const int n = std::stoi(target.substr(prefix.size()));
    std::vector<std::string> items;
    for (int i = 0; i < n; ++i)
      items.push_back("{\"id\":" + std::to_string(i) + ",\"name\":\"item-" +
                      std::to_string(i) + "\"}");
    std::string body = "[";
    for (const std::string &item : items)
      body += item + ",";
    body.back() = ']';
    res.body() = std::move(body);
  }
  res.prepare_payload();
  return res;
}

asio::awaitable<void> session(tcp::socket socket, Counters &counters) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, req,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      break; // the client closed the connection
    http::response<http::string_body> res = handle(req);
    counters.body_bytes += res.body().size();
    co_await http::async_write(stream, res, asio::use_awaitable);
    ++counters.served;
    if (!res.keep_alive())
      break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send);
  ++counters.sessions;
}

// Accepts exactly one connection per client, then stops listening.
asio::awaitable<void> listener(tcp::acceptor &acceptor, Counters &counters) {
  for (int i = 0; i < kClients; ++i) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(),
                   session(std::move(socket), counters), asio::detached);
  }
  acceptor.close();
}

// One keep-alive connection making kRequestsPerClient requests.
asio::awaitable<int> client(tcp::endpoint server, int id) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await stream.async_connect(server, asio::use_awaitable);
  beast::flat_buffer buffer;
  int ok = 0;
  for (int r = 0; r < kRequestsPerClient; ++r) {
    http::request<http::empty_body> req{
        http::verb::get, "/items/" + std::to_string(10 + (id * r) % 90), 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(r + 1 < kRequestsPerClient);
    co_await http::async_write(stream, req, asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    if (res.result() == http::status::ok && res.body().front() == '[')
      ++ok;
  }
  co_return ok;
}

asio::awaitable<void> load(tcp::endpoint server) {
  auto ex = co_await asio::this_coro::executor;
  std::vector<memscope::tracked_task<int>> clients;
  for (int id = 0; id < kClients; ++id)
    clients.push_back(memscope::spawn_tracked(ex, client(server, id),
                                              TaskType::NetworkIntensive));
  int ok = 0;
  for (auto &c : clients)
    ok += co_await c.join();
  std::printf("load generator: %d clients, %d/%d responses ok\n", kClients, ok,
              kClients * kRequestsPerClient);
}

int main() {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  Counters counters;
  asio::co_spawn(io, listener(acceptor, counters), asio::detached);
  asio::co_spawn(io, load(acceptor.local_endpoint()), asio::detached);
  io.run();

  std::printf("server: %d sessions, %d requests served, %zu body bytes\n",
              counters.sessions.load(), counters.served.load(),
              counters.body_bytes.load());
  const memscope::MemorySnapshot snap = memscope::get_memory_snapshot();
  int session_tasks = 0;
  for (const memscope::TaskProfile &t : snap.tasks())
    if (t.name.find("session") != std::string::npos &&
        t.type == TaskType::NetworkIntensive &&
        t.state == memscope::TaskState::Completed)
      ++session_tasks;
  const auto net = snap.get_task_metrics(TaskType::NetworkIntensive);
  std::printf("memscope: %d completed NetworkIntensive session tasks; "
              "NetworkIntensive avg peak %.3f MB, completion %.0f%%\n",
              session_tasks, net.avg_memory_mb, net.completion_rate_percent);
}
