//===- AnalysisUtil.cpp ---------------------------------------------------===//
#include "AnalysisUtil.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace memscope {

SourcePoint presumedPoint(const SourceManager &SM, SourceLocation Loc) {
  SourcePoint P;
  if (Loc.isInvalid())
    return P;
  PresumedLoc PL = SM.getPresumedLoc(Loc);
  if (PL.isInvalid())
    return P;
  P.File = PL.getFilename();
  P.Line = PL.getLine();
  P.Column = PL.getColumn();
  return P;
}

std::string formatPoint(const SourcePoint &P) {
  if (P.File.empty())
    return "<unknown location>";
  return P.File + ":" + std::to_string(P.Line) + ":" + std::to_string(P.Column);
}

std::string plainQualifiedName(const NamedDecl *D) {
  if (!D)
    return "";
  llvm::SmallVector<std::string, 8> Parts;
  auto NameOf = [](const NamedDecl *N) -> std::string {
    if (const IdentifierInfo *II = N->getIdentifier())
      return II->getName().str();
    return N->getDeclName().getAsString();
  };
  Parts.push_back(NameOf(D));
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
      Parts.push_back(NS->getName().str());
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      if (RD->getIdentifier())
        Parts.push_back(RD->getName().str());
      else if (const auto *TD = RD->getTypedefNameForAnonDecl())
        Parts.push_back(TD->getName().str());
    } else if (const auto *FD = dyn_cast<FunctionDecl>(DC)) {
      Parts.push_back(NameOf(FD));
    }
  }
  std::string Out;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    if (!Out.empty())
      Out += "::";
    Out += *It;
  }
  return Out;
}

const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  for (int Guard = 0; Guard < 8; ++Guard) {
    T = T.getNonReferenceType();
    if (const Type *Ty = T.getTypePtrOrNull()) {
      if (Ty->isPointerType()) {
        T = Ty->getPointeeType();
        continue;
      }
      if (const ArrayType *AT = Ty->getAsArrayTypeUnsafe()) {
        T = AT->getElementType();
        continue;
      }
      if (Ty->isDependentType())
        return nullptr;
      return Ty->getAsCXXRecordDecl();
    }
    return nullptr;
  }
  return nullptr;
}

bool isCoroutineDefinition(const FunctionDecl *FD) {
  if (!FD || !FD->doesThisDeclarationHaveABody())
    return false;
  return isa_and_nonnull<CoroutineBodyStmt>(FD->getBody());
}

const FunctionDecl *definitionOf(const FunctionDecl *FD) {
  if (!FD)
    return nullptr;
  const FunctionDecl *Def = nullptr;
  if (FD->hasBody(Def) && Def && Def->getBody())
    return Def;
  return nullptr;
}

namespace {
template <typename Fn> void forEachAnnotation(const FunctionDecl *FD, Fn F) {
  if (!FD)
    return;
  llvm::SmallVector<const FunctionDecl *, 4> Decls;
  for (const FunctionDecl *R : FD->redecls())
    Decls.push_back(R);
  if (const FunctionDecl *P = FD->getTemplateInstantiationPattern())
    for (const FunctionDecl *R : P->redecls())
      Decls.push_back(R);
  for (const FunctionDecl *D : Decls)
    for (const auto *A : D->specific_attrs<AnnotateAttr>())
      if (F(A))
        return;
}
} // namespace

std::string transparentReason(const FunctionDecl *FD, const SourceManager &SM,
                              const std::vector<std::string> &TransparentDirs) {
  if (SM.isInSystemHeader(FD->getLocation()))
    return "defined in a system header";
  for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      StringRef N = NS->getName();
      if (N == "detail" || N == "impl" || N == "internal")
        return ("in namespace " + N + " (library-internal)").str();
    }
  if (!TransparentDirs.empty()) {
    PresumedLoc P = SM.getPresumedLoc(SM.getFileLoc(FD->getLocation()));
    if (P.isValid()) {
      SmallString<256> Path(P.getFilename());
      llvm::sys::fs::make_absolute(Path);
      llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
      for (const std::string &Dir : TransparentDirs) {
        SmallString<256> D(Dir);
        llvm::sys::fs::make_absolute(D);
        llvm::sys::path::remove_dots(D, /*remove_dot_dot=*/true);
        StringRef Prefix = D.str().rtrim('/');
        if (StringRef(Path).starts_with(Prefix) &&
            Path.size() > Prefix.size() && Path[Prefix.size()] == '/')
          return "under " + Dir + " (-fplugin-arg-memscope-transparent)";
      }
    }
  }
  return "";
}

namespace {
// Explicit co_await and co_yield in a coroutine's own body (not in lambdas
// defined there, which are functions of their own).
class SuspendFinder : public RecursiveASTVisitor<SuspendFinder> {
public:
  bool Awaits = false, Yields = false;
  bool VisitCoawaitExpr(CoawaitExpr *E) {
    if (!E->isImplicit())
      Awaits = true;
    return true;
  }
  bool VisitDependentCoawaitExpr(DependentCoawaitExpr *) {
    Awaits = true;
    return true;
  }
  bool VisitCoyieldExpr(CoyieldExpr *) {
    Yields = true;
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
};
} // namespace

bool isSynchronousGenerator(const FunctionDecl *FD) {
  const auto *Body = dyn_cast_or_null<CoroutineBodyStmt>(FD->getBody());
  if (!Body)
    return false;
  SuspendFinder F;
  F.TraverseStmt(Body->getBody());
  return F.Yields && !F.Awaits;
}

bool hasTaskRootAttr(const FunctionDecl *FD) {
  bool Found = false;
  forEachAnnotation(FD, [&](const AnnotateAttr *A) {
    if (A->getAnnotation() == "memscope.task_root")
      Found = true;
    return Found;
  });
  return Found;
}

std::optional<TaskType> explicitTaskType(const FunctionDecl *FD) {
  std::optional<TaskType> Result;
  forEachAnnotation(FD, [&](const AnnotateAttr *A) {
    llvm::StringRef Name = A->getAnnotation();
    TaskType T;
    if (Name.consume_front(TaskTypeAnnotationPrefix) && parseTaskType(Name, T)) {
      Result = T;
      return true;
    }
    return false;
  });
  return Result;
}

static bool isStdMoveLike(const CallExpr *CE) {
  if (CE->getNumArgs() != 1)
    return false;
  const FunctionDecl *FD = CE->getDirectCallee();
  if (!FD || !FD->getIdentifier())
    return false;
  llvm::StringRef N = FD->getName();
  if (N != "move" && N != "forward" && N != "move_if_noexcept" &&
      N != "as_const")
    return false;
  return FD->isInStdNamespace();
}

const Expr *stripArgument(const Expr *E) {
  for (int Guard = 0; E && Guard < 32; ++Guard) {
    const Expr *Next = E->IgnoreImplicit();
    if (const auto *PE = dyn_cast<ParenExpr>(Next))
      Next = PE->getSubExpr();
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(Next)) {
      const CXXConstructorDecl *Ctor = CE->getConstructor();
      if (CE->getNumArgs() >= 1 && Ctor &&
          (Ctor->isCopyOrMoveConstructor() || CE->isElidable()) &&
          !isa<CXXTemporaryObjectExpr>(CE))
        Next = CE->getArg(0);
    } else if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(Next)) {
      Next = Cast->getSubExpr();
    } else if (const auto *SC = dyn_cast<CXXStaticCastExpr>(Next)) {
      Next = SC->getSubExpr();
    } else if (const auto *Call = dyn_cast<CallExpr>(Next)) {
      if (isStdMoveLike(Call))
        Next = Call->getArg(0);
    }
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

} // namespace memscope

// ---- readable names -------------------------------------------------------
#include "clang/AST/PrettyPrinter.h"
#include "clang/AST/RecursiveASTVisitor.h"

namespace memscope {
namespace {

class LambdaCollector : public RecursiveASTVisitor<LambdaCollector> {
public:
  llvm::SmallVector<const LambdaExpr *, 8> Found;
  bool shouldVisitLambdaBody() const { return false; }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    Found.push_back(LE);
    return true;
  }
};

PrintingPolicy namePolicy(const ASTContext &Ctx) {
  PrintingPolicy P(Ctx.getLangOpts());
  P.SuppressTagKeyword = true;
  P.SuppressScope = false;
  P.AnonymousTagLocations = false;
  P.SuppressInlineNamespace = true;
  P.PrintCanonicalTypes = false;
  return P;
}

std::string paramList(const FunctionDecl *FD, const PrintingPolicy &P) {
  std::string Out = "(";
  for (unsigned I = 0, N = FD->getNumParams(); I != N; ++I) {
    if (I)
      Out += ", ";
    Out += FD->getParamDecl(I)->getType().getAsString(P);
  }
  if (FD->isVariadic())
    Out += FD->getNumParams() ? ", ..." : "...";
  Out += ")";
  return Out;
}

std::string lambdaName(const CXXMethodDecl *MD, bool WithParams) {
  const CXXRecordDecl *RD = MD->getParent();
  const ASTContext &Ctx = MD->getASTContext();
  PrintingPolicy P = namePolicy(Ctx);
  std::string Suffix;
  if (const auto *FTI = MD->getTemplateSpecializationArgs()) {
    // A generic lambda's specialization: say which one.
    std::string S;
    llvm::raw_string_ostream OS(S);
    OS << "<";
    for (unsigned I = 0; I < FTI->size(); ++I) {
      if (I)
        OS << ", ";
      FTI->get(I).print(P, OS, /*IncludeType=*/false);
    }
    OS << ">";
    Suffix = OS.str();
  }
  if (WithParams && MD->getNumParams())
    Suffix += paramList(MD, P);
  if (const auto *Enclosing =
          dyn_cast_or_null<FunctionDecl>(RD->getDeclContext())) {
    if (const Stmt *Body = Enclosing->getBody()) {
      LambdaCollector C;
      C.TraverseStmt(const_cast<Stmt *>(Body));
      for (unsigned I = 0; I < C.Found.size(); ++I)
        if (C.Found[I]->getLambdaClass() == RD)
          return readableFunctionName(Enclosing, /*WithParams=*/true) +
                 "::lambda#" + std::to_string(I + 1) + Suffix;
    }
  }
  SourcePoint Pt = presumedPoint(Ctx.getSourceManager(), RD->getLocation());
  std::string File = Pt.File;
  size_t Slash = File.find_last_of('/');
  if (Slash != std::string::npos)
    File = File.substr(Slash + 1);
  return "lambda at " + File + ":" + std::to_string(Pt.Line) + ":" +
         std::to_string(Pt.Column) + Suffix;
}

} // namespace

std::string readableFunctionName(const FunctionDecl *FD, bool WithParams) {
  if (!FD)
    return "<unknown>";
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->getParent() && MD->getParent()->isLambda())
      return lambdaName(MD, WithParams);
  const ASTContext &Ctx = FD->getASTContext();
  PrintingPolicy P = namePolicy(Ctx);
  std::string S;
  llvm::raw_string_ostream OS(S);
  FD->getNameForDiagnostic(OS, P, /*Qualified=*/true);
  OS.flush();
  if (WithParams)
    S += paramList(FD, P);
  return S;
}

} // namespace memscope
