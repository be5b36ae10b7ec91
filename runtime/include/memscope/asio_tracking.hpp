// Asio's custom handler tracking, as memscope uses it: every asynchronous
// operation remembers the task that started it, and its handler runs in that
// task (docs/design.md §3 "Asynchronous operations").
//
// Nobody includes this by hand. The memscope plugin defines
// BOOST_ASIO_CUSTOM_HANDLER_TRACKING and ASIO_CUSTOM_HANDLER_TRACKING to this
// file's path in every translation unit it compiles, unless the program
// already defines its own handler tracking (then the plugin says so in a
// remark and leaves Asio alone). Asio then includes it from
// <boost/asio/detail/handler_tracking.hpp> (or <asio/detail/...>) and expands
// the macros below at each operation's creation, completion and invocation.
//
// Layouts stay as without the plugin, so that translation units compiled
// with and without it link and run together:
//  - *_INHERIT_TRACKED_HANDLER are empty: operation objects gain no base;
//    the runtime keys its table by the operation's address instead;
//  - Asio defines *_ENABLE_HANDLER_TRACKING after including this file,
//    which would add members to use_awaitable_t; the plugin undefines it
//    again right there (FrontendPlugin.cpp, AsioTrackingMacros).
#ifndef MEMSCOPE_ASIO_TRACKING_HPP
#define MEMSCOPE_ASIO_TRACKING_HPP

#include <stdint.h>

extern "C" {
void __memscope_op_created(const void *op, const char *object,
                           const char *name);
uint64_t __memscope_op_resume(const void *op);
void __memscope_suspend(uint64_t saved);
}

namespace memscope_asio_tracking {

// HANDLER_CREATION((context, op, object_type, object, native_handle, name))
template <class Context, class Op, class Object, class Handle>
inline void creation(const Context &, const Op &op, const char *object_type,
                     const Object &, const Handle &,
                     const char *op_name) noexcept {
  __memscope_op_created(static_cast<const void *>(&op), object_type, op_name);
}

// HANDLER_COMPLETION((op)) declares one of these in the operation's
// do_complete, while the operation object still exists. From there to the
// end of that scope everything runs in the task that started the operation:
// not only the handler's upcall (INVOCATION_BEGIN .. _END) but also what
// Asio does for the operation before it (a resolver builds its results
// there). The destructor restores the previous context, also when the
// handler throws.
class completion {
public:
  template <class Op>
  explicit completion(const Op &op) noexcept
      : saved_(__memscope_op_resume(static_cast<const void *>(&op))) {}
  completion(const completion &) = delete;
  completion &operator=(const completion &) = delete;
  ~completion() { __memscope_suspend(saved_); }

  template <class... Args> void invocation_begin(const Args &...) noexcept {}
  void invocation_end() noexcept {}

private:
  uint64_t saved_;
};

} // namespace memscope_asio_tracking

// Boost.Asio
#define BOOST_ASIO_INHERIT_TRACKED_HANDLER
#define BOOST_ASIO_ALSO_INHERIT_TRACKED_HANDLER
#define BOOST_ASIO_HANDLER_TRACKING_INIT (void)0
#define BOOST_ASIO_HANDLER_LOCATION(args) (void)0
#define BOOST_ASIO_HANDLER_CREATION(args)                                      \
  ::memscope_asio_tracking::creation args
#define BOOST_ASIO_HANDLER_COMPLETION(args)                                    \
  ::memscope_asio_tracking::completion memscope_tracked_completion args
#define BOOST_ASIO_HANDLER_INVOCATION_BEGIN(args)                              \
  memscope_tracked_completion.invocation_begin args
#define BOOST_ASIO_HANDLER_INVOCATION_END                                      \
  memscope_tracked_completion.invocation_end()
#define BOOST_ASIO_HANDLER_OPERATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_REGISTRATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_DEREGISTRATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_READ_EVENT 0
#define BOOST_ASIO_HANDLER_REACTOR_WRITE_EVENT 0
#define BOOST_ASIO_HANDLER_REACTOR_ERROR_EVENT 0
#define BOOST_ASIO_HANDLER_REACTOR_EVENTS(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_OPERATION(args) (void)0

// Standalone Asio
#define ASIO_INHERIT_TRACKED_HANDLER
#define ASIO_ALSO_INHERIT_TRACKED_HANDLER
#define ASIO_HANDLER_TRACKING_INIT (void)0
#define ASIO_HANDLER_LOCATION(args) (void)0
#define ASIO_HANDLER_CREATION(args) ::memscope_asio_tracking::creation args
#define ASIO_HANDLER_COMPLETION(args)                                          \
  ::memscope_asio_tracking::completion memscope_tracked_completion args
#define ASIO_HANDLER_INVOCATION_BEGIN(args)                                    \
  memscope_tracked_completion.invocation_begin args
#define ASIO_HANDLER_INVOCATION_END memscope_tracked_completion.invocation_end()
#define ASIO_HANDLER_OPERATION(args) (void)0
#define ASIO_HANDLER_REACTOR_REGISTRATION(args) (void)0
#define ASIO_HANDLER_REACTOR_DEREGISTRATION(args) (void)0
#define ASIO_HANDLER_REACTOR_READ_EVENT 0
#define ASIO_HANDLER_REACTOR_WRITE_EVENT 0
#define ASIO_HANDLER_REACTOR_ERROR_EVENT 0
#define ASIO_HANDLER_REACTOR_EVENTS(args) (void)0
#define ASIO_HANDLER_REACTOR_OPERATION(args) (void)0

#endif // MEMSCOPE_ASIO_TRACKING_HPP
