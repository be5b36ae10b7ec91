//===- CoroutineAnalysis.h - AST half of memscope.so -----------*- C++ -*-===//
//
// Finds every coroutine in the translation unit, the spawn sites, the task
// roots, and infers the task type of each root; fills ModuleFacts for the IR
// pass and, with -fplugin-arg-memscope-explain, says why.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_COROUTINEANALYSIS_H
#define MEMSCOPE_COROUTINEANALYSIS_H

#include "PluginOptions.h"
#include "Remarks.h"
#include "TaskFacts.h"
#include "clang/AST/ASTConsumer.h"
#include <memory>

namespace clang {
class CompilerInstance;
}

namespace memscope {

std::unique_ptr<clang::ASTConsumer>
createCoroutineAnalysis(clang::CompilerInstance &CI,
                        const PluginOptions &Options,
                        std::shared_ptr<ModuleFacts> Facts,
                        std::shared_ptr<RemarkSink> Remarks);

} // namespace memscope

#endif // MEMSCOPE_COROUTINEANALYSIS_H
