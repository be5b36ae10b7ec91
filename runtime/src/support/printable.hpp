// A value (a path, a setting) as it can stand in one stderr line: control
// characters as \xNN, cut to kShownLimit characters (then "..."). Without
// allocation, so that start-up checks, the exporters and the exit-time
// writer say the same thing the same way. Every message that quotes a
// MEMSCOPE_* value (or anything else from outside) goes through shown().
#ifndef MEMSCOPE_RT_PRINTABLE_HPP
#define MEMSCOPE_RT_PRINTABLE_HPP

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace memscope::detail {

// Long enough to recognise a path, short enough that a line stays a line:
// at most this many characters of output (escapes included), then "...".
inline constexpr std::size_t kShownLimit = 160;

struct Shown {
  char text[kShownLimit + 4];
};

// `limit` (at most kShownLimit): a shorter cut, for a line that has more
// to say after the value.
inline Shown shown(std::string_view value,
                   std::size_t limit = kShownLimit) noexcept {
  Shown p{};
  std::size_t out = 0, i = 0;
  for (; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool control = c < 0x20 || c == 0x7f;
    if (out + (control ? 4 : 1) > limit)
      break;
    if (control) {
      std::snprintf(p.text + out, 5, "\\x%02x", c);
      out += 4;
    } else {
      p.text[out++] = static_cast<char>(c);
    }
  }
  if (i < value.size())
    for (int k = 0; k < 3; ++k)
      p.text[out++] = '.';
  p.text[out] = '\0';
  return p;
}

inline Shown shown(const char *value) noexcept {
  return shown(std::string_view(value ? value : ""));
}

} // namespace memscope::detail

#endif // MEMSCOPE_RT_PRINTABLE_HPP
