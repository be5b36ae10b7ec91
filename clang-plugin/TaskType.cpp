//===- TaskType.cpp - Task type names shared by both plugin halves -------===//
#include "TaskFacts.h"
#include "llvm/ADT/StringSwitch.h"

namespace memscope {

const char *taskTypeName(TaskType T) {
  switch (T) {
  case TaskType::CpuIntensive:
    return "CpuIntensive";
  case TaskType::IoIntensive:
    return "IoIntensive";
  case TaskType::NetworkIntensive:
    return "NetworkIntensive";
  case TaskType::MemoryIntensive:
    return "MemoryIntensive";
  case TaskType::GpuCompute:
    return "GpuCompute";
  case TaskType::Mixed:
    return "Mixed";
  case TaskType::Streaming:
    return "Streaming";
  case TaskType::Background:
    return "Background";
  case TaskType::Unknown:
    return "Unknown";
  }
  return "Unknown";
}

bool parseTaskType(llvm::StringRef Name, TaskType &Out) {
  std::optional<TaskType> T =
      llvm::StringSwitch<std::optional<TaskType>>(Name.lower())
          .Cases("cpu", "cpuintensive", TaskType::CpuIntensive)
          .Cases("io", "iointensive", TaskType::IoIntensive)
          .Cases("network", "networkintensive", TaskType::NetworkIntensive)
          .Cases("memory", "memoryintensive", TaskType::MemoryIntensive)
          .Cases("gpu", "gpucompute", TaskType::GpuCompute)
          .Case("mixed", TaskType::Mixed)
          .Case("streaming", TaskType::Streaming)
          .Case("background", TaskType::Background)
          .Case("unknown", TaskType::Unknown)
          .Default(std::nullopt);
  if (!T)
    return false;
  Out = *T;
  return true;
}

} // namespace memscope
