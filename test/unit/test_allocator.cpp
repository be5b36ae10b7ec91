// The allocation path: every operator new/delete form, sited entry points,
// attribution of frees to the allocating task and site, peaks, failures.
#include "fake_coro.hpp"
#include "tasks/task_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <new>

using mstest::FakeCoro;
using mstest::make_site;
using mstest::profile_of;
using mstest::site_profile;

namespace {

memscope_site g_sites[] = {
    make_site("alloc_task()", MEMSCOPE_SITE_COROUTINE, 0,
              MEMSCOPE_TYPE_MEMORY_INTENSIVE, 100),
    make_site("producer()", MEMSCOPE_SITE_ALLOC, 0, 0, 101),
    make_site("aligned()", MEMSCOPE_SITE_ALLOC, 0, 0, 102),
    make_site("dynamic_site()", MEMSCOPE_SITE_COROUTINE, 0, 0, 103),
    make_site("forms()", MEMSCOPE_SITE_ALLOC, 0, 0, 104),
};
memscope_site &kTask = g_sites[0];
memscope_site &kProducerSite = g_sites[1];
memscope_site &kAlignedSite = g_sites[2];
memscope_site &kDynamic = g_sites[3];
memscope_site &kForms = g_sites[4];

constexpr std::size_t kFrame = 64;
constexpr std::size_t kHuge = std::numeric_limits<std::size_t>::max() / 2;

class Allocator : public ::testing::Test {
protected:
  static void SetUpTestSuite() { mstest::register_table(g_sites); }
};

bool aligned_to(const void *p, std::size_t a) {
  return reinterpret_cast<std::uintptr_t>(p) % a == 0;
}

} // namespace

TEST_F(Allocator, PlainAndArrayFormsChargeTheCurrentTask) {
  FakeCoro c(&kTask, kFrame);
  c.resume([] {
    void *a = ::operator new(10);
    void *b = ::operator new[](20);
    ::operator delete(a);
    ::operator delete[](b);
    int *x = mstest::escape(new int(3));
    delete x;
    char *y = mstest::escape(new char[30]);
    delete[] y;
  });
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.allocated_bytes, kFrame + 10 + 20 + sizeof(int) + 30);
  EXPECT_EQ(p.freed_bytes, 10 + 20 + sizeof(int) + 30);
  EXPECT_EQ(p.live_bytes, kFrame);
  EXPECT_EQ(p.alloc_count, 5u);
  EXPECT_EQ(p.free_count, 4u);
}

TEST_F(Allocator, SizedDeleteForms) {
  FakeCoro c(&kTask, kFrame);
  c.resume([] {
    void *a = ::operator new(11);
    void *b = ::operator new[](12);
    ::operator delete(a, 11);
    ::operator delete[](b, 12);
  });
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.freed_bytes, 23u);
  EXPECT_EQ(p.live_bytes, kFrame);
}

TEST_F(Allocator, NothrowForms) {
  FakeCoro c(&kTask, kFrame);
  c.resume([] {
    void *a = ::operator new(13, std::nothrow);
    void *b = ::operator new[](14, std::nothrow);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    ::operator delete(a, std::nothrow);
    ::operator delete[](b, std::nothrow);
  });
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.allocated_bytes, kFrame + 27);
  EXPECT_EQ(p.freed_bytes, 27u);
  EXPECT_EQ(p.alloc_count, 3u);
}

TEST_F(Allocator, AlignedFormsAreAlignedAndCharged) {
  FakeCoro c(&kTask, kFrame);
  bool ok = true;
  c.resume([&] {
    for (std::size_t a : {8u, 16u, 32u, 64u, 4096u}) {
      const auto al = static_cast<std::align_val_t>(a);
      void *p1 = ::operator new(100, al);
      void *p2 = ::operator new[](100, al);
      void *p3 = ::operator new(100, al, std::nothrow);
      void *p4 = ::operator new[](100, al, std::nothrow);
      ok = ok && aligned_to(p1, a) && aligned_to(p2, a) && aligned_to(p3, a) &&
           aligned_to(p4, a);
      std::memset(p1, 0xAB, 100); // the block is really usable
      ::operator delete(p1, al);
      ::operator delete[](p2, 100, al);
      ::operator delete(p3, al, std::nothrow);
      ::operator delete[](p4, al, std::nothrow);
    }
  });
  EXPECT_TRUE(ok);
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.allocated_bytes, kFrame + 5 * 4 * 100);
  EXPECT_EQ(p.freed_bytes, 5u * 4 * 100);
  EXPECT_EQ(p.alloc_count, 1u + 20);
  EXPECT_EQ(p.free_count, 20u);
}

TEST_F(Allocator, OveralignedTypeThroughNewExpression) {
  struct alignas(128) Big {
    char bytes[300];
  };
  FakeCoro c(&kTask, kFrame);
  bool ok = false;
  c.resume([&] {
    Big *b = mstest::escape(new Big);
    Big *arr = mstest::escape(new Big[3]);
    ok = aligned_to(b, 128) && aligned_to(arr, 128);
    delete b;
    delete[] arr;
  });
  EXPECT_TRUE(ok);
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.live_bytes, kFrame);
  EXPECT_EQ(p.alloc_count, 3u);
  EXPECT_EQ(p.allocated_bytes - kFrame, p.freed_bytes);
}

TEST_F(Allocator, ZeroSizeGivesDistinctPointers) {
  void *a = ::operator new(0);
  void *b = ::operator new(0);
  EXPECT_NE(a, nullptr);
  EXPECT_NE(a, b);
  ::operator delete(a);
  ::operator delete(b);
}

TEST_F(Allocator, DeleteNullIsHarmless) {
  ::operator delete(nullptr);
  ::operator delete[](nullptr);
  ::operator delete (nullptr, std::align_val_t{64});
}

TEST_F(Allocator, ThrowingFormsThrowBadAlloc) {
  EXPECT_THROW((void)::operator new(kHuge), std::bad_alloc);
  EXPECT_THROW((void)::operator new[](kHuge), std::bad_alloc);
  EXPECT_THROW((void)::operator new (kHuge, std::align_val_t{64}),
               std::bad_alloc);
  EXPECT_THROW(__memscope_new(kHuge, &kForms), std::bad_alloc);
  EXPECT_THROW(__memscope_new_array_aligned(kHuge, 64, &kForms),
               std::bad_alloc);
}

TEST_F(Allocator, NothrowFormsReturnNull) {
  EXPECT_EQ(::operator new(kHuge, std::nothrow), nullptr);
  EXPECT_EQ(::operator new[](kHuge, std::nothrow), nullptr);
  EXPECT_EQ(::operator new (kHuge, std::align_val_t{64}, std::nothrow),
            nullptr);
  EXPECT_EQ(__memscope_new_nothrow(kHuge, &kForms), nullptr);
  EXPECT_EQ(__memscope_new_array_aligned_nothrow(kHuge, 128, &kForms), nullptr);
}

TEST_F(Allocator, FailedAllocationChargesNothing) {
  FakeCoro c(&kTask, kFrame);
  c.resume([] { EXPECT_EQ(::operator new(kHuge, std::nothrow), nullptr); });
  // The frame, and the bad_alloc that the nothrow form catches (thrown by
  // the throwing form it calls, as libstdc++'s does; __cxa_allocate_exception
  // takes it from malloc, which is counted): nothing of the huge request.
  const memscope::TaskProfile p = profile_of(c.task());
  EXPECT_LT(p.allocated_bytes, kFrame + 4096u);
  EXPECT_EQ(p.live_bytes, std::uint64_t{kFrame});
}

namespace {
int g_handler_calls = 0;
void handler_then_give_up() {
  if (++g_handler_calls == 3)
    std::set_new_handler(nullptr);
}
void handler_throws() {
  ++g_handler_calls;
  throw std::bad_alloc();
}
} // namespace

TEST_F(Allocator, NewHandlerIsCalledUntilItGivesUp) {
  g_handler_calls = 0;
  std::set_new_handler(handler_then_give_up);
  EXPECT_THROW((void)::operator new(kHuge), std::bad_alloc);
  EXPECT_EQ(g_handler_calls, 3);
  std::set_new_handler(nullptr);
}

TEST_F(Allocator, NothrowCatchesTheHandlersBadAlloc) {
  g_handler_calls = 0;
  std::set_new_handler(handler_throws);
  EXPECT_EQ(::operator new(kHuge, std::nothrow), nullptr);
  EXPECT_EQ(__memscope_new_aligned_nothrow(kHuge, 64, &kForms), nullptr);
  EXPECT_EQ(g_handler_calls, 2);
  std::set_new_handler(nullptr);
}

TEST_F(Allocator, SitedEntryPointsChargeTheirSite) {
  static memscope_site site[] = {make_site("sited()", MEMSCOPE_SITE_ALLOC)};
  mstest::register_table(site);
  FakeCoro c(&kTask, kFrame);
  c.resume([] {
    void *ps[8] = {
        __memscope_new(1, &site[0]),
        __memscope_new_array(2, &site[0]),
        __memscope_new_nothrow(3, &site[0]),
        __memscope_new_array_nothrow(4, &site[0]),
        __memscope_new_aligned(5, 64, &site[0]),
        __memscope_new_array_aligned(6, 64, &site[0]),
        __memscope_new_aligned_nothrow(7, 256, &site[0]),
        __memscope_new_array_aligned_nothrow(8, 32, &site[0]),
    };
    ::operator delete(ps[0]);
    ::operator delete[](ps[1]);
    ::operator delete(ps[2], std::nothrow);
    ::operator delete[](ps[3], std::nothrow);
    ::operator delete (ps[4], std::align_val_t{64});
    ::operator delete[](ps[5], std::align_val_t{64});
    // 7 and 8 stay live.
    (void)ps;
  });
  const auto s = site_profile(site[0]);
  EXPECT_EQ(s.index, site[0].index);
  EXPECT_EQ(s.alloc_count, 8u);
  EXPECT_EQ(s.free_count, 6u);
  EXPECT_EQ(s.allocated_bytes, 36u);
  EXPECT_EQ(s.live_bytes, 15u);
  EXPECT_EQ(s.where.function, "sited()");
  EXPECT_EQ(s.kind, memscope::SiteKind::Alloc);
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.allocated_bytes, kFrame + 36);
  EXPECT_EQ(p.live_bytes, kFrame + 15);
}

TEST_F(Allocator, UnregisteredSiteIsRegisteredOnFirstUse) {
  static memscope_site lone = make_site("lone()", MEMSCOPE_SITE_ALLOC);
  ASSERT_EQ(lone.index, 0u);
  delete[] static_cast<char *>(__memscope_new_array(77, &lone));
  EXPECT_NE(lone.index, 0u);
  const auto s = site_profile(lone);
  EXPECT_EQ(s.allocated_bytes, 77u);
  EXPECT_EQ(s.live_bytes, 0u);
}

TEST_F(Allocator, DynamicSiteIsTheRunningCoroutine) {
  FakeCoro c(&kDynamic, kFrame);
  c.resume([] { mstest::escape(new char[5]); }); // leaked on purpose
  const auto s = site_profile(kDynamic);
  EXPECT_EQ(s.alloc_count, 2u); // the frame and the 5 bytes
  EXPECT_EQ(s.allocated_bytes, kFrame + 5);
  EXPECT_EQ(s.kind, memscope::SiteKind::Coroutine);
}

TEST_F(Allocator, NoCoroutineMeansUnknownSiteAndNoTaskBucket) {
  const memscope::MemorySnapshot before = memscope::get_memory_snapshot();
  void *p = ::operator new(12345);
  const memscope::MemorySnapshot after = memscope::get_memory_snapshot();
  ::operator delete(p);
  EXPECT_EQ(after.no_task().alloc_count - before.no_task().alloc_count, 1u);
  EXPECT_EQ(after.no_task().allocated_bytes - before.no_task().allocated_bytes,
            12345u);
  ASSERT_NE(after.find_site(0), nullptr);
  EXPECT_EQ(after.find_site(0)->alloc_count - before.find_site(0)->alloc_count,
            1u);
}

TEST_F(Allocator, SnapshotsAreNotCharged) {
  const memscope::MemorySnapshot a = memscope::get_memory_snapshot();
  const memscope::MemorySnapshot b = memscope::get_memory_snapshot();
  EXPECT_EQ(a.no_task().alloc_count, b.no_task().alloc_count);
  EXPECT_EQ(a.no_task().live_bytes, b.no_task().live_bytes);
  EXPECT_EQ(a.total_allocations(), b.total_allocations());
}

TEST_F(Allocator, CrossTaskFreeIsCreditedToTheAllocator) {
  FakeCoro producer(&kTask, kFrame), consumer(&kTask, kFrame);
  ASSERT_NE(producer.task(), consumer.task());
  void *block = nullptr;
  producer.resume([&] { block = __memscope_new(4096, &kProducerSite); });
  consumer.resume([&] { ::operator delete(block); });
  const auto p = profile_of(producer.task());
  const auto q = profile_of(consumer.task());
  EXPECT_EQ(p.allocated_bytes, kFrame + 4096);
  EXPECT_EQ(p.freed_bytes, 4096u);
  EXPECT_EQ(p.free_count, 1u);
  EXPECT_EQ(p.live_bytes, kFrame);
  EXPECT_EQ(q.allocated_bytes, kFrame);
  EXPECT_EQ(q.freed_bytes, 0u);
  EXPECT_EQ(q.free_count, 0u);
  const auto s = site_profile(kProducerSite);
  EXPECT_EQ(s.allocated_bytes, 4096u);
  EXPECT_EQ(s.live_bytes, 0u);
  EXPECT_EQ(s.free_count, 1u);
}

TEST_F(Allocator, CrossThreadFreeIsCreditedToTheAllocator) {
  FakeCoro producer(&kTask, kFrame);
  void *block = nullptr;
  producer.resume([&] { block = ::operator new(999); });
  std::thread([&] { ::operator delete(block); }).join();
  const auto p = profile_of(producer.task());
  EXPECT_EQ(p.freed_bytes, 999u);
  EXPECT_EQ(p.live_bytes, kFrame);
}

TEST_F(Allocator, AlignedCrossTaskFree) {
  FakeCoro producer(&kTask, kFrame), consumer(&kTask, kFrame);
  void *block = nullptr;
  producer.resume(
      [&] { block = __memscope_new_aligned(1000, 512, &kAlignedSite); });
  EXPECT_TRUE(aligned_to(block, 512));
  consumer.resume([&] { ::operator delete (block, std::align_val_t{512}); });
  EXPECT_EQ(profile_of(producer.task()).live_bytes, kFrame);
  EXPECT_EQ(profile_of(consumer.task()).freed_bytes, 0u);
  EXPECT_EQ(site_profile(kAlignedSite).live_bytes, 0u);
  EXPECT_EQ(site_profile(kAlignedSite).allocated_bytes, 1000u);
}

TEST_F(Allocator, PeakLiveBytes) {
  FakeCoro c(&kTask, kFrame);
  c.resume([] {
    char *a = mstest::escape(new char[100]);
    char *b = mstest::escape(new char[200]);
    delete[] b;
    char *d = mstest::escape(new char[50]);
    delete[] a;
    delete[] d;
  });
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.peak_live_bytes, kFrame + 300);
  EXPECT_EQ(p.live_bytes, kFrame);
}

TEST_F(Allocator, PeakAcrossResumes) {
  FakeCoro c(&kTask, kFrame);
  char *keep = nullptr;
  c.resume([&] { keep = mstest::escape(new char[1000]); });
  c.resume([&] {
    delete[] keep;
    delete[] mstest::escape(new char[500]);
  });
  const auto p = profile_of(c.task());
  EXPECT_EQ(p.peak_live_bytes, kFrame + 1000);
  EXPECT_DOUBLE_EQ(p.memory_efficiency(), 1500.0 / (kFrame + 1500.0));
}

TEST_F(Allocator, LargeBlocks) {
  FakeCoro c(&kTask, kFrame);
  c.resume([] {
    char *big = mstest::escape(new char[8 << 20]);
    big[0] = big[(8 << 20) - 1] = 1;
    delete[] big;
  });
  EXPECT_EQ(profile_of(c.task()).peak_live_bytes, kFrame + (8u << 20));
}

// The runtime's own blocks and a frame's own block (inside the frame window)
// are nobody's: after start-up they touch no counter at all (the shared
// untracked record was two or three locked adds per allocation and free
// for every heap frame, on one cache line for all threads).
TEST_F(Allocator, UntrackedBlocksTouchNoSharedRecord) {
  const memscope::detail::TaskRecord &u =
      memscope::detail::task(memscope::detail::kUntrackedSlot);
  const auto allocs = u.alloc_count.load(), frees = u.free_count.load();
  const auto live = u.live_bytes.load();
  for (int i = 0; i < 10; ++i) {
    FakeCoro coro(&kTask, 200); // its frame allocated inside the window
    (void)memscope::get_memory_snapshot(); // the runtime's own allocations
  }
  EXPECT_EQ(u.alloc_count.load(), allocs);
  EXPECT_EQ(u.free_count.load(), frees);
  EXPECT_EQ(u.live_bytes.load(), live);
}
