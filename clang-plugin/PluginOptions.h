//===- PluginOptions.h - -fplugin-arg-memscope-* options -------*- C++ -*-===//
#ifndef MEMSCOPE_PLUGINOPTIONS_H
#define MEMSCOPE_PLUGINOPTIONS_H

#include <string>
#include <vector>

namespace memscope {

struct PluginOptions {
  // -fplugin-arg-memscope-explain: one remark per coroutine with the
  // decision (task root or child, task type) and its evidence.
  bool Explain = false;
  // -fplugin-arg-memscope-spawn=<qualified name>: more spawn functions,
  // treated like boost::asio::co_spawn.
  std::vector<std::string> ExtraSpawnFunctions;
  // -fplugin-arg-memscope-transparent=<dir>: coroutines defined under this
  // directory are library code, transparent like system headers (a task
  // library's wrappers, vendored in the project).
  std::vector<std::string> TransparentDirs;
  // -fplugin-arg-memscope-disable: parse arguments but change nothing.
  bool Disabled = false;
};

} // namespace memscope

#endif // MEMSCOPE_PLUGINOPTIONS_H
