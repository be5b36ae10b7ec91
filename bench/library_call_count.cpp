// Fixed-count loops for callgrind (docs/performance.md, "Library call
// brackets"): `library_call_count_{plain,plugin} WHAT N` runs N iterations
// of WHAT, one call from user code into the library each; the instructions
// of one iteration are (Ir(2N) - Ir(N)) / N (bench/callgrind_counts.py).
//   assign: std::string::assign of 40 bytes into a string that already has
//           the room (out of line in libstdc++.so): one bracketed call
//   push:   std::vector<int>::push_back into reserved capacity (inlined;
//           its growth path stays a call, so the bracket stays)
//   strlen: strlen, known not to allocate: never bracketed
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
char text[64] = "forty bytes of text for the assign loop.";
std::string out(64, ' ');
std::vector<int> numbers;
std::size_t sink = 0;

[[gnu::noinline]] void assign_once(long i) {
  out.assign(text, 40);
  sink += out[static_cast<std::size_t>(i) % 40];
}
[[gnu::noinline]] void push_once(long i) {
  numbers.push_back(static_cast<int>(i));
}
[[gnu::noinline]] void strlen_once(long i) {
  text[0] = static_cast<char>('a' + i % 20);
  sink += std::strlen(text);
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  const long n = std::atol(argv[2]);
  void (*body)(long) = nullptr;
  if (std::strcmp(argv[1], "assign") == 0)
    body = assign_once;
  else if (std::strcmp(argv[1], "push") == 0) {
    numbers.reserve(static_cast<std::size_t>(n));
    body = push_once;
  } else if (std::strcmp(argv[1], "strlen") == 0)
    body = strlen_once;
  else
    return 2;
  for (long i = 0; i < n; ++i)
    body(i);
  std::printf("%zu %zu\n", sink, numbers.size());
}
