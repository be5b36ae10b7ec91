// A minimal JSON emitter on top of fmt: correct string escaping (control
// characters, quotes, backslashes; invalid UTF-8 becomes U+FFFD so that the
// document always parses) and finite numbers.
#ifndef MEMSCOPE_RT_JSON_WRITER_HPP
#define MEMSCOPE_RT_JSON_WRITER_HPP

#include <fmt/format.h>

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace memscope::detail {

class JsonWriter {
public:
  explicit JsonWriter(fmt::memory_buffer &out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);

  void string(std::string_view s);
  void number(std::uint64_t v);
  void number(std::int64_t v);
  void number(double v);
  void boolean(bool v);
  void null();

  // key + value in one call.
  template <typename T> void field(std::string_view k, T v) {
    key(k);
    value(v);
  }
  void field_null(std::string_view k) {
    key(k);
    null();
  }

private:
  void value(std::string_view v) { string(v); }
  void value(const char *v) { string(v); }
  void value(double v) { number(v); }
  void value(bool v) { boolean(v); }
  template <typename I> void value(I v) {
    if constexpr (std::is_signed_v<I>)
      number(static_cast<std::int64_t>(v));
    else
      number(static_cast<std::uint64_t>(v));
  }
  void separate();
  void write_string(std::string_view s);
  void open(char c);
  void close(char c);

  fmt::memory_buffer &out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

} // namespace memscope::detail

#endif // MEMSCOPE_RT_JSON_WRITER_HPP
