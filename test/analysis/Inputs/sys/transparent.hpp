// Included with -isystem: its coroutines are transparent.
#pragma once
#include <boost/asio.hpp>
inline boost::asio::awaitable<int> library_helper(int x) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
  co_await t.async_wait(boost::asio::use_awaitable);
  co_return x + 1;
}
