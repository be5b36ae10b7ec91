// Asio handler tracking chosen by the program: with -D the program's choice
// wins and the plugin leaves Asio alone; defined in the source, memscope's
// tracking is already in place and the remark says what that means. Either
// way one remark, and the object still compiles.
// RUN: %memscope_cxx -O1 -DBOOST_ASIO_ENABLE_HANDLER_TRACKING -c -o %t.o %s 2>&1 | FileCheck %s --check-prefix=CMDLINE
// RUN: test -f %t.o
// RUN: %memscope_cxx -O1 -DDEFINE_IN_SOURCE -c -o %t2.o %s 2>&1 | FileCheck %s --check-prefix=SOURCE
// RUN: test -f %t2.o
// CMDLINE: remark: memscope: -DBOOST_ASIO_ENABLE_HANDLER_TRACKING given: the program's own Asio handler tracking replaces memscope's
// SOURCE: asio-own-handler-tracking.cpp:[[@LINE+2]]:9: remark: memscope: 'BOOST_ASIO_ENABLE_HANDLER_TRACKING' is defined here: memscope's handler tracking takes the place of Asio's own
#ifdef DEFINE_IN_SOURCE
#define BOOST_ASIO_ENABLE_HANDLER_TRACKING
#endif
#include <boost/asio.hpp>

boost::asio::awaitable<void> session() { co_return; }
