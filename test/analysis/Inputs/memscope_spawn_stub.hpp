// Stand-ins for the spawn helpers of runtime/include/memscope (the plugin
// matches them by qualified name only; their bodies do not matter here).
#ifndef MEMSCOPE_SPAWN_STUB_HPP
#define MEMSCOPE_SPAWN_STUB_HPP
#include <boost/asio.hpp>
#include <memscope/task_type.hpp>
#include <utility>
namespace memscope {
template <class Executor, class Awaitable, class Token>
auto spawn_tracked(Executor &&ex, Awaitable &&a, Token &&t) {
  return boost::asio::co_spawn(std::forward<Executor>(ex),
                               std::forward<Awaitable>(a),
                               std::forward<Token>(t));
}
template <class Awaitable>
Awaitable create_tracked(Awaitable a, TaskType = TaskType::Unknown) {
  return a;
}
} // namespace memscope
#endif
