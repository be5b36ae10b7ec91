// MEMSCOPE_RARE_CALL: for an out-of-line function that the allocation path
// calls only on a rare branch (a flush, a peak raised). It saves every
// register it uses (clang's preserve_most), so the fast path around the call
// keeps its values in registers instead of saving them in its prologue for a
// call it almost never makes.
#ifndef MEMSCOPE_RT_RARE_CALL_HPP
#define MEMSCOPE_RT_RARE_CALL_HPP

#if defined(__clang__) && defined(__x86_64__)
#define MEMSCOPE_RARE_CALL [[clang::preserve_most]]
#else
#define MEMSCOPE_RARE_CALL
#endif

#endif // MEMSCOPE_RT_RARE_CALL_HPP
