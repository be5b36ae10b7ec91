//===- SiteTable.h - The per-module table of memscope_site records -*- C++
//-*-===//
//
// Every site the IR pass hands to the runtime is a private global of type
// { ptr, ptr, ptr, i32 x 6 } (runtime/include/memscope/abi.h memscope_site)
// in the section "memscope_sites". The section of the whole link unit is
// enumerated with __start_/__stop_ symbols and registered once per DSO from a
// module constructor, the way SanitizerCoverage registers its guard arrays.
//
//===----------------------------------------------------------------------===//
#ifndef MEMSCOPE_SITETABLE_H
#define MEMSCOPE_SITETABLE_H

#include "TaskFacts.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace llvm {
class Constant;
class GlobalVariable;
class Module;
class StructType;
} // namespace llvm

namespace memscope {

class SiteTable {
public:
  static constexpr const char *SectionName = "memscope_sites";

  explicit SiteTable(llvm::Module &M);

  // Kind/flags/task type as numbered in abi.h. Spawn may be null.
  llvm::GlobalVariable *add(unsigned Kind, llvm::StringRef File,
                            llvm::StringRef Function, unsigned Line,
                            unsigned Column, unsigned Flags, unsigned TaskType,
                            llvm::GlobalVariable *Spawn = nullptr);

  // SPAWN sites are shared by everything that names the same spawn point.
  llvm::GlobalVariable *spawnSite(const SourcePoint &Point,
                                  llvm::StringRef Function, unsigned TaskType,
                                  bool Explicit, bool Deferred = false);

  // ALLOC sites (a `new` expression, or a user call into library code that
  // may allocate) are shared by everything at the same point in the same
  // function, so the report shows one row per line and column.
  llvm::GlobalVariable *allocSite(const SourcePoint &Point,
                                  llvm::StringRef Function);

  bool empty() const { return Sites.empty(); }
  size_t size() const { return Sites.size(); }

  // Keeps the sites alive and emits the registering constructor. Does
  // nothing when no site was added.
  void finish();

  llvm::StructType *siteType() const { return SiteTy; }

private:
  llvm::Constant *string(llvm::StringRef S);

  llvm::Module &M;
  llvm::StructType *SiteTy;
  std::vector<llvm::GlobalVariable *> Sites;
  llvm::StringMap<llvm::Constant *> Strings;
  std::map<
      std::tuple<std::string, unsigned, unsigned, std::string, unsigned,
                 unsigned>,
      llvm::GlobalVariable *>
      SpawnSites;
  std::map<std::tuple<std::string, unsigned, unsigned, std::string>,
           llvm::GlobalVariable *>
      AllocSites;
};

} // namespace memscope

#endif // MEMSCOPE_SITETABLE_H
