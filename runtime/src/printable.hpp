// A value (a path, a setting) as it can stand in one stderr line: control
// characters as \xNN, at most Limit input characters (then "..."). Without
// allocation, so that start-up checks and the exit-time writer say the same
// thing the same way.
#ifndef MEMSCOPE_RT_PRINTABLE_HPP
#define MEMSCOPE_RT_PRINTABLE_HPP

#include <cstddef>
#include <cstdio>

namespace memscope::detail {

template <std::size_t Limit> struct Printable {
  char text[Limit * 4 + 4];
};

template <std::size_t Limit>
Printable<Limit> printable(const char *value) noexcept {
  Printable<Limit> p{};
  std::size_t out = 0, i = 0;
  for (; value[i] != '\0' && i < Limit; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f)
      out += static_cast<std::size_t>(
          std::snprintf(p.text + out, 5, "\\x%02x", c));
    else
      p.text[out++] = static_cast<char>(c);
  }
  if (value[i] != '\0')
    for (int k = 0; k < 3; ++k)
      p.text[out++] = '.';
  p.text[out] = '\0';
  return p;
}

} // namespace memscope::detail

#endif // MEMSCOPE_RT_PRINTABLE_HPP
