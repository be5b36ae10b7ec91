// A user header (-I): coroutines here are instrumented like any user code.
#pragma once
#include "coro.h"

inline task user_header_helper(int *out) {
  *out = 1;
  co_return;
}
