// memscope's task-centric API, the C++20 counterpart of the Rust crate's
// async_memory module (see docs/async-api.md):
//
//   co_await memscope::initialize();              // optional, idempotent
//   auto t = memscope::spawn_tracked(ex, work()); // a task; co_await t
//   co_await memscope::create_tracked(parse(),
//   memscope::TaskType::CpuIntensive); auto snap =
//   memscope::get_memory_snapshot(); memscope::AsyncResourceMonitor m; co_await
//   m.start_monitoring(); ... MEMSCOPE_TRACK_VAR(buffer);
//
// Tasks and their memory come from the compiler plugin: spawn_tracked and
// create_tracked are spawn functions to it (the coroutine created in their
// arguments starts a new task; a constant TaskType argument becomes the
// task's explicit type at compile time, any other value at run time).
// Without the plugin everything here still compiles and runs; there are
// then simply no tasks to report.
//
// The "ready" results (initialize(), track_var_async(), the monitor) can be
// co_awaited in any coroutine type (they are plain awaiters) and, with
// Boost.Asio >= 1.81, inside asio::awaitable (they are also async
// operations); with standalone Asio write co_await op(asio::use_awaitable).
// Or just call them and ignore the result.
//
// Asio: Boost.Asio by default; define MEMSCOPE_STANDALONE_ASIO to use
// standalone Asio (<asio.hpp>) instead, or MEMSCOPE_NO_ASIO for neither
// (spawn_tracked is then not declared).
#ifndef MEMSCOPE_ASYNC_MEMORY_HPP
#define MEMSCOPE_ASYNC_MEMORY_HPP

// Asio internals in here are transparent to the plugin (not task owners),
// and spawn_tracked's own co_spawn call is not a spawn site of the user's.
#if defined(__clang__)
#pragma clang system_header
#endif

#include "memscope/async_runtime.hpp"
#include "memscope/snapshot.hpp"
#include "memscope/task_profiles.hpp"
#include "memscope/task_type.hpp"
#include "memscope/track_var.hpp"

#include <coroutine>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#if defined(MEMSCOPE_STANDALONE_ASIO)
// Asio 1.22 (Debian 12's libasio-dev) enables co_await on Clang only when
// told to (its detection looks for <experimental/coroutine>). Effective when
// this header comes first; otherwise compile with -DASIO_HAS_CO_AWAIT=1.
#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT) &&                       \
    !defined(ASIO_DISABLE_CO_AWAIT)
#define ASIO_HAS_CO_AWAIT 1
#endif
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/execution_context.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
namespace memscope::detail {
namespace net = ::asio;
}
#define MEMSCOPE_HAS_ASIO 1
#elif !defined(MEMSCOPE_NO_ASIO) && __has_include(<boost/asio/co_spawn.hpp>)
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/version.hpp>
namespace memscope::detail {
namespace net = ::boost::asio;
}
#define MEMSCOPE_HAS_ASIO 1
#endif

namespace memscope {

// ---- Ready results ----------------------------------------------------------

// The already-known result of a call that did its work synchronously
// (nothing here ever waits). Awaiting it does not suspend; as an Asio async
// operation it completes through the handler's executor.
template <class T> class ready {
public:
  explicit ready(T value) : value_(std::move(value)) {}
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  T await_resume() { return std::move(value_); }
  T get() && { return std::move(value_); }
  const T &get() const & { return value_; }
  operator T() && { return std::move(value_); }
#ifdef MEMSCOPE_HAS_ASIO
  // Constrained so that Asio's await_transform probe (a frame pointer) does
  // not try to instantiate it.
  template <class Token>
  requires(!std::is_pointer_v<std::decay_t<Token>>) auto
  operator()(Token &&token) && {
    return detail::net::async_initiate<Token, void(T)>(
        [](auto handler, T v) {
          auto ex = detail::net::get_associated_executor(handler);
          detail::net::post(
              ex, [h = std::move(handler), v = std::move(v)]() mutable {
                std::move(h)(std::move(v));
              });
        },
        token, std::move(value_));
  }
#endif
private:
  T value_;
};

template <> class ready<void> {
public:
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
#ifdef MEMSCOPE_HAS_ASIO
  template <class Token>
  requires(!std::is_pointer_v<std::decay_t<Token>>) auto
  operator()(Token &&token) const {
    return detail::net::async_initiate<Token, void()>(
        [](auto handler) {
          auto ex = detail::net::get_associated_executor(handler);
          detail::net::post(ex, std::move(handler));
        },
        token);
  }
#endif
};

// ---- Initialisation
// -----------------------------------------------------------

// Reads MEMSCOPE_MODE / MEMSCOPE_ASYNC_MODE (already read at start-up; this
// only makes sure) and returns. Idempotent; tracking works without it.
inline ready<void> initialize() noexcept {
  (void)async_settings();
  return {};
}

// The Rust crate's init_async(): the same as initialize().
inline ready<void> init_async() noexcept { return initialize(); }

// co_await memscope::track_var_async(x): records like MEMSCOPE_TRACK_VAR, in
// the awaiting task. The name is the variable's type (no macro to spell it);
// pass one to name it.
template <class T>
ready<void> track_var_async(const T &value, const char *name = "<async>",
                            const char *file = "",
                            std::uint32_t line = 0) noexcept {
  track_var(name, value, file, line);
  return {};
}

// ---- create_tracked
// -------------------------------------------------------------

// Makes the coroutine created in the argument a task of its own; returns it
// unchanged, to co_await (its result and exceptions come back as usual,
// its memory is the new task's), to co_spawn, or to combine with Asio's
// awaitable operators. Works with any coroutine type.
template <class Awaitable> Awaitable create_tracked(Awaitable awaitable) {
  return awaitable;
}
// Same, with an explicit type that overrides the inferred one.
template <class Awaitable>
Awaitable create_tracked(Awaitable awaitable, TaskType type) {
  set_spawn_task_type(type);
  return awaitable;
}

// ---- AsyncResourceMonitor
// -------------------------------------------------------

class AsyncResourceMonitor {
public:
  ready<void> start_monitoring() {
    start_ns_ = uptime_ns();
    start_task_ = current_task_id();
    running_ = true;
    return {};
  }
  // The analysis of the window (see ResourceAnalysis). Without a start, the
  // window begins when the program did.
  ready<ResourceAnalysis> stop_monitoring() {
    const std::uint64_t stop = uptime_ns();
    const MemorySnapshot s = get_memory_snapshot();
    running_ = false;
    return ready<ResourceAnalysis>(detail::analyse_window(
        s, start_ns_, stop, start_task_, current_task_id()));
  }
  bool is_monitoring() const noexcept { return running_; }

private:
  std::uint64_t start_ns_ = 0;
  std::uint64_t start_task_ = 0;
  bool running_ = false;
};

// ---- spawn_tracked (Asio)
// ---------------------------------------------------------
#ifdef MEMSCOPE_HAS_ASIO

namespace detail {

template <class T> struct join_value {
  using type = T;
  using signature = void(std::exception_ptr, T);
};
template <> struct join_value<void> {
  using type = std::monostate;
  using signature = void(std::exception_ptr);
};

// Shared by the spawned task's completion handler and the tracked_task
// handle. The mutex guards a handful of pointer moves (never a wait on
// work): completion and the first wait may race on a thread pool.
template <class T> struct join_state {
  using value_type = typename join_value<T>::type;
  struct waiter {
    virtual ~waiter() = default;
    virtual void deliver(std::exception_ptr e, value_type v) = 0;
  };
  template <class Handler, class Executor> struct waiter_for final : waiter {
    waiter_for(Handler h, Executor ex) : h(std::move(h)), ex(std::move(ex)) {}
    void deliver(std::exception_ptr e, value_type v) override {
      auto target = net::get_associated_executor(h, ex);
      net::post(target, [h = std::move(h), e, v = std::move(v)]() mutable {
        if constexpr (std::is_void_v<T>)
          std::move(h)(e);
        else
          std::move(h)(e, std::move(v));
      });
    }
    Handler h;
    Executor ex;
  };

  std::mutex m;
  bool done = false, taken = false;
  std::exception_ptr error;
  std::optional<value_type> value;
  std::unique_ptr<waiter> pending;
  std::uint64_t task_id = 0;

  void complete(std::exception_ptr e, value_type v) {
    std::unique_ptr<waiter> w;
    {
      std::lock_guard<std::mutex> lock(m);
      done = true;
      if (pending) {
        w = std::move(pending);
        taken = true;
      } else {
        error = e;
        value.emplace(std::move(v));
      }
    }
    if (w)
      w->deliver(e, std::move(v));
  }
};

template <class E> auto executor_of(E &&e) {
  if constexpr (std::is_convertible_v<std::remove_reference_t<E> &,
                                      net::execution_context &>)
    return e.get_executor();
  else
    return e;
}

// A task's result or exception in one value: what co_await of a
// tracked_task<T> completes with (see awaitable_async_op_handler below).
template <class T> struct join_outcome {
  std::exception_ptr error;
  std::optional<T> value;
};

template <class A> struct is_awaitable : std::false_type {};
template <class T, class E>
struct is_awaitable<net::awaitable<T, E>> : std::true_type {};

template <class F, class = void> struct spawn_result {};
template <class T, class E> struct spawn_result<net::awaitable<T, E>> {
  using type = T;
};
template <class F>
struct spawn_result<F, std::enable_if_t<!is_awaitable<F>::value,
                                        std::void_t<std::invoke_result_t<F &>>>>
    : spawn_result<std::invoke_result_t<F &>> {};

} // namespace detail

// What spawn_tracked returns: a join handle (copies share the task). For the
// task's result: co_await t.join(), or t.async_wait(token) with any Asio
// completion token. An exception that left the task is rethrown there. One
// wait per task.
// (Not itself an async operation: Boost 1.81's co_await of an operation
// completing with (exception_ptr, T) does not compile.)
template <class T> class tracked_task {
public:
  using result_type = T;
  using signature = typename detail::join_value<T>::signature;

  explicit tracked_task(std::shared_ptr<detail::join_state<T>> s)
      : s_(std::move(s)) {}

  // memscope's id of the task (0 when the call was not instrumented, or
  // the type came from a nested create_tracked).
  std::uint64_t id() const noexcept { return s_->task_id; }
  bool is_finished() const {
    std::lock_guard<std::mutex> lock(s_->m);
    return s_->done;
  }

  // co_await t.join(): the task's result (or its exception). A coroutine of
  // this header, so the waiting is charged to the awaiting task.
  detail::net::awaitable<T> join() const {
    if constexpr (std::is_void_v<T>)
      co_await async_wait(detail::net::use_awaitable);
    else
      co_return co_await async_wait(detail::net::use_awaitable);
  }

  // co_await memscope::spawn_tracked(ex, work()) in an asio::awaitable (the
  // seed's `task.await?`): the handle is itself an async operation, so the
  // task's result comes back and its exception is rethrown. Constrained so
  // that Asio's await_transform probe (a frame pointer) does not match.
  // A result completes as one join_outcome (see the end of this header).
  template <class Token>
  requires(!std::is_pointer_v<std::decay_t<Token>>) auto
  operator()(Token &&token) const {
    if constexpr (std::is_void_v<T>) {
      return async_wait(std::forward<Token>(token));
    } else {
      return detail::net::async_initiate<Token, void(detail::join_outcome<T>)>(
          [](auto handler, std::shared_ptr<detail::join_state<T>> s) {
            // Delivered on the awaiting coroutine's executor, as async_wait
            // delivers to any handler.
            auto ex = detail::net::get_associated_executor(handler);
            tracked_task<T>(std::move(s))
                .async_wait(detail::net::bind_executor(
                    ex, [h = std::move(handler)](std::exception_ptr e,
                                                 T v) mutable {
                      std::move(h)(detail::join_outcome<T>{e, std::move(v)});
                    }));
          },
          token, s_);
    }
  }

  template <class Token> auto async_wait(Token &&token) const {
    return detail::net::async_initiate<Token, signature>(
        [](auto handler, std::shared_ptr<detail::join_state<T>> s) {
          using H = decltype(handler);
          auto fallback = detail::net::get_associated_executor(handler);
          using W = typename detail::join_state<T>::template waiter_for<
              H, decltype(fallback)>;
          auto w = std::make_unique<W>(std::move(handler), fallback);
          std::exception_ptr e;
          std::optional<typename detail::join_state<T>::value_type> v;
          {
            std::lock_guard<std::mutex> lock(s->m);
            if (s->taken || (s->done && !s->value)) {
              e = std::make_exception_ptr(std::logic_error(
                  "memscope: a tracked_task's result can be awaited once"));
              v.emplace();
            } else if (s->done) {
              s->taken = true;
              e = s->error;
              v = std::move(s->value);
              s->value.reset();
            } else {
              s->pending = std::move(w);
              return;
            }
          }
          w->deliver(e, std::move(*v));
        },
        token, s_);
  }

private:
  std::shared_ptr<detail::join_state<T>> s_;
};

namespace detail {
template <class T, class ExOrCtx, class Spawnable>
tracked_task<T> spawn_joinable(ExOrCtx &&ex, Spawnable &&what) {
  // The handle's state belongs to the spawner, who keeps the handle (a
  // guard rather than try/catch, so that -fno-exceptions builds work).
  std::shared_ptr<join_state<T>> state;
  {
    struct spawner_scope {
      std::uint64_t saved = enter_spawner_context();
      ~spawner_scope() { leave_spawner_context(saved); }
    } scope;
    state = std::make_shared<join_state<T>>();
  }
  state->task_id = spawn_window_task();
  if constexpr (std::is_void_v<T>)
    net::co_spawn(std::forward<ExOrCtx>(ex), std::forward<Spawnable>(what),
                  [state](std::exception_ptr e) {
                    state->complete(e, std::monostate{});
                  });
  else
    net::co_spawn(std::forward<ExOrCtx>(ex), std::forward<Spawnable>(what),
                  [state](std::exception_ptr e, T v) {
                    state->complete(e, std::move(v));
                  });
  return tracked_task<T>(std::move(state));
}
} // namespace detail

// Starts `what` (an awaitable made in the argument, e.g. work(), or a
// function object returning one) as a new task on `ex` (an executor or an
// execution context) and returns its join handle.
template <
    class ExOrCtx, class Spawnable,
    class T = typename detail::spawn_result<std::decay_t<Spawnable>>::type>
tracked_task<T> spawn_tracked(ExOrCtx &&ex, Spawnable &&what) {
  return detail::spawn_joinable<T>(std::forward<ExOrCtx>(ex),
                                   std::forward<Spawnable>(what));
}

// Same, with an explicit task type (wins over the inferred one).
template <
    class ExOrCtx, class Spawnable,
    class T = typename detail::spawn_result<std::decay_t<Spawnable>>::type>
tracked_task<T> spawn_tracked(ExOrCtx &&ex, Spawnable &&what, TaskType type) {
  set_spawn_task_type(type);
  return detail::spawn_joinable<T>(std::forward<ExOrCtx>(ex),
                                   std::forward<Spawnable>(what));
}

// Same, with a name for the task ("session 9"; see set_task_name), and
// optionally an explicit type.
template <
    class ExOrCtx, class Spawnable,
    class T = typename detail::spawn_result<std::decay_t<Spawnable>>::type>
tracked_task<T> spawn_tracked(ExOrCtx &&ex, Spawnable &&what,
                              std::string_view name) {
  tracked_task<T> t = detail::spawn_joinable<T>(std::forward<ExOrCtx>(ex),
                                                std::forward<Spawnable>(what));
  set_task_name(t.id(), name);
  return t;
}
template <
    class ExOrCtx, class Spawnable,
    class T = typename detail::spawn_result<std::decay_t<Spawnable>>::type>
tracked_task<T> spawn_tracked(ExOrCtx &&ex, Spawnable &&what, TaskType type,
                              std::string_view name) {
  set_spawn_task_type(type);
  return spawn_tracked(std::forward<ExOrCtx>(ex), std::forward<Spawnable>(what),
                       name);
}

// co_spawn's form: a completion token (detached, use_awaitable, a handler)
// instead of a join handle.
template <class ExOrCtx, class Spawnable, class Token>
requires(!std::is_same_v<std::decay_t<Token>, TaskType> &&
         !std::is_convertible_v<
             Token, std::string_view>) auto spawn_tracked(ExOrCtx &&ex,
                                                          Spawnable &&what,
                                                          Token &&token) {
  return detail::net::co_spawn(std::forward<ExOrCtx>(ex),
                               std::forward<Spawnable>(what),
                               std::forward<Token>(token));
}

#endif // MEMSCOPE_HAS_ASIO

} // namespace memscope

#if defined(MEMSCOPE_HAS_ASIO) && defined(BOOST_ASIO_VERSION) &&               \
    BOOST_ASIO_VERSION >= 102200
// How co_await in an asio::awaitable resumes with a join_outcome<T>: returns
// the value or rethrows the exception. Asio's own handler for a completion
// of (exception_ptr, T) is the obvious choice but does not compile in
// Boost 1.81 (its resume() dereferences the result struct: `if (*result)`),
// so the outcome travels as one argument and this specialisation, modelled
// on Asio's R(T) one, unpacks it. Only memscope's own type is involved.
namespace boost::asio::detail {
template <typename R, typename T, typename Executor>
class awaitable_async_op_handler<R(memscope::detail::join_outcome<T>), Executor>
    : public awaitable_thread<Executor> {
public:
  typedef memscope::detail::join_outcome<T> *result_type;

  awaitable_async_op_handler(awaitable_thread<Executor> *h, result_type &result)
      : awaitable_thread<Executor>(std::move(*h)), result_(result) {}

  void operator()(memscope::detail::join_outcome<T> outcome) {
    result_ = &outcome;
    this->entry_point()->top_of_stack_->attach_thread(this);
    this->entry_point()->top_of_stack_->clear_cancellation_slot();
    this->pump();
  }

  static T resume(result_type &result) {
    if (result->error)
      std::rethrow_exception(std::exchange(result->error, nullptr));
    return std::move(*result->value);
  }

private:
  result_type &result_;
};
} // namespace boost::asio::detail
#endif

#endif // MEMSCOPE_ASYNC_MEMORY_HPP
