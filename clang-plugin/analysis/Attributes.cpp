//===- Attributes.cpp - [[memscope::task_root]], [[memscope::task_type]] --===//
//
// Two plugin attributes, registered with clang::ParsedAttrInfoRegistry:
//
//   [[memscope::task_root]]               every frame of this coroutine starts
//                                         a new task
//   [[memscope::task_type("network")]]    the task type of this coroutine
//                                         (any name parseTaskType accepts)
//
// Both are also spelled __attribute__((memscope_task_root)) and
// __attribute__((memscope_task_type("cpu"))). Sema turns them into
//   AnnotateAttr("memscope.task_root")
//   AnnotateAttr("memscope.task_type=<TaskType name>")
// on the declaration; CoroutineAnalysis looks for those annotations (on any
// redeclaration, and on the template pattern of an instantiation).
//
// Where they may be written:
//   - on a function, member function or function template declaration:
//       [[memscope::task_root]] awaitable<void> session(tcp::socket s);
//   - on a lambda, after the lambda introducer (the C++23 placement, P2173;
//     Clang accepts it in C++20 with -Wc++23-lambda-attributes, a warning
//     that is off unless -pedantic/-Wc++23-extensions):
//       co_spawn(ex, [] [[memscope::task_root]] () -> awaitable<void> {...},
//       ...)
//     There the attribute appertains to the lambda's operator(), which is the
//     coroutine.
//   The position after the lambda's parameter list
//       []() [[memscope::task_root]] -> awaitable<void> {...}
//   appertains to the *type* of operator(); Clang does not hand type-position
//   attributes to plugins (it warns "attribute ignored"), so that placement
//   cannot work; use the one after the introducer.
//
// Mistakes never break the build: a wrong subject, a missing or bad type
// name, or extra arguments are warnings and the attribute is dropped.
//
//===----------------------------------------------------------------------===//
#include "AnalysisUtil.h"
#include "TaskFacts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

using namespace clang;

namespace memscope {
namespace {

void warn(Sema &S, SourceLocation Loc, llvm::StringRef Msg) {
  DiagnosticsEngine &D = S.getDiagnostics();
  unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Warning, "memscope: %0");
  D.Report(Loc, ID) << Msg;
}

bool isFunctionLike(const Decl *D) {
  return isa<FunctionDecl>(D) || isa<FunctionTemplateDecl>(D);
}

// Shared by both attributes: functions, methods, function templates and
// lambda call operators only; anything else is a warning (never an error).
bool appertainsToFunction(Sema &S, const ParsedAttr &Attr, const Decl *D,
                          llvm::StringRef Name) {
  if (isFunctionLike(D))
    return true;
  warn(S, Attr.getLoc(),
       (llvm::Twine("'") + Name +
        "' attribute only applies to functions, member functions and lambdas "
        "(write it after the lambda introducer: [] [[" +
        Name + "]] () -> ...); ignored")
           .str());
  return false;
}

FunctionDecl *asFunction(Decl *D) {
  if (auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
    return FTD->getTemplatedDecl();
  return dyn_cast<FunctionDecl>(D);
}

struct TaskRootAttrInfo : public ParsedAttrInfo {
  TaskRootAttrInfo() {
    OptArgs = 15; // checked by hand: extra arguments are a warning
    static constexpr Spelling S[] = {
        {ParsedAttr::AS_CXX11, "memscope::task_root"},
        {ParsedAttr::AS_C23, "memscope::task_root"},
        {ParsedAttr::AS_GNU, "memscope_task_root"},
        // Clang 19's hasAttribute() looks plugin spellings up without the
        // scope ("task_root"); unless that matches, the parser drops the
        // arguments of [[memscope::...(...)]] before Sema sees them.
        {ParsedAttr::AS_CXX11, "task_root"}};
    Spellings = S;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    return appertainsToFunction(S, Attr, D, "memscope::task_root");
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    FunctionDecl *FD = asFunction(D);
    if (!FD)
      return AttributeNotApplied;
    if (Attr.getNumArgs() != 0)
      warn(S, Attr.getLoc(),
           "'memscope::task_root' takes no arguments; arguments ignored");
    FD->addAttr(AnnotateAttr::Create(S.Context, "memscope.task_root", nullptr,
                                     0, Attr.getRange()));
    return AttributeApplied;
  }
};

struct TaskTypeAttrInfo : public ParsedAttrInfo {
  TaskTypeAttrInfo() {
    OptArgs = 15; // checked by hand: a wrong count is a warning
    static constexpr Spelling S[] = {
        {ParsedAttr::AS_CXX11, "memscope::task_type"},
        {ParsedAttr::AS_C23, "memscope::task_type"},
        {ParsedAttr::AS_GNU, "memscope_task_type"},
        {ParsedAttr::AS_CXX11, "task_type"}}; // see TaskRootAttrInfo
    Spellings = S;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    return appertainsToFunction(S, Attr, D, "memscope::task_type");
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    FunctionDecl *FD = asFunction(D);
    if (!FD)
      return AttributeNotApplied;
    const StringLiteral *Lit = nullptr;
    if (Attr.getNumArgs() == 1 && Attr.isArgExpr(0))
      if (Expr *E = Attr.getArgAsExpr(0))
        Lit = dyn_cast<StringLiteral>(E->IgnoreParenImpCasts());
    if (!Lit || Attr.getNumArgs() != 1) {
      warn(S, Attr.getLoc(),
           (llvm::Twine("'memscope::task_type' takes one string literal, "
                        "one of: ") +
            taskTypeSpellings() + "; attribute ignored")
               .str());
      return AttributeNotApplied;
    }
    TaskType T;
    if (!Lit->isOrdinary() || !parseTaskType(Lit->getString(), T)) {
      warn(S, Lit->getBeginLoc(),
           (llvm::Twine("unknown task type '") +
            (Lit->isOrdinary() ? Lit->getString() : llvm::StringRef("?")) +
            "' in 'memscope::task_type'; valid names: " + taskTypeSpellings() +
            "; attribute ignored")
               .str());
      return AttributeNotApplied;
    }
    // The type goes into the annotation's name, not its arguments: codegen
    // emits annotation arguments as constants and expects Sema's evaluated
    // ConstantExpr there; a bare StringLiteral crashed clang in
    // CodeGenModule::EmitAnnotationArgs.
    FD->addAttr(AnnotateAttr::Create(
        S.Context,
        (llvm::Twine(TaskTypeAnnotationPrefix) + taskTypeName(T)).str(),
        nullptr, 0, Attr.getRange()));
    return AttributeApplied;
  }
};

} // namespace
} // namespace memscope

static clang::ParsedAttrInfoRegistry::Add<memscope::TaskRootAttrInfo>
    TaskRootReg("memscope_task_root", "[[memscope::task_root]]");
static clang::ParsedAttrInfoRegistry::Add<memscope::TaskTypeAttrInfo>
    TaskTypeReg("memscope_task_type", "[[memscope::task_type(\"...\")]]");
