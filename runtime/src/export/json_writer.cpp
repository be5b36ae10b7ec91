#include "export/json_writer.hpp"

#include <cmath>
#include <iterator>

namespace memscope::detail {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], 0 if invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) {
    return static_cast<unsigned char>(s[k]);
  };
  const unsigned char c = b(i);
  std::size_t n;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size())
    return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  // Overlong forms, surrogates, beyond U+10FFFF.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

} // namespace

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (need_comma_)
    out_.push_back(',');
}

void JsonWriter::open(char c) {
  separate();
  out_.push_back(c);
  need_comma_ = false;
}

void JsonWriter::close(char c) {
  out_.push_back(c);
  need_comma_ = true;
}

void JsonWriter::key(std::string_view k) {
  separate();
  write_string(k);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::string(std::string_view s) {
  separate();
  write_string(s);
  need_comma_ = true;
}

void JsonWriter::write_string(std::string_view s) {
  auto it = std::back_inserter(out_);
  out_.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
      case '"':
        fmt::format_to(it, "\\\"");
        break;
      case '\\':
        fmt::format_to(it, "\\\\");
        break;
      case '\n':
        fmt::format_to(it, "\\n");
        break;
      case '\r':
        fmt::format_to(it, "\\r");
        break;
      case '\t':
        fmt::format_to(it, "\\t");
        break;
      case '\b':
        fmt::format_to(it, "\\b");
        break;
      case '\f':
        fmt::format_to(it, "\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7F)
          fmt::format_to(it, "\\u{:04x}", c);
        else
          out_.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      fmt::format_to(it, "\\ufffd");
      ++i;
    } else {
      out_.append(s.data() + i, s.data() + i + n);
      i += n;
    }
  }
  out_.push_back('"');
}

void JsonWriter::number(std::uint64_t v) {
  separate();
  fmt::format_to(std::back_inserter(out_), "{}", v);
  need_comma_ = true;
}

void JsonWriter::number(std::int64_t v) {
  separate();
  fmt::format_to(std::back_inserter(out_), "{}", v);
  need_comma_ = true;
}

void JsonWriter::number(double v) {
  separate();
  if (!std::isfinite(v))
    v = 0; // JSON has no inf/nan; figures are ratios guarded against 0/0
  // Fixed notation with up to 6 decimals: readable, and never "1e-07".
  fmt::format_to(std::back_inserter(out_), "{:.6f}", v);
  need_comma_ = true;
}

void JsonWriter::boolean(bool v) {
  separate();
  fmt::format_to(std::back_inserter(out_), "{}", v ? "true" : "false");
  need_comma_ = true;
}

void JsonWriter::null() {
  separate();
  fmt::format_to(std::back_inserter(out_), "null");
  need_comma_ = true;
}

} // namespace memscope::detail
