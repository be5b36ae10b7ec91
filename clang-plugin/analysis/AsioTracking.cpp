//===- AsioTracking.cpp ---------------------------------------------------===//
//
// Two pieces:
//  1. predefines BOOST_ASIO_CUSTOM_HANDLER_TRACKING and
//     ASIO_CUSTOM_HANDLER_TRACKING as the path of asio_tracking.hpp, which is
//     installed next to memscope.so;
//  2. a preprocessor callback that undefines *_ENABLE_HANDLER_TRACKING right
//     after Asio's handler_tracking.hpp defines it. Asio defines it whenever
//     custom tracking is on, and it adds members to use_awaitable_t; without
//     it every Asio type keeps the layout it has without the plugin, so
//     objects compiled with and without the plugin link together.
//
//===----------------------------------------------------------------------===//
#include "AsioTracking.h"
#include "Remarks.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>
#include <memory>
#include <string>

using namespace clang;

namespace memscope {
namespace {

constexpr const char *TrackingHeader = "asio_tracking.hpp";

// The macros by which a program chooses handler tracking itself.
bool isTrackingSwitch(llvm::StringRef Name) {
  Name.consume_front("BOOST_");
  return Name == "ASIO_CUSTOM_HANDLER_TRACKING" ||
         Name == "ASIO_ENABLE_HANDLER_TRACKING";
}

// Where memscope.so was loaded from: the header sits beside it (in the build
// tree and in the installed lib/memscope/ alike).
std::string headerPath() {
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&headerPath), &Info) || !Info.dli_fname)
    return std::string();
  llvm::SmallString<256> P(Info.dli_fname);
  llvm::sys::fs::make_absolute(P);
  llvm::sys::path::remove_filename(P);
  llvm::sys::path::append(P, TrackingHeader);
  return std::string(P);
}

class AsioTrackingMacros : public PPCallbacks {
public:
  AsioTrackingMacros(Preprocessor &PP, RemarkSink &Remarks)
      : PP(PP), Remarks(Remarks) {}

  void MacroDefined(const Token &NameTok, const MacroDirective *MD) override {
    IdentifierInfo *II = NameTok.getIdentifierInfo();
    if (!II || !isTrackingSwitch(II->getName()))
      return;
    SourceManager &SM = PP.getSourceManager();
    SourceLocation Loc = NameTok.getLocation();
    if (SM.isWrittenInBuiltinFile(Loc) || SM.isWrittenInCommandLineFile(Loc))
      return; // ours, in the predefines
    llvm::StringRef File = SM.getFilename(SM.getSpellingLoc(Loc));
    bool InAsio = File.ends_with("asio/detail/handler_tracking.hpp");
    if (InAsio && II->getName().ends_with("ENABLE_HANDLER_TRACKING") &&
        !UserTracking) {
      PP.appendMacroDirective(II, new (PP.getPreprocessorAllocator())
                                      UndefMacroDirective(Loc));
      return;
    }
    if (InAsio || UserTracking)
      return;
    UserTracking = true;
    if (II->getName().ends_with("CUSTOM_HANDLER_TRACKING"))
      Remarks.remark(Loc, "'" + II->getName() +
                              "' is defined here: the program's own Asio "
                              "handler tracking replaces memscope's, so "
                              "asynchronous operations in this translation "
                              "unit run outside their tasks");
    else
      Remarks.remark(Loc, "'" + II->getName() +
                              "' is defined here: memscope's handler "
                              "tracking takes the place of Asio's own in this "
                              "translation unit (Asio writes no tracking "
                              "log); define it with -D to keep Asio's");
  }

  // Defined here although it does nothing: PPCallbacks' own definition
  // lives in libclang with a signature that differs between Clang
  // versions, and a vtable slot bound to it would keep memscope.so from
  // loading into another Clang at all (FrontendPlugin.cpp refuses those
  // with a clear line instead).
  void HasInclude(SourceLocation, llvm::StringRef, bool, OptionalFileEntryRef,
                  SrcMgr::CharacteristicKind) override {}

private:
  Preprocessor &PP;
  RemarkSink &Remarks;
  bool UserTracking = false;
};

} // namespace

void enableAsioTracking(CompilerInstance &CI, RemarkSink &Remarks) {
  if (!CI.hasPreprocessor())
    return;
  for (const auto &[Macro, IsUndef] : CI.getPreprocessorOpts().Macros) {
    llvm::StringRef Name = llvm::StringRef(Macro).split('=').first;
    if (!IsUndef && isTrackingSwitch(Name)) {
      Remarks.remark(SourceLocation(),
                     "-D" + Name +
                         " given: the program's own Asio handler tracking "
                         "replaces memscope's, so asynchronous operations "
                         "run outside their tasks");
      return;
    }
  }
  std::string Header = headerPath();
  if (Header.empty() || !llvm::sys::fs::exists(Header)) {
    Remarks.remark(SourceLocation(),
                   "Asio operations are not followed into their tasks: '" +
                       Header + "' is missing; reinstall memscope");
    return;
  }
  // #include "..." takes no escapes: a path with a quote or a line break
  // cannot be named in it.
  if (llvm::StringRef(Header).find_first_of("\"\n\r") != llvm::StringRef::npos) {
    Remarks.remark(SourceLocation(),
                   "Asio operations are not followed into their tasks: "
                   "memscope is installed under a path with a quote or a "
                   "line break in it; install it elsewhere");
    return;
  }
  Preprocessor &PP = CI.getPreprocessor();
  std::string Quoted = "\"" + Header + "\"";
  std::string Defines = PP.getPredefines();
  Defines += "#define BOOST_ASIO_CUSTOM_HANDLER_TRACKING " + Quoted + "\n";
  Defines += "#define ASIO_CUSTOM_HANDLER_TRACKING " + Quoted + "\n";
  PP.setPredefines(std::move(Defines));
  PP.addPPCallbacks(std::make_unique<AsioTrackingMacros>(PP, Remarks));
}

} // namespace memscope
