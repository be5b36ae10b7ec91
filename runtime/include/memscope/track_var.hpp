// MEMSCOPE_TRACK_VAR(x): records, in the current task, a named variable,
// its type and the heap bytes it owns at that moment (a vector's capacity,
// a string's buffer, a unique_ptr's object, ...). Recording is lock-free and
// allocation-free: it never blocks an executor thread (see async_runtime.hpp).
//
// Owned bytes are computed by memscope::heap_bytes(x). Make your own types
// count by declaring, in their namespace,
//   std::size_t memscope_heap_bytes(const MyType &);
// which heap_bytes finds by argument-dependent lookup.
#ifndef MEMSCOPE_TRACK_VAR_HPP
#define MEMSCOPE_TRACK_VAR_HPP

#include "memscope/async_runtime.hpp"

#include <array>
#include <cstddef>
#include <deque>
#include <forward_list>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace memscope {

namespace detail {

// The spelled type of T, as a slice of __PRETTY_FUNCTION__ (static storage).
template <class T> constexpr std::string_view type_name() noexcept {
  std::string_view p = __PRETTY_FUNCTION__;
  const std::size_t b = p.find("T = ");
  if (b == std::string_view::npos)
    return "?";
  std::size_t e = p.find_first_of(";]", b);
  if (e == std::string_view::npos)
    e = p.size();
  return p.substr(b + 4, e - b - 4);
}

// Node-based containers: each element lives in its own node (payload plus
// about two pointers of links, as libstdc++ lays them out).
template <class V> constexpr std::size_t node_bytes(std::size_t links) {
  return sizeof(V) + links * sizeof(void *);
}

template <class T, class = void> struct has_adl_heap_bytes : std::false_type {};
template <class T>
struct has_adl_heap_bytes<
    T, std::void_t<decltype(memscope_heap_bytes(std::declval<const T &>()))>>
    : std::true_type {};

} // namespace detail

// Heap bytes directly owned by `v` (not by the elements' own buffers).
template <class T> std::size_t heap_bytes(const T &v) noexcept {
  if constexpr (detail::has_adl_heap_bytes<T>::value) {
    return static_cast<std::size_t>(memscope_heap_bytes(v));
  } else {
    return 0;
  }
}
template <class T, class A>
std::size_t heap_bytes(const std::vector<T, A> &v) noexcept {
  return v.capacity() * sizeof(T);
}
template <class A>
std::size_t heap_bytes(const std::vector<bool, A> &v) noexcept {
  return (v.capacity() + 7) / 8;
}
template <class C, class Tr, class A>
std::size_t heap_bytes(const std::basic_string<C, Tr, A> &s) noexcept {
  // Short strings live inside the object (no heap).
  const auto *obj = reinterpret_cast<const char *>(&s);
  const auto *data = reinterpret_cast<const char *>(s.data());
  if (data >= obj && data < obj + sizeof s)
    return 0;
  return (s.capacity() + 1) * sizeof(C);
}
template <class T, class D>
std::size_t heap_bytes(const std::unique_ptr<T, D> &p) noexcept {
  return p ? sizeof(T) : 0;
}
template <class T>
std::size_t heap_bytes(const std::shared_ptr<T> &p) noexcept {
  return p ? sizeof(T) : 0;
}
template <class T, class A>
std::size_t heap_bytes(const std::list<T, A> &v) noexcept {
  return v.size() * detail::node_bytes<T>(2);
}
template <class T, class A>
std::size_t heap_bytes(const std::forward_list<T, A> &v) noexcept {
  std::size_t n = 0;
  for (auto it = v.begin(); it != v.end(); ++it)
    ++n;
  return n * detail::node_bytes<T>(1);
}
template <class T, class A>
std::size_t heap_bytes(const std::deque<T, A> &v) noexcept {
  return v.size() * sizeof(T);
}
template <class K, class V, class C, class A>
std::size_t heap_bytes(const std::map<K, V, C, A> &m) noexcept {
  return m.size() * detail::node_bytes<std::pair<const K, V>>(4);
}
template <class K, class C, class A>
std::size_t heap_bytes(const std::set<K, C, A> &m) noexcept {
  return m.size() * detail::node_bytes<K>(4);
}
template <class K, class V, class H, class E, class A>
std::size_t heap_bytes(const std::unordered_map<K, V, H, E, A> &m) noexcept {
  return m.size() * detail::node_bytes<std::pair<const K, V>>(2) +
         m.bucket_count() * sizeof(void *);
}
template <class K, class H, class E, class A>
std::size_t heap_bytes(const std::unordered_set<K, H, E, A> &m) noexcept {
  return m.size() * detail::node_bytes<K>(2) +
         m.bucket_count() * sizeof(void *);
}

// Records `value` under `name` (a string literal) in the current task.
template <class T>
void track_var(const char *name, const T &value, const char *file,
               std::uint32_t line) noexcept {
  static constexpr std::string_view type = detail::type_name<T>();
  record_variable(VariableEvent{name, type.data(),
                                static_cast<std::uint32_t>(type.size()), line,
                                file, heap_bytes(value)});
}

} // namespace memscope

#define MEMSCOPE_TRACK_VAR(var)                                                \
  ::memscope::track_var(#var, (var), __FILE__,                                 \
                        static_cast<std::uint32_t>(__LINE__))

#endif // MEMSCOPE_TRACK_VAR_HPP
