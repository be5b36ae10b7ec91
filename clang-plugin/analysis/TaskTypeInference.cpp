//===- TaskTypeInference.cpp ----------------------------------------------===//
#include "TaskTypeInference.h"
#include "AnalysisUtil.h"
#include "OwnCodeVisitor.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace memscope {

void TypeSummary::merge(const TypeSummary &O) {
  auto M = [](Evidence &A, const Evidence &B) {
    if (!A.Present && B.Present)
      A = B;
  };
  M(Net, O.Net);
  M(Io, O.Io);
  M(Stream, O.Stream);
  M(Gpu, O.Gpu);
  M(Timer, O.Timer);
  M(Cpu, O.Cpu);
  M(Mem, O.Mem);
  TimerInLoop |= O.TimerInLoop;
  HasArithmetic |= O.HasArithmetic;
  CpuWeight = std::min(CpuWeight + O.CpuWeight, 1000u);
  MemWeight = std::min(MemWeight + O.MemWeight, 1000u);
}

namespace {

enum class Kind { None, Net, Io, Stream, Timer, Gpu, Cpu, CpuHeavy };

// "boost::asio::x" and "asio::x" are the same thing for us.
std::string normalize(std::string N) {
  llvm::StringRef R(N);
  if (R.consume_front("boost::asio::"))
    return "asio::" + R.str();
  return N;
}

Kind classifyRecordName(llvm::StringRef N) {
  if (N.starts_with("asio::experimental::basic_channel") ||
      N.starts_with("asio::experimental::basic_concurrent_channel") ||
      N.starts_with("asio::experimental::channel") ||
      N.starts_with("asio::experimental::concurrent_channel"))
    return Kind::Stream;
  static const llvm::StringSet<> Net = {"asio::basic_socket",
                                        "asio::basic_stream_socket",
                                        "asio::basic_datagram_socket",
                                        "asio::basic_raw_socket",
                                        "asio::basic_seq_packet_socket",
                                        "asio::basic_socket_acceptor",
                                        "asio::ip::basic_resolver",
                                        "asio::ssl::stream",
                                        "asio::basic_socket_streambuf",
                                        "asio::basic_socket_iostream",
                                        "boost::beast::basic_stream",
                                        "boost::beast::ssl_stream",
                                        "boost::beast::websocket::stream",
                                        "boost::beast::flat_stream"};
  static const llvm::StringSet<> Io = {
      "asio::basic_file",
      "asio::basic_stream_file",
      "asio::basic_random_access_file",
      "asio::basic_readable_pipe",
      "asio::basic_writable_pipe",
      "asio::basic_serial_port",
      "asio::posix::basic_descriptor",
      "asio::posix::basic_stream_descriptor",
      "asio::windows::basic_stream_handle",
      "asio::windows::basic_random_access_handle",
      "asio::windows::basic_object_handle",
      "asio::windows::basic_overlapped_handle",
      "boost::beast::file",
      "boost::beast::file_posix",
      "boost::beast::file_stdio",
      "std::basic_fstream",
      "std::basic_ifstream",
      "std::basic_ofstream",
      "std::basic_filebuf"};
  static const llvm::StringSet<> Timer = {"asio::basic_waitable_timer",
                                          "asio::basic_deadline_timer"};
  if (Net.contains(N))
    return Kind::Net;
  if (Io.contains(N) || N.starts_with("std::filesystem::"))
    return Kind::Io;
  if (Timer.contains(N))
    return Kind::Timer;
  if (N.starts_with("sycl::") || N.starts_with("cl::sycl::") ||
      N.starts_with("thrust::"))
    return Kind::Gpu;
  return Kind::None;
}

Kind classifyRecord(const CXXRecordDecl *RD) {
  if (!RD)
    return Kind::None;
  Kind K = classifyRecordName(normalize(plainQualifiedName(RD)));
  if (K != Kind::None || !RD->hasDefinition())
    return K;
  // A user class derived from a socket/file/...: look at the bases.
  for (const CXXBaseSpecifier &B : RD->bases())
    if (const CXXRecordDecl *Base = recordOf(B.getType()))
      if (Base != RD) {
        Kind BK = classifyRecordName(normalize(plainQualifiedName(Base)));
        if (BK != Kind::None)
          return BK;
      }
  return Kind::None;
}

bool startsWithUpperAfter(llvm::StringRef N, llvm::StringRef Prefix) {
  return N.size() > Prefix.size() && N.starts_with(Prefix) &&
         N[Prefix.size()] >= 'A' && N[Prefix.size()] <= 'Z';
}

bool isGlobalOrStd(const FunctionDecl *FD) {
  const DeclContext *DC = FD->getDeclContext()->getRedeclContext();
  return DC->isTranslationUnit() || FD->isInStdNamespace() || FD->isExternC();
}

Kind classifyFreeFunction(const FunctionDecl *FD, llvm::StringRef Q) {
  llvm::StringRef Name = FD->getIdentifier() ? FD->getName() : "";
  // GPU runtimes (C APIs in the global namespace).
  if (FD->getDeclContext()->getRedeclContext()->isTranslationUnit() ||
      FD->isExternC()) {
    for (llvm::StringRef P :
         {"cuda", "cu", "cublas", "cufft", "curand", "cudnn", "cusparse",
          "cusolver", "nccl", "cl", "hip", "hipblas", "rocblas"})
      if (startsWithUpperAfter(Name, P))
        return Kind::Gpu;
  }
  if (Q.starts_with("sycl::") || Q.starts_with("cl::sycl::") ||
      Q.starts_with("thrust::"))
    return Kind::Gpu;
  if (Q.starts_with("boost::beast::http::") ||
      Q.starts_with("boost::beast::websocket::") ||
      Q == "boost::beast::async_detect_ssl" || Q == "boost::beast::detect_ssl")
    return Kind::Net;
  if (Q == "asio::async_connect" || Q == "asio::connect")
    return Kind::Net;
  if (Q.starts_with("std::filesystem::"))
    return Kind::Io;
  if (Q == "std::this_thread::sleep_for" ||
      Q == "std::this_thread::sleep_until")
    return Kind::Timer;
  if (isGlobalOrStd(FD)) {
    static const llvm::StringSet<> Io = {
        "fopen",    "fopen64",  "fdopen",   "freopen", "fread",     "fwrite",
        "fgets",    "fgetc",    "fscanf",   "fseek",   "fseeko",    "ftell",
        "ftello",   "fclose",   "tmpfile",  "getline", "getdelim",  "open",
        "open64",   "openat",   "creat",    "read",    "write",     "pread",
        "pwrite",   "pread64",  "pwrite64", "readv",   "writev",    "preadv",
        "pwritev",  "lseek",    "lseek64",  "fsync",   "fdatasync", "ftruncate",
        "truncate", "unlink",   "rename",   "mkdir",   "rmdir",     "opendir",
        "readdir",  "closedir", "stat",     "fstat",   "lstat",     "sendfile",
        "splice",   "pipe",     "pipe2",    "mkfifo",  "mmap",      "remove"};
    if (Io.contains(Name))
      return Kind::Io;
    static const llvm::StringSet<> Sleep = {"sleep", "usleep", "nanosleep"};
    if (Sleep.contains(Name))
      return Kind::Timer;
    static const llvm::StringSet<> Math = {
        "sqrt",   "cbrt",   "sin",   "cos",  "tan",   "asin", "acos",  "atan",
        "atan2",  "sinh",   "cosh",  "tanh", "exp",   "exp2", "expm1", "log",
        "log2",   "log10",  "log1p", "pow",  "hypot", "fma",  "erf",   "erfc",
        "tgamma", "lgamma", "sqrtf", "sinf", "cosf",  "expf", "logf",  "powf"};
    if (Math.contains(Name))
      return Kind::Cpu;
  }
  if (FD->isInStdNamespace()) {
    static const llvm::StringSet<> Heavy = {
        "sort",      "stable_sort",      "partial_sort",    "nth_element",
        "sort_heap", "next_permutation", "prev_permutation"};
    static const llvm::StringSet<> Algo = {"accumulate",
                                           "reduce",
                                           "transform_reduce",
                                           "inner_product",
                                           "transform",
                                           "adjacent_difference",
                                           "partial_sum",
                                           "inclusive_scan",
                                           "exclusive_scan",
                                           "transform_inclusive_scan",
                                           "transform_exclusive_scan",
                                           "generate",
                                           "min_element",
                                           "max_element",
                                           "minmax_element",
                                           "count_if",
                                           "unique",
                                           "merge",
                                           "inplace_merge",
                                           "make_heap",
                                           "is_sorted",
                                           "search",
                                           "lexicographical_compare",
                                           "partition",
                                           "stable_partition",
                                           "iota"};
    if (Heavy.contains(Name))
      return Kind::CpuHeavy;
    if (Algo.contains(Name))
      return Kind::Cpu;
  }
  return Kind::None;
}

bool isArithmeticOp(BinaryOperatorKind Op) {
  switch (Op) {
  case BO_Mul:
  case BO_Div:
  case BO_Rem:
  case BO_Add:
  case BO_Sub:
  case BO_Shl:
  case BO_Shr:
  case BO_And:
  case BO_Xor:
  case BO_Or:
  case BO_MulAssign:
  case BO_DivAssign:
  case BO_RemAssign:
  case BO_AddAssign:
  case BO_SubAssign:
  case BO_ShlAssign:
  case BO_ShrAssign:
  case BO_AndAssign:
  case BO_XorAssign:
  case BO_OrAssign:
    return true;
  default:
    return false;
  }
}

// Does a loop body co_await or co_yield (an event loop, not computation)?
class AwaitFinder : public OwnCodeVisitor<AwaitFinder> {
public:
  bool Found = false;
  bool VisitCoawaitExpr(CoawaitExpr *) { return !(Found = true); }
  bool VisitCoyieldExpr(CoyieldExpr *) { return !(Found = true); }
  bool VisitDependentCoawaitExpr(DependentCoawaitExpr *) {
    return !(Found = true);
  }
};

bool containsAwait(const Stmt *S) {
  if (!S)
    return false;
  AwaitFinder F;
  F.TraverseStmt(const_cast<Stmt *>(S));
  return F.Found;
}

std::optional<uint64_t> constantValue(const Expr *E, const ASTContext &Ctx) {
  if (!E || E->isValueDependent() || E->isTypeDependent() ||
      E->containsErrors())
    return std::nullopt;
  Expr::EvalResult R;
  if (!E->EvaluateAsInt(R, Ctx) || !R.Val.isInt())
    return std::nullopt;
  const llvm::APSInt &V = R.Val.getInt();
  if (V.isNegative() || V.getActiveBits() > 63)
    return std::nullopt;
  return V.getZExtValue();
}

uint64_t sizeOfType(QualType T, const ASTContext &Ctx) {
  if (T.isNull() || T->isDependentType() || T->isIncompleteType() ||
      !T->isConstantSizeType())
    return 0;
  return Ctx.getTypeSizeInChars(T).getQuantity();
}

} // namespace

class EvidenceWalker : public RecursiveASTVisitor<EvidenceWalker> {
  using Base = RecursiveASTVisitor<EvidenceWalker>;

public:
  EvidenceWalker(TaskTypeInference &Inf, TypeSummary &S, const FunctionDecl *Fn,
                 unsigned Depth)
      : Inf(Inf), Ctx(Inf.Ctx), SM(Inf.Ctx.getSourceManager()), S(S),
        FnName(readableFunctionName(Fn)), Depth(Depth) {}

  bool shouldVisitImplicitCode() const { return false; }
  bool shouldVisitLambdaBody() const { return true; }

  // A spawned coroutine's work is its own task's, not ours.
  bool dataTraverseStmtPre(Stmt *St) {
    if (const auto *CE = dyn_cast_or_null<CallExpr>(St))
      if (Inf.IsSpawn && Inf.IsSpawn(CE))
        return false;
    return true;
  }

  bool TraverseForStmt(ForStmt *L) {
    std::optional<uint64_t> Trips;
    if (const auto *Cond = dyn_cast_or_null<BinaryOperator>(L->getCond()))
      if (Cond->getOpcode() == BO_LT || Cond->getOpcode() == BO_LE ||
          Cond->getOpcode() == BO_NE)
        Trips = constantValue(Cond->getRHS(), Ctx);
    return loop(L, L->getBody(), Trips,
                [&] { return Base::TraverseForStmt(L); });
  }
  bool TraverseWhileStmt(WhileStmt *L) {
    return loop(L, L->getBody(), std::nullopt,
                [&] { return Base::TraverseWhileStmt(L); });
  }
  bool TraverseDoStmt(DoStmt *L) {
    return loop(L, L->getBody(), std::nullopt,
                [&] { return Base::TraverseDoStmt(L); });
  }
  bool TraverseCXXForRangeStmt(CXXForRangeStmt *L) {
    return loop(L, L->getBody(), std::nullopt,
                [&] { return Base::TraverseCXXForRangeStmt(L); });
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (!isArithmeticOp(BO->getOpcode()))
      return true;
    QualType T = BO->getType();
    if (T.isNull() || !(T->isArithmeticType()))
      return true;
    arithmetic();
    return true;
  }

  bool VisitCoyieldExpr(CoyieldExpr *Y) {
    S.Stream.set("co_yield", at(Y->getBeginLoc()), FnName);
    return true;
  }

  bool VisitCUDAKernelCallExpr(CUDAKernelCallExpr *K) {
    S.Gpu.set("launches a CUDA kernel", at(K->getBeginLoc()), FnName);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (isa<CUDAKernelCallExpr>(CE))
      return true;
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      return true;
    SourcePoint Where = at(CE->getExprLoc());
    std::string Plain = plainQualifiedName(Callee);
    std::string Norm = normalize(Plain);
    std::string What = "calls " + Plain;
    Kind K = Kind::None;

    if (const auto *MD = dyn_cast<CXXMethodDecl>(Callee)) {
      K = classifyRecord(MD->getParent());
      if (K == Kind::None)
        if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
          if (const Expr *Obj = MCE->getImplicitObjectArgument()) {
            // Asio puts some members in detail:: bases (channels): name
            // the class the user holds.
            const CXXRecordDecl *ObjRD =
                recordOf(Obj->IgnoreParenImpCasts()->getType());
            K = classifyRecord(ObjRD);
            if (K != Kind::None && MD->getIdentifier())
              What = "calls " + plainQualifiedName(ObjRD) +
                     "::" + MD->getName().str();
          }
      if (K == Kind::Timer) {
        llvm::StringRef N = MD->getIdentifier() ? MD->getName() : "";
        if (N != "async_wait" && N != "wait")
          K = Kind::None; // expires_after() etc. are not waits
      }
      if (K == Kind::None)
        memberMemory(MD, CE, Where);
    } else {
      K = classifyFreeFunction(Callee, Norm);
      llvm::StringRef N(Norm);
      if (K == Kind::None && N.starts_with("asio::") &&
          (N.ends_with("::async_read") || N.ends_with("::async_write") ||
           N.ends_with("::read") || N.ends_with("::write") ||
           N.ends_with("::async_read_until") || N.ends_with("::read_until") ||
           N.ends_with("_at"))) {
        // By the stream it reads: a socket is network, a file is I/O.
        Kind SK = CE->getNumArgs()
                      ? classifyRecord(recordOf(CE->getArg(0)->getType()))
                      : Kind::None;
        K = (SK == Kind::Io || N.ends_with("_at")) ? Kind::Io : Kind::Net;
      }
      if (K == Kind::None)
        freeMemory(Callee, CE, Where);
    }
    record(K, What, Where);

    // Follow user functions defined in this translation unit.
    const FunctionDecl *Def = definitionOf(Callee);
    // Library code (system headers, a task library's detail namespace) is
    // not followed: when_all's internal co_yield types nobody Streaming.
    if (Def && !isLibraryCode(Def, SM) &&
        Depth < TaskTypeInference::MaxDepth) {
      const TypeSummary &Sub = Inf.summarize(Def, Depth + 1);
      TypeSummary Copy = Sub; // Sub may move when the memo grows
      if (!Loops.empty() && !Loops.back().Event) {
        if (Copy.HasArithmetic) {
          S.Cpu.set("loop calling " + readableFunctionName(Def),
                    at(Loops.back().Loc), FnName);
          arithmetic();
        }
      }
      if (!Loops.empty() && Copy.Timer.Present)
        S.TimerInLoop = true;
      S.merge(Copy);
    }
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (!Ctor)
      return true;
    const CXXRecordDecl *RD = Ctor->getParent();
    Kind K = classifyRecord(RD);
    if (K == Kind::Net || K == Kind::Io || K == Kind::Stream || K == Kind::Gpu)
      record(K, "constructs " + plainQualifiedName(RD), at(CE->getBeginLoc()));
    // std::vector<T> v(n) / std::string s(n, c) with a large constant n.
    if (K == Kind::None && RD && RD->isInStdNamespace() &&
        CE->getNumArgs() >= 1 && !Ctor->isCopyOrMoveConstructor()) {
      llvm::StringRef N = RD->getIdentifier() ? RD->getName() : "";
      if (N == "vector" || N == "basic_string" || N == "deque") {
        if (auto Count = constantValue(CE->getArg(0), Ctx)) {
          uint64_t Elem = elementSize(RD);
          large(*Count * (Elem ? Elem : 1), at(CE->getBeginLoc()));
        }
      }
    }
    const FunctionDecl *Def = definitionOf(Ctor);
    if (Def && !Ctor->isImplicit() && !isLibraryCode(Def, SM) &&
        Depth < TaskTypeInference::MaxDepth) {
      TypeSummary Copy = Inf.summarize(Def, Depth + 1);
      S.merge(Copy);
    }
    return true;
  }

  bool VisitCXXNewExpr(CXXNewExpr *NE) {
    uint64_t Elem = sizeOfType(NE->getAllocatedType(), Ctx);
    uint64_t Bytes = Elem;
    if (NE->isArray()) {
      Bytes = 0;
      if (auto Size = NE->getArraySize())
        if (auto N = constantValue(*Size, Ctx))
          Bytes = *N * (Elem ? Elem : 1);
    }
    if (Bytes >= kLargeAllocationBytes)
      large(Bytes, at(NE->getBeginLoc()));
    else if (inComputeLoop()) {
      S.Mem.set("allocates in a loop", at(NE->getBeginLoc()), FnName);
      S.MemWeight += 1;
    }
    return true;
  }

private:
  struct LoopInfo {
    SourceLocation Loc;
    unsigned Arith = 0;
    bool Event = false;
  };

  template <typename Fn>
  bool loop(Stmt *L, Stmt *Body, std::optional<uint64_t> Trips, Fn Traverse) {
    LoopInfo Info;
    Info.Loc = L->getBeginLoc();
    Info.Event = containsAwait(Body);
    Loops.push_back(Info);
    bool R = Traverse();
    LoopInfo Done = Loops.back();
    Loops.pop_back();
    if (!Done.Event && Done.Arith > 0) {
      unsigned ComputeDepth = 1;
      for (const LoopInfo &O : Loops)
        ComputeDepth += O.Event ? 0 : 1;
      unsigned W = ComputeDepth >= 2 ? 2 : 1;
      if (Trips && *Trips >= kSizeableLoopTrips)
        W += 1;
      S.CpuWeight += W;
      S.Cpu.set(Trips && *Trips >= kSizeableLoopTrips
                    ? "loop of " + std::to_string(*Trips) +
                          " iterations with arithmetic"
                    : std::string("loop with arithmetic"),
                at(Done.Loc), FnName);
    }
    if (!Loops.empty())
      Loops.back().Arith += Done.Arith;
    if (Trips && *Trips >= kSizeableLoopTrips)
      SizeableLoopPending = false;
    return R;
  }

  bool inComputeLoop() const {
    for (const LoopInfo &L : Loops)
      if (!L.Event)
        return true;
    return false;
  }

  void arithmetic() {
    S.HasArithmetic = true;
    if (!Loops.empty())
      ++Loops.back().Arith;
  }

  void record(Kind K, const std::string &What, const SourcePoint &Where) {
    switch (K) {
    case Kind::None:
      return;
    case Kind::Net:
      S.Net.set(What, Where, FnName);
      return;
    case Kind::Io:
      S.Io.set(What, Where, FnName);
      return;
    case Kind::Stream:
      S.Stream.set(What, Where, FnName);
      return;
    case Kind::Gpu:
      S.Gpu.set(What, Where, FnName);
      return;
    case Kind::Timer:
      S.Timer.set(What, Where, FnName);
      if (!Loops.empty())
        S.TimerInLoop = true;
      return;
    case Kind::Cpu:
    case Kind::CpuHeavy:
      S.Cpu.set(What, Where, FnName);
      S.CpuWeight += K == Kind::CpuHeavy ? 2 : 1;
      arithmetic();
      return;
    }
  }

  uint64_t elementSize(const CXXRecordDecl *RD) {
    const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
    if (!Spec || Spec->getTemplateArgs().size() == 0)
      return 0;
    const TemplateArgument &A = Spec->getTemplateArgs()[0];
    if (A.getKind() != TemplateArgument::Type)
      return 0;
    return sizeOfType(A.getAsType(), Ctx);
  }

  void large(uint64_t Bytes, SourcePoint Where) {
    if (Bytes < kLargeAllocationBytes)
      return;
    S.Mem.set("allocates " + std::to_string(Bytes) + " bytes", Where, FnName);
    S.MemWeight += 2;
  }

  // Container growth and large reserve/resize on std containers.
  void memberMemory(const CXXMethodDecl *MD, const CallExpr *CE,
                    const SourcePoint &Where) {
    const CXXRecordDecl *RD = MD->getParent();
    if (!RD || !RD->isInStdNamespace() || !MD->getIdentifier())
      return;
    llvm::StringRef N = MD->getName();
    if ((N == "reserve" || N == "resize") && CE->getNumArgs() >= 1) {
      const Expr *Arg = isa<CXXMemberCallExpr>(CE) ? CE->getArg(0) : nullptr;
      if (Arg)
        if (auto Count = constantValue(Arg, Ctx)) {
          uint64_t Elem = elementSize(RD);
          large(*Count * (Elem ? Elem : 1), Where);
          return;
        }
    }
    bool Grows =
        llvm::StringSwitch<bool>(N)
            .Cases("push_back", "emplace_back", "push_front", "emplace_front",
                   "insert", "emplace", true)
            .Cases("append", "resize", "try_emplace", "insert_or_assign", true)
            .Default(false);
    if (Grows && inComputeLoop()) {
      S.Mem.set("grows " + plainQualifiedName(RD) + " in a loop (" + N.str() +
                    ")",
                Where, FnName);
      S.MemWeight += 1;
    }
  }

  void freeMemory(const FunctionDecl *FD, const CallExpr *CE,
                  const SourcePoint &Where) {
    if (!FD->getIdentifier() || !isGlobalOrStd(FD))
      return;
    llvm::StringRef N = FD->getName();
    if (N == "malloc" || N == "aligned_alloc" || N == "calloc" ||
        N == "realloc") {
      std::optional<uint64_t> Bytes;
      if (N == "malloc" && CE->getNumArgs() == 1)
        Bytes = constantValue(CE->getArg(0), Ctx);
      else if ((N == "aligned_alloc" || N == "realloc") &&
               CE->getNumArgs() == 2)
        Bytes = constantValue(CE->getArg(1), Ctx);
      else if (N == "calloc" && CE->getNumArgs() == 2) {
        auto A = constantValue(CE->getArg(0), Ctx);
        auto B = constantValue(CE->getArg(1), Ctx);
        if (A && B)
          Bytes = *A * *B;
      }
      if (Bytes && *Bytes >= kLargeAllocationBytes)
        large(*Bytes, Where);
      else if (inComputeLoop()) {
        S.Mem.set("calls " + N.str() + " in a loop", Where, FnName);
        S.MemWeight += 1;
      }
    } else if (N == "make_unique" || N == "make_shared") {
      // make_unique<T[]>(n)
      if (CE->getNumArgs() == 1) {
        if (const auto *TA = FD->getTemplateSpecializationArgs())
          if (TA->size() >= 1 && TA->get(0).getKind() == TemplateArgument::Type)
            if (const auto *AT = Ctx.getAsArrayType(TA->get(0).getAsType()))
              if (auto Count = constantValue(CE->getArg(0), Ctx))
                large(*Count * sizeOfType(AT->getElementType(), Ctx), Where);
      }
    }
  }

  SourcePoint at(SourceLocation L) { return presumedPoint(SM, L); }

  TaskTypeInference &Inf;
  ASTContext &Ctx;
  const SourceManager &SM;
  TypeSummary &S;
  std::string FnName;
  unsigned Depth;
  llvm::SmallVector<LoopInfo, 4> Loops;
  bool SizeableLoopPending = false;
};

const TypeSummary &TaskTypeInference::summarize(const FunctionDecl *FD,
                                                unsigned Depth) {
  if (!FD || !FD->getBody())
    return Empty;
  auto It = Memo.find(FD);
  if (It != Memo.end())
    return It->second;
  if (!InProgress.insert(FD).second)
    return Empty; // a cycle: its evidence is collected by the outer walk
  TypeSummary S;
  EvidenceWalker W(*this, S, FD, Depth);
  W.TraverseStmt(const_cast<Stmt *>(FD->getBody()));
  InProgress.erase(FD);
  return Memo[FD] = std::move(S);
}

static std::string describe(const Evidence &E, const std::string &Root) {
  std::string S = E.What + " at " + formatPoint(E.Where);
  if (!E.In.empty() && E.In != Root)
    S += " (in '" + E.In + "')";
  return S;
}

InferredType TaskTypeInference::infer(const FunctionDecl *FD) {
  InferredType R;
  TypeSummary S = summarize(FD, 0);
  std::string Root = readableFunctionName(FD);
  llvm::SmallVector<const Evidence *, 3> IoKinds;
  for (const Evidence *E : {&S.Net, &S.Io, &S.Stream})
    if (E->Present)
      IoKinds.push_back(E);
  const bool CpuSubstantial = S.CpuWeight >= 2;

  if (S.Gpu.Present) {
    if (!IoKinds.empty()) {
      R.Type = TaskType::Mixed;
      R.Explanation =
          describe(S.Gpu, Root) + "; and " + describe(*IoKinds[0], Root);
    } else {
      R.Type = TaskType::GpuCompute;
      R.Explanation = describe(S.Gpu, Root);
    }
    return R;
  }
  if (IoKinds.size() >= 2) {
    R.Type = TaskType::Mixed;
    R.Explanation =
        describe(*IoKinds[0], Root) + "; and " + describe(*IoKinds[1], Root);
    return R;
  }
  if (IoKinds.size() == 1) {
    const Evidence *E = IoKinds[0];
    if (CpuSubstantial && S.Cpu.Present) {
      R.Type = TaskType::Mixed;
      R.Explanation = describe(*E, Root) + "; and " + describe(S.Cpu, Root);
      return R;
    }
    R.Type = E == &S.Net  ? TaskType::NetworkIntensive
             : E == &S.Io ? TaskType::IoIntensive
                          : TaskType::Streaming;
    R.Explanation = describe(*E, Root);
    return R;
  }
  if (S.Mem.Present && S.MemWeight >= S.CpuWeight) {
    R.Type = TaskType::MemoryIntensive;
    R.Explanation = describe(S.Mem, Root);
    return R;
  }
  if (S.Cpu.Present && S.CpuWeight > 0) {
    if (S.TimerInLoop && !CpuSubstantial) {
      R.Type = TaskType::Background;
      R.Explanation = "timer waits in a loop: " + describe(S.Timer, Root);
      return R;
    }
    R.Type = TaskType::CpuIntensive;
    R.Explanation = describe(S.Cpu, Root);
    return R;
  }
  if (S.TimerInLoop) {
    R.Type = TaskType::Background;
    R.Explanation = "only timer waits in a loop: " + describe(S.Timer, Root);
    return R;
  }
  R.Type = TaskType::Unknown;
  R.Explanation =
      S.Timer.Present
          ? "only a timer wait outside any loop: " + describe(S.Timer, Root)
          : std::string("no I/O, computation or allocation "
                        "evidence found");
  return R;
}

} // namespace memscope
