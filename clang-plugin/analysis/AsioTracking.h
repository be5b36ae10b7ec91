//===- AsioTracking.h - Switch on Asio handler tracking --------*- C++ -*-===//
//
// Makes Asio include memscope/asio_tracking.hpp as its custom handler
// tracking in the translation unit being compiled, so that each asynchronous
// operation runs in the task that started it (docs/design.md §3). Users change
// nothing; a program with its own handler tracking keeps it, with a remark.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_ASIOTRACKING_H
#define MEMSCOPE_ASIOTRACKING_H

namespace clang {
class CompilerInstance;
}

namespace memscope {

class RemarkSink;

// Call once the preprocessor exists and before parsing starts.
void enableAsioTracking(clang::CompilerInstance &CI, RemarkSink &Remarks);

} // namespace memscope

#endif // MEMSCOPE_ASIOTRACKING_H
