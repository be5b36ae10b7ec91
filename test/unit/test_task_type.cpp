#include "memscope/abi.h"
#include "memscope/task_type.hpp"

#include <gtest/gtest.h>

using memscope::TaskType;

TEST(TaskType, NamesMatchJsonSpelling) {
  EXPECT_EQ(memscope::to_string(TaskType::CpuIntensive), "CpuIntensive");
  EXPECT_EQ(memscope::to_string(TaskType::NetworkIntensive),
            "NetworkIntensive");
  EXPECT_EQ(memscope::to_string(TaskType::GpuCompute), "GpuCompute");
  EXPECT_EQ(memscope::to_string(TaskType::Unknown), "Unknown");
  EXPECT_EQ(memscope::to_string(static_cast<TaskType>(42)), "Unknown");
}

TEST(TaskType, NumberedAsTheAbi) {
  EXPECT_EQ(static_cast<unsigned>(TaskType::CpuIntensive),
            unsigned{MEMSCOPE_TYPE_CPU_INTENSIVE});
  EXPECT_EQ(static_cast<unsigned>(TaskType::Background),
            unsigned{MEMSCOPE_TYPE_BACKGROUND});
  EXPECT_EQ(static_cast<unsigned>(TaskType::Unknown),
            unsigned{MEMSCOPE_TYPE_UNKNOWN});
}

TEST(TaskType, ParseRoundTripsEveryName) {
  for (unsigned i = 0; i < memscope::kTaskTypeCount; ++i) {
    const auto type = static_cast<TaskType>(i);
    EXPECT_EQ(memscope::parse_task_type(memscope::to_string(type)), type);
  }
}

TEST(TaskType, ParseAcceptsShortSpellingsAnyCase) {
  EXPECT_EQ(memscope::parse_task_type("cpu"), TaskType::CpuIntensive);
  EXPECT_EQ(memscope::parse_task_type("IO"), TaskType::IoIntensive);
  EXPECT_EQ(memscope::parse_task_type("network"), TaskType::NetworkIntensive);
  EXPECT_EQ(memscope::parse_task_type("Memory"), TaskType::MemoryIntensive);
  EXPECT_EQ(memscope::parse_task_type("gpu"), TaskType::GpuCompute);
  EXPECT_EQ(memscope::parse_task_type("streaming"), TaskType::Streaming);
  EXPECT_EQ(memscope::parse_task_type("background"), TaskType::Background);
  EXPECT_EQ(memscope::parse_task_type("networkintensive"),
            TaskType::NetworkIntensive);
}

TEST(TaskType, ParseRejectsOtherNames) {
  EXPECT_FALSE(memscope::parse_task_type(""));
  EXPECT_FALSE(memscope::parse_task_type("net"));
  EXPECT_FALSE(memscope::parse_task_type("cpu "));
}
