// A library compiled without the plugin: its malloc is the process's.
#include <cstdlib>
extern "C" void *plain_lib_malloc(std::size_t n) { return std::malloc(n); }
