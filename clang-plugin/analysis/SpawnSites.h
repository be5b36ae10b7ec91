//===- SpawnSites.h - Spawn calls, task roots, coroutine facts -*- C++ -*-===//
//
// Recognises calls to spawn functions (boost::asio::co_spawn, asio::co_spawn,
// memscope::spawn_tracked, memscope::create_tracked and every
// -fplugin-arg-memscope-spawn=<name>, by the callee's qualified name, any
// overload or specialization) and classifies their coroutine argument:
//
//  (a) awaitable form: the argument (after implicit casts, temporaries,
//      copies/moves and std::move) is a call to a coroutine, or to a user
//      function returning a coroutine type -> a SpawnCallFacts;
//  (b) function-object form: the argument is a lambda or a function object
//      whose operator() is a coroutine -> that operator() is a task root;
//  (c) anything else -> not attributed (a remark under explain says why).
//
// Mangled names come from clang::ASTNameGenerator. One caveat the IR side
// must know: lambdas (and other unnamed classes) inside non-inline functions
// are mangled "$_N", where N counts the order in which *the mangler* first
// needed the name; codegen's mangler and ours may see them in different
// orders. We mangle in source order, which is what codegen usually does, but
// a name containing "$_" may still differ in N: match those by
// CoroutineFacts::Location / CoroutineCallPoint as a fallback.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_SPAWNSITES_H
#define MEMSCOPE_SPAWNSITES_H

#include "PluginOptions.h"
#include "Remarks.h"
#include "TaskFacts.h"
#include "clang/AST/Type.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include <memory>
#include <optional>
#include <string>

namespace clang {
class ASTContext;
class ASTNameGenerator;
class CallExpr;
class Expr;
class FunctionDecl;
} // namespace clang

namespace memscope {

class SpawnAnalysis {
public:
  SpawnAnalysis(clang::ASTContext &Ctx, const PluginOptions &Options,
                ModuleFacts &Facts, RemarkSink &Remarks);
  ~SpawnAnalysis();

  // The facts of coroutine definition FD, created (and mangled) on first use.
  // Null when FD is not a coroutine definition or cannot be mangled.
  CoroutineFacts *factsFor(const clang::FunctionDecl *FD);

  // Finds the spawn calls in FD's body (not in the bodies of lambdas
  // defined there: those are functions of their own).
  void scanFunction(const clang::FunctionDecl *FD);

  bool isSpawnCall(const clang::CallExpr *CE) const;

  std::string mangle(const clang::FunctionDecl *FD);

  // Where coroutine FD is first spawned in awaitable form, if it is.
  const SourcePoint *spawnedAt(const clang::FunctionDecl *FD) const;

  struct ExplicitSpawnType {
    TaskType Type;
    std::string Where;
  };
  // A create_tracked(..., TaskType) constant for coroutine FD, if any.
  const ExplicitSpawnType *explicitTypeFor(const clang::FunctionDecl *FD) const;

  // The function called at S.CoroutineCallPoint.
  const clang::FunctionDecl *calleeOf(const SpawnCallFacts &S) const;

private:
  struct ArgClass;
  void handleSpawn(const clang::CallExpr *CE,
                   const clang::FunctionDecl *Caller);
  ArgClass classifyArgument(const clang::Expr *E);
  bool isCoroutineType(clang::QualType T) const;

  clang::ASTContext &Ctx;
  const PluginOptions &Options;
  ModuleFacts &Facts;
  RemarkSink &Remarks;
  std::unique_ptr<clang::ASTNameGenerator> Mangler;
  llvm::StringSet<> SpawnNames;
  mutable llvm::DenseMap<const clang::FunctionDecl *, bool> SpawnCache;
  llvm::DenseMap<const clang::FunctionDecl *, std::string> Mangled;
  llvm::DenseMap<const clang::FunctionDecl *, SourcePoint> SpawnedAt;
  llvm::DenseMap<const clang::FunctionDecl *, ExplicitSpawnType> ExplicitTypes;
  std::vector<const clang::FunctionDecl *> SpawnCallees; // parallel to Spawns
};

} // namespace memscope

#endif // MEMSCOPE_SPAWNSITES_H
