// A microservice simulation: user, payment and analytics services and an
// API gateway, each a task made with create_tracked and an explicit type,
// running concurrently on a two-thread io_context. The gateway queries the
// three services through channels, as a real gateway would.
#include <memscope/async_memory.hpp>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using memscope::TaskType;
using Queue = asio::experimental::concurrent_channel<void(
    boost::system::error_code, std::string)>;

constexpr int kGatewayRequests = 100;

asio::awaitable<void> pause(std::chrono::microseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// Keeps 1000 user records; answers the gateway with one per request.
asio::awaitable<std::size_t> user_service(Queue &to_gateway) {
  std::vector<std::string> users;
  for (int i = 0; i < 1000; ++i) {
    users.push_back("{\"id\":" + std::to_string(i) + ",\"name\":\"User" +
                    std::to_string(i) + "\",\"email\":\"user" +
                    std::to_string(i) + "@example.com\"}");
    if (i % 100 == 0)
      co_await pause(200us); // a database write
  }
  for (int r = 0; r < kGatewayRequests; ++r)
    co_await to_gateway.async_send({}, users[r], asio::use_awaitable);
  co_return users.size();
}

// 500 transactions, each after an "external API call".
asio::awaitable<std::size_t> payment_service(Queue &to_gateway) {
  std::vector<std::string> transactions;
  for (int i = 0; i < 500; ++i) {
    char buf[96];
    std::snprintf(buf, sizeof buf,
                  "{\"id\":%d,\"amount\":%.2f,\"status\":\"completed\"}", i,
                  i * 10.50);
    transactions.emplace_back(buf);
    if (i % 5 == 0)
      co_await pause(50us);
  }
  for (int r = 0; r < kGatewayRequests; ++r)
    co_await to_gateway.async_send({}, transactions[r], asio::use_awaitable);
  co_return transactions.size();
}

// 50 batches of 1000 samples aggregated into metrics.
asio::awaitable<std::size_t> analytics_service(Queue &to_gateway) {
  std::vector<std::string> metrics;
  for (int batch = 0; batch < 50; ++batch) {
    std::vector<double> data;
    for (int i = 0; i < 1000; ++i)
      data.push_back(std::abs(std::sin(batch * 1000.0 + i)));
    double sum = 0;
    for (double v : data)
      sum += v;
    char buf[96];
    std::snprintf(buf, sizeof buf, "{\"batch\":%d,\"avg\":%.4f,\"count\":%zu}",
                  batch, sum / data.size(), data.size());
    metrics.emplace_back(buf);
    co_await pause(20us);
  }
  for (int r = 0; r < kGatewayRequests; ++r)
    co_await to_gateway.async_send({}, metrics[r % metrics.size()],
                                   asio::use_awaitable);
  co_return metrics.size();
}

// 100 composite requests, each combining one answer of every service.
asio::awaitable<std::size_t> gateway(Queue &users, Queue &payments,
                                     Queue &analytics) {
  std::vector<std::string> responses;
  for (int id = 0; id < kGatewayRequests; ++id) {
    std::string u = co_await users.async_receive(asio::use_awaitable);
    std::string p = co_await payments.async_receive(asio::use_awaitable);
    std::string a = co_await analytics.async_receive(asio::use_awaitable);
    responses.push_back("{\"request_id\":" + std::to_string(id) + ",\"user\":" +
                        u + ",\"payment\":" + p + ",\"analytics\":" + a + "}");
  }
  co_return responses.size();
}

asio::awaitable<void> run() {
  co_await memscope::initialize();
  auto ex = co_await asio::this_coro::executor;
  Queue users(ex, 16), payments(ex, 16), analytics(ex, 16);
  auto [u, p, a, g] = co_await (
      memscope::create_tracked(user_service(users), TaskType::IoIntensive) &&
      memscope::create_tracked(payment_service(payments),
                               TaskType::NetworkIntensive) &&
      memscope::create_tracked(analytics_service(analytics),
                               TaskType::CpuIntensive) &&
      memscope::create_tracked(gateway(users, payments, analytics),
                               TaskType::NetworkIntensive));

  std::printf("Microservice simulation complete\n");
  std::printf("   - user service processed: %zu users\n", u);
  std::printf("   - payment service processed: %zu transactions\n", p);
  std::printf("   - analytics service processed: %zu metrics\n", a);
  std::printf("   - gateway handled: %zu composite requests\n", g);

  const memscope::MemorySnapshot snap = memscope::get_memory_snapshot();
  std::printf("Memory analysis:\n");
  for (const memscope::TaskMemoryProfile &t :
       memscope::task_memory_profiles(snap)) {
    if (t.task_name.find("service") == std::string::npos &&
        t.task_name.find("gateway") == std::string::npos)
      continue;
    std::printf("   - %-18s %-16s allocated %8llu B in %5llu allocations "
                "(avg %.0f B), peak %7llu B, efficiency %.0f%%, leak: %s\n",
                t.task_name.c_str(),
                std::string(memscope::to_string(t.task_type)).c_str(),
                static_cast<unsigned long long>(t.total_allocated),
                static_cast<unsigned long long>(t.allocation_count),
                t.average_allocation_size(),
                static_cast<unsigned long long>(t.peak_usage),
                t.memory_efficiency() * 100,
                t.has_potential_leak() ? "yes" : "no");
  }
  std::printf("   - peak concurrent tasks: %zu\n",
              snap.peak_concurrent_tasks());
  std::printf("   - total allocations tracked: %llu\n",
              static_cast<unsigned long long>(snap.total_allocations()));
  std::printf("   - memory efficiency: %.1f%%\n",
              snap.memory_efficiency_percent());
}

int main() {
  asio::io_context io(2);
  asio::co_spawn(io, run(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  });
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
}
