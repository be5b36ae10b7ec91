// A translation unit with errors: the plugin stays silent and the compiler
// reports only the user's error.
// RUN: not %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s --implicit-check-not='memscope:'
#include <boost/asio/awaitable.hpp>
boost::asio::awaitable<void> f() { co_return undefined_name; }
// CHECK: error: use of undeclared identifier 'undefined_name'
