//===- PassPlugin.cpp - memscope.so entry point ---------------------------===//
//
// memscope.so is two things:
//   - an LLVM pass plugin (llvmGetPassPluginInfo) naming the IR passes, so
//     the IR half runs and is tested on its own, without AST facts:
//       opt-19 -load-pass-plugin=memscope.so -passes=memscope in.ll
//       opt-19 -load-pass-plugin=memscope.so -passes=memscope-late in.ll
//   - under clang (-fplugin=memscope.so), the loader of the Clang half,
//     memscope-frontend.so, to which it hands the passes (PluginHooks.h).
// It references no Clang symbol, so opt can load it.
//
//===----------------------------------------------------------------------===//
#include "PluginHooks.h"
#include "instrument/InstrumentationPass.h"
#include "instrument/LateInstrumentationPass.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>
#include <string>

namespace memscope {
namespace {

void addInstrumentation(llvm::ModulePassManager &MPM,
                        std::shared_ptr<const ModuleFacts> Facts) {
  MPM.addPass(InstrumentationPass(std::move(Facts)));
}

void addLateInstrumentation(llvm::ModulePassManager &MPM) {
  MPM.addPass(LateInstrumentationPass());
}

// A plugin built for one Clang and loaded into another would crash inside
// the compiler (memscope-frontend.so would not even load: its symbols are
// another version's); refuse it with one line that says what to do instead.
bool hostClangMatches(std::string (*ClangFullVersion)()) {
  std::string Host = ClangFullVersion();
  std::string Want = "version " + std::to_string(LLVM_VERSION_MAJOR) + ".";
  if (Host.find(Want) != std::string::npos)
    return true;
  llvm::errs() << "memscope: memscope.so was built for Clang "
               << LLVM_VERSION_MAJOR << " but is loaded into '" << Host
               << "'; compile with clang++-" << LLVM_VERSION_MAJOR
               << " or rebuild memscope against this compiler\n";
  return false;
}

// Under clang: load memscope-frontend.so from this file's directory and
// register the frontend plugin. In any other process (opt) there is no
// Clang to plug into and nothing to do.
struct LoadFrontend {
  LoadFrontend() {
    // clang::getClangFullVersion(), in libclang-cpp (clang links it).
    auto *ClangFullVersion = reinterpret_cast<std::string (*)()>(
        dlsym(RTLD_DEFAULT, "_ZN5clang19getClangFullVersionB5cxx11Ev"));
    if (!ClangFullVersion || !hostClangMatches(ClangFullVersion))
      return;
    Dl_info Info;
    if (!dladdr(reinterpret_cast<void *>(&addInstrumentation), &Info) ||
        !Info.dli_fname) {
      llvm::errs() << "memscope: cannot find where memscope.so was loaded "
                      "from; the plugin does nothing\n";
      return;
    }
    llvm::SmallString<256> Path(llvm::sys::path::parent_path(Info.dli_fname));
    llvm::sys::path::append(Path, "memscope-frontend.so");
    void *Frontend = dlopen(Path.c_str(), RTLD_NOW | RTLD_LOCAL);
    auto *Register =
        Frontend ? reinterpret_cast<decltype(&memscope_frontend_register)>(
                       dlsym(Frontend, "memscope_frontend_register"))
                 : nullptr;
    if (!Register) {
      const char *Why = dlerror();
      llvm::errs() << "memscope: cannot load " << Path << ": "
                   << (Why ? Why : "no memscope_frontend_register")
                   << "; reinstall memscope (both files come from one "
                      "build)\n";
      return;
    }
    static const PassHooks Hooks{PassHooks::CurrentVersion,
                                 &addInstrumentation,
                                 &addLateInstrumentation};
    Register(&Hooks); // says why itself when it declines
  }
} TheFrontend;

} // namespace
} // namespace memscope

// The pass plugin: the IR passes by name, for opt (and -fpass-plugin). It
// adds nothing to the default pipelines: under clang the frontend plugin
// does that, with the AST facts.
extern "C" LLVM_ATTRIBUTE_WEAK __attribute__((visibility("default")))
::llvm::PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "memscope", LLVM_VERSION_STRING,
          [](llvm::PassBuilder &PB) {
            PB.registerPipelineParsingCallback(
                [](llvm::StringRef Name, llvm::ModulePassManager &MPM,
                   llvm::ArrayRef<llvm::PassBuilder::PipelineElement>) {
                  if (Name == "memscope") {
                    MPM.addPass(memscope::InstrumentationPass());
                    return true;
                  }
                  if (Name == "memscope-late") {
                    MPM.addPass(memscope::LateInstrumentationPass());
                    return true;
                  }
                  return false;
                });
          }};
}
