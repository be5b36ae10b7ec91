// Everything a program needs to query memscope from its own code. Programs
// do not have to include anything to be profiled: the plugin and the runtime
// do that on their own. The compiler's hooks (memscope/abi.h) are the
// plugin's contract with the runtime, not API: they are not included here.
#ifndef MEMSCOPE_MEMSCOPE_HPP
#define MEMSCOPE_MEMSCOPE_HPP

#include "memscope/snapshot.hpp"
#include "memscope/task_type.hpp"

#endif // MEMSCOPE_MEMSCOPE_HPP
