// The half of mixed_translation_units.cpp compiled WITHOUT the plugin: Asio
// code instantiated here (use_awaitable_t, the operations of a socket read
// and of a timer) must agree in layout with the instrumented half.
#include <boost/asio.hpp>
#include <string>

namespace asio = boost::asio;

asio::awaitable<std::size_t> plain_read(asio::ip::tcp::socket &s,
                                        std::string &into) {
  co_return co_await asio::async_read_until(s, asio::dynamic_buffer(into), '\n',
                                            asio::use_awaitable);
}

asio::awaitable<void> plain_wait(asio::steady_timer &t) {
  t.expires_after(std::chrono::milliseconds(1));
  co_await t.async_wait(asio::use_awaitable);
}
