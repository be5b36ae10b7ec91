// The C allocation family's paths (allocation_path.hpp), called directly so
// that the sanitizer trees test them too (they keep the sanitizer's own
// malloc in effect): realloc in every shape, alignments, calloc's
// overflow, usable sizes, and what each charges.
#include "accounting/allocation_path.hpp"
#include "fake_coro.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>

using memscope::detail::c_allocate;
using memscope::detail::c_allocate_aligned;
using memscope::detail::c_allocate_zeroed;
using memscope::detail::c_reallocate;
using memscope::detail::c_usable_size;
using memscope::detail::deallocate;
using mstest::FakeCoro;
using mstest::make_site;
using mstest::profile_of;

namespace {

memscope_site g_sites[] = {
    make_site("c_task()", MEMSCOPE_SITE_COROUTINE, 0, 0, 200),
    make_site("other()", MEMSCOPE_SITE_COROUTINE, 0, 0, 201),
};
constexpr std::size_t kFrame = 64;

class CAllocations : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

bool aligned_to(const void *p, std::size_t a) {
  return reinterpret_cast<std::uintptr_t>(p) % a == 0;
}

} // namespace

TEST_F(CAllocations, ReallocGrowsShrinksAndKeepsTheBytes) {
  FakeCoro c(&g_sites[0], kFrame);
  c.resume([] {
    auto *p = static_cast<char *>(c_allocate(100));
    ASSERT_NE(p, nullptr);
    std::memset(p, 'a', 100);
    p = static_cast<char *>(c_reallocate(p, 100000)); // grow (likely moves)
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p[0], 'a');
    EXPECT_EQ(p[99], 'a');
    p = static_cast<char *>(c_reallocate(p, 10)); // shrink
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p[9], 'a');
    deallocate(p);
  });
  const auto t = profile_of(c.task());
  EXPECT_EQ(t.allocated_bytes, kFrame + 100 + 100000 + 10);
  EXPECT_EQ(t.alloc_count, 4u);
  EXPECT_EQ(t.live_bytes, kFrame);
}

TEST_F(CAllocations, ReallocOfNullAllocatesAndOfZeroDoesWhatLibcDoes) {
  FakeCoro c(&g_sites[0], kFrame);
  void *kept = nullptr;
  c.resume([&] {
    void *p = c_reallocate(nullptr, 500);
    ASSERT_NE(p, nullptr);
    void *q = c_reallocate(p, 0);
    if (memscope::detail::raw_realloc_zero_frees())
      EXPECT_EQ(q, nullptr);
    else
      kept = q;
  });
  deallocate(kept);
  const auto t = profile_of(c.task());
  EXPECT_EQ(t.live_bytes, kFrame);
  EXPECT_GE(t.allocated_bytes, kFrame + 500);
}

TEST_F(CAllocations, OverAlignedBlocksAreAlignedAndMoveOnRealloc) {
  FakeCoro c(&g_sites[0], kFrame);
  c.resume([] {
    for (std::size_t align : {32u, 64u, 256u, 4096u}) {
      auto *p = static_cast<char *>(c_allocate_aligned(align, 1000));
      ASSERT_NE(p, nullptr);
      EXPECT_TRUE(aligned_to(p, align)) << align;
      EXPECT_GE(c_usable_size(p), 1000u);
      std::memset(p, 'x', 1000);
      p = static_cast<char *>(c_reallocate(p, 2000));
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(p[999], 'x');
      deallocate(p);
    }
  });
  const auto t = profile_of(c.task());
  EXPECT_EQ(t.allocated_bytes, kFrame + 4 * (1000 + 2000));
  EXPECT_EQ(t.live_bytes, kFrame);
}

TEST_F(CAllocations, CallocZeroesAndRefusesOverflow) {
  FakeCoro c(&g_sites[0], kFrame);
  c.resume([] {
    auto *p = static_cast<unsigned char *>(c_allocate_zeroed(1000, 7));
    ASSERT_NE(p, nullptr);
    for (int i = 0; i < 7000; ++i)
      ASSERT_EQ(p[i], 0);
    deallocate(p);
    errno = 0;
    EXPECT_EQ(c_allocate_zeroed(std::numeric_limits<std::size_t>::max() / 2, 4),
              nullptr);
    EXPECT_EQ(errno, ENOMEM);
  });
  const auto t = profile_of(c.task());
  EXPECT_EQ(t.allocated_bytes, kFrame + 7000); // the overflow charged nothing
}

TEST_F(CAllocations, UsableSizeCoversTheRequest) {
  for (std::size_t n : {1u, 24u, 100u, 1000u, 100000u}) {
    void *p = c_allocate(n);
    ASSERT_NE(p, nullptr);
    EXPECT_GE(c_usable_size(p), n);
    deallocate(p);
  }
  EXPECT_EQ(c_usable_size(nullptr), 0u);
}

TEST_F(CAllocations, AFreeFromAnotherTaskCreditsTheAllocator) {
  void *block = nullptr;
  FakeCoro a(&g_sites[0], kFrame);
  a.resume([&] { block = c_allocate(12345); });
  FakeCoro b(&g_sites[1], kFrame);
  b.resume([&] { block = c_reallocate(block, 23456); }); // b frees a's block
  b.resume([&] { deallocate(block); });
  EXPECT_EQ(profile_of(a.task()).live_bytes, kFrame);
  EXPECT_EQ(profile_of(a.task()).freed_bytes, 12345u);
  EXPECT_EQ(profile_of(b.task()).allocated_bytes, kFrame + 23456);
  EXPECT_EQ(profile_of(b.task()).live_bytes, kFrame);
}
