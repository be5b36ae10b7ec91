// A program without coroutines, linked with the static runtime: the
// allocator and the exit report come with the runtime all the same.
#include <cstdio>
#include <cstdlib>
#include <vector>

void *volatile g_kept;

int main() {
  g_kept = std::malloc(500000);
  std::vector<int> *v = new std::vector<int>(1000);
  g_kept = v;
  std::printf("no coroutines: %zu\n", v->size());
  return 0;
}
