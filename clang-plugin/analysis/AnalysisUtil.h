//===- AnalysisUtil.h - Small AST helpers for CoroutineAnalysis -*- C++ -*-===//
#ifndef MEMSCOPE_ANALYSISUTIL_H
#define MEMSCOPE_ANALYSISUTIL_H

#include "TaskFacts.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceLocation.h"
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class SourceManager;
class CXXRecordDecl;
} // namespace clang

namespace memscope {

// The presumed location codegen puts into DILocations for Loc
// (SourceManager::getPresumedLoc: macro locations resolve to their expansion).
SourcePoint presumedPoint(const clang::SourceManager &SM,
                          clang::SourceLocation Loc);
std::string formatPoint(const SourcePoint &P); // "file:line:col"

// "boost::asio::basic_stream_socket::async_read_some": the enclosing
// namespaces and classes by name, without template arguments and without
// inline or anonymous namespaces.
std::string plainQualifiedName(const clang::NamedDecl *D);

// The record behind T (through references, pointers, typedefs, arrays and
// template specialization sugar), or null.
const clang::CXXRecordDecl *recordOf(clang::QualType T);

// The coroutine body of FD if FD is a coroutine definition, else null.
bool isCoroutineDefinition(const clang::FunctionDecl *FD);

// Why a function is transparent library code (DESIGN §3), or "" when it is
// user code: defined in a system header, inside a library-internal
// namespace (detail, impl, internal: a task library's wrappers such as
// when_all or a self-deleting spawn task), or under one of `TransparentDirs`
// (-fplugin-arg-memscope-transparent).
std::string transparentReason(const clang::FunctionDecl *FD,
                              const clang::SourceManager &SM,
                              const std::vector<std::string> &TransparentDirs);

inline bool isLibraryCode(const clang::FunctionDecl *FD,
                          const clang::SourceManager &SM) {
  return !transparentReason(FD, SM, {}).empty();
}

// A synchronous generator: its body yields with co_yield and never uses
// co_await (the implicit initial and final suspends do not count).
bool isSynchronousGenerator(const clang::FunctionDecl *FD);

// The function whose body codegen emits for FD (its definition), or null.
const clang::FunctionDecl *definitionOf(const clang::FunctionDecl *FD);

// [[memscope::task_root]] / [[memscope::task_type]] on any redeclaration or
// the template pattern.
bool hasTaskRootAttr(const clang::FunctionDecl *FD);
// [[memscope::task_type("cpu")]] becomes AnnotateAttr("memscope.task_type=" +
// the TaskType's JSON name) (Attributes.cpp).
inline constexpr const char *TaskTypeAnnotationPrefix = "memscope.task_type=";
// Returns the type when a valid [[memscope::task_type("...")]] is present.
std::optional<TaskType> explicitTaskType(const clang::FunctionDecl *FD);

// Readable name for remarks and reports: qualified, with template
// arguments, lambdas as "<enclosing function>()::lambda#N" (N counts the
// lambdas of that function's body in source order, from 1), or
// "lambda at file:line:col" when there is no enclosing function.
// WithParams appends the parameter types: "session(tcp::socket)".
std::string readableFunctionName(const clang::FunctionDecl *FD,
                                 bool WithParams = false);

// Strips what sits between a spawn function's parameter and the expression
// the user wrote: implicit casts, parens, temporaries, cleanups, copy/move
// constructions, std::move/std::forward, functional casts to the same type.
const clang::Expr *stripArgument(const clang::Expr *E);

} // namespace memscope

#endif // MEMSCOPE_ANALYSISUTIL_H
