//===- TaskType.cpp - Task type names shared by both plugin halves -------===//
//
// The names come from runtime/include/memscope/task_types.def, the list the
// runtime's table expands too, so the plugin and the report agree.
//
//===----------------------------------------------------------------------===//
#include "TaskFacts.h"

namespace memscope {
namespace {

struct Spelling {
  const char *Json;  // "NetworkIntensive"
  const char *Short; // the [[memscope::task_type("network")]] form
};

constexpr Spelling Names[] = {
#define MEMSCOPE_TASK_TYPE(Name, Abi, Short) {#Name, Short},
#include "memscope/task_types.def"
};

} // namespace

const char *taskTypeName(TaskType T) {
  const auto I = static_cast<unsigned>(T);
  return I < std::size(Names) ? Names[I].Json : "Unknown";
}

bool parseTaskType(llvm::StringRef Name, TaskType &Out) {
  for (unsigned I = 0; I < std::size(Names); ++I)
    if (Name.equals_insensitive(Names[I].Json) ||
        Name.equals_insensitive(Names[I].Short)) {
      Out = static_cast<TaskType>(I);
      return true;
    }
  return false;
}

const std::string &taskTypeSpellings() {
  static const std::string Text = [] {
    std::string Shorts, Jsons;
    for (const Spelling &S : Names) {
      Shorts += Shorts.empty() ? "" : ", ";
      Shorts += S.Short;
      Jsons += Jsons.empty() ? "" : ", ";
      Jsons += S.Json;
    }
    return Shorts + " (or " + Jsons + ")";
  }();
  return Text;
}

} // namespace memscope
