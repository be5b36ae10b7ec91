//===- OwnCodeVisitor.h - Visit one function's own code -------*- C++ -*-===//
//
// The AST analyses ask questions of one function at a time: which spawns
// it makes, which coroutines its `return`s call, whether a loop of it
// awaits. A lambda written inside it is a function of its own (its call
// operator, analysed separately); only its init-captures run here.
//
// RecursiveASTVisitor without implicit code walks a lambda's body whatever
// shouldVisitLambdaBody() says (that hook is only read when the closure
// class is traversed as implicit code), so a visitor that relied on it saw
// every lambda's code as the enclosing function's: a spawn inside a lambda
// was recorded twice, once for a function that has no such call.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_ANALYSIS_OWNCODEVISITOR_H
#define MEMSCOPE_ANALYSIS_OWNCODEVISITOR_H

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"

namespace memscope {

template <typename Derived>
class OwnCodeVisitor : public clang::RecursiveASTVisitor<Derived> {
public:
  bool shouldVisitImplicitCode() const { return false; }
  bool TraverseLambdaExpr(clang::LambdaExpr *L) {
    for (clang::Expr *Init : L->capture_inits())
      if (Init && !this->TraverseStmt(Init))
        return false;
    return true;
  }
};

} // namespace memscope

#endif // MEMSCOPE_ANALYSIS_OWNCODEVISITOR_H
