// Everything a program needs to query memscope from its own code. Programs
// do not have to include anything to be profiled: the plugin and the runtime
// do that on their own.
#ifndef MEMSCOPE_MEMSCOPE_HPP
#define MEMSCOPE_MEMSCOPE_HPP

#include "memscope/abi.h"
#include "memscope/snapshot.hpp"
#include "memscope/task_type.hpp"

#endif // MEMSCOPE_MEMSCOPE_HPP
