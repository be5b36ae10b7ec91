// Used with -isystem: coroutines defined here are "system" (transparent).
#pragma once
#include "../coro.h"

inline task system_helper(int *out) {
  *out = 1;
  int *p = new int(2); // not an ALLOC site: system code
  *out += *p;
  delete p;
  co_return;
}
