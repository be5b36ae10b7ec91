//===- SiteTable.cpp ------------------------------------------------------===//
#include "SiteTable.h"

#include "memscope/abi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace memscope {

namespace {
// Versioned, as the comdat that keeps one constructor per DSO: modules
// compiled by plugins of two versions keep one each, so each checks its
// version (below).
constexpr const char *CtorName =
    "memscope.module_ctor.v" MEMSCOPE_ABI_STR(MEMSCOPE_ABI_VERSION);
constexpr int CtorPriority = 2; // as SanitizerCoverage: before user ctors
} // namespace

SiteTable::SiteTable(Module &M) : M(M) {
  LLVMContext &C = M.getContext();
  Type *Ptr = PointerType::getUnqual(C);
  Type *I32 = Type::getInt32Ty(C);
  SiteTy = StructType::get(C, {Ptr, Ptr, Ptr, I32, I32, I32, I32, I32, I32});
}

Constant *SiteTable::string(StringRef S) {
  auto It = Strings.find(S);
  if (It != Strings.end())
    return It->second;
  Constant *Init = ConstantDataArray::getString(M.getContext(), S);
  auto *GV =
      new GlobalVariable(M, Init->getType(), /*isConstant=*/true,
                         GlobalValue::PrivateLinkage, Init, "__memscope_str");
  GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  GV->setAlignment(Align(1));
  Strings[S] = GV;
  return GV;
}

GlobalVariable *SiteTable::add(unsigned Kind, StringRef File,
                               StringRef Function, unsigned Line,
                               unsigned Column, unsigned Flags,
                               unsigned TaskType, GlobalVariable *Spawn) {
  LLVMContext &C = M.getContext();
  Type *I32 = Type::getInt32Ty(C);
  Constant *Null = ConstantPointerNull::get(PointerType::getUnqual(C));
  Constant *Fields[] = {string(File),
                        string(Function),
                        Spawn ? static_cast<Constant *>(Spawn) : Null,
                        ConstantInt::get(I32, Line),
                        ConstantInt::get(I32, Column),
                        ConstantInt::get(I32, Kind),
                        ConstantInt::get(I32, Flags),
                        ConstantInt::get(I32, TaskType),
                        ConstantInt::get(I32, 0)};
  const char *Name = Kind == MEMSCOPE_SITE_ALLOC ? "__memscope_site.alloc"
                     : Kind == MEMSCOPE_SITE_COROUTINE
                         ? "__memscope_site.coro"
                         : "__memscope_site.spawn";
  // Not constant: the runtime writes `index` when it registers the table.
  auto *GV = new GlobalVariable(M, SiteTy, /*isConstant=*/false,
                                GlobalValue::PrivateLinkage,
                                ConstantStruct::get(SiteTy, Fields), Name);
  GV->setSection(SectionName);
  GV->setAlignment(Align(8));
  Sites.push_back(GV);
  return GV;
}

GlobalVariable *SiteTable::spawnSite(const SourcePoint &P, StringRef Function,
                                     unsigned TaskType, bool Explicit,
                                     bool Deferred) {
  unsigned Flags = (Explicit ? MEMSCOPE_FLAG_EXPLICIT_TYPE : 0u) |
                   (Deferred ? MEMSCOPE_FLAG_DEFERRED_ROOT : 0u);
  auto Key =
      std::make_tuple(P.File, P.Line, P.Column, Function.str(), TaskType, Flags);
  auto It = SpawnSites.find(Key);
  if (It != SpawnSites.end())
    return It->second;
  GlobalVariable *GV = add(MEMSCOPE_SITE_SPAWN, P.File, Function, P.Line,
                           P.Column, Flags, TaskType);
  SpawnSites[Key] = GV;
  return GV;
}

GlobalVariable *SiteTable::allocSite(const SourcePoint &P,
                                     StringRef Function) {
  auto Key = std::make_tuple(P.File, P.Line, P.Column, Function.str());
  auto It = AllocSites.find(Key);
  if (It != AllocSites.end())
    return It->second;
  GlobalVariable *GV = add(MEMSCOPE_SITE_ALLOC, P.File, Function, P.Line,
                           P.Column, 0, MEMSCOPE_TYPE_UNKNOWN);
  AllocSites[Key] = GV;
  return GV;
}

void SiteTable::finish() {
  if (Sites.empty())
    return;
  std::vector<GlobalValue *> Used(Sites.begin(), Sites.end());
  // llvm.used: the sites are reached only through the section bounds, and on
  // ELF it also marks the section SHF_GNU_RETAIN against --gc-sections.
  appendToUsed(M, Used);

  LLVMContext &C = M.getContext();
  auto Bound = [&](StringRef Name) -> GlobalVariable * {
    if (GlobalVariable *G = M.getNamedGlobal(Name))
      return G;
    auto *G =
        new GlobalVariable(M, SiteTy, /*isConstant=*/false,
                           GlobalValue::ExternalWeakLinkage, nullptr, Name);
    // Hidden: each DSO registers its own table.
    G->setVisibility(GlobalValue::HiddenVisibility);
    return G;
  };
  GlobalVariable *Start = Bound(std::string("__start_") + SectionName);
  GlobalVariable *Stop = Bound(std::string("__stop_") + SectionName);

  Type *Ptr = PointerType::getUnqual(C);
  FunctionCallee Register = M.getOrInsertFunction(
      "__memscope_register_sites",
      FunctionType::get(Type::getVoidTy(C), {Ptr, Ptr}, false));
  if (auto *RF = dyn_cast<Function>(Register.getCallee()))
    RF->addFnAttr(Attribute::NoUnwind);
  // The ABI check (abi.h): the runtime defines only its own version's
  // symbol, so a runtime of another version fails the link with this name.
  FunctionCallee AbiCheck = M.getOrInsertFunction(
      MEMSCOPE_ABI_SYMBOL_NAME, FunctionType::get(Type::getVoidTy(C), false));
  if (auto *AF = dyn_cast<Function>(AbiCheck.getCallee()))
    AF->addFnAttr(Attribute::NoUnwind);

  // One constructor per module; all of a DSO's modules register the same
  // bounds, so a comdat keeps only one of them (the runtime's registration
  // is idempotent anyway).
  Function *Ctor = M.getFunction(CtorName);
  if (Ctor)
    return; // already emitted (the pass ran twice on this module)
  Ctor = Function::Create(FunctionType::get(Type::getVoidTy(C), false),
                          GlobalValue::InternalLinkage, CtorName, M);
  Ctor->addFnAttr(Attribute::NoUnwind);
  Ctor->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  IRBuilder<> B(BasicBlock::Create(C, "entry", Ctor));
  B.CreateCall(AbiCheck);
  B.CreateCall(Register, {Start, Stop});
  B.CreateRetVoid();
  if (Triple(M.getTargetTriple()).supportsCOMDAT()) {
    Ctor->setComdat(M.getOrInsertComdat(CtorName));
    appendToGlobalCtors(M, Ctor, CtorPriority, Ctor);
  } else {
    appendToGlobalCtors(M, Ctor, CtorPriority);
  }
}

} // namespace memscope
