#include "engine/sched/executor.hpp"

#include <atomic>
#include <vector>

#include <gtest/gtest.h>

namespace brocken::sched {
namespace {

class ExecutorThreads : public ::testing::TestWithParam<int> {};

TEST_P(ExecutorThreads, EveryRowIsVisitedExactlyOnceInFixedBlocks) {
  const Executor exec(GetParam());
  EXPECT_EQ(exec.threads(), GetParam());
  constexpr std::size_t kRows = 10007;
  constexpr std::size_t kBlock = 100;
  std::vector<int> visits(kRows, 0);
  std::vector<std::size_t> block_begin(block_count(kRows, kBlock), SIZE_MAX);
  exec.for_each_block(kRows, kBlock, [&](const BlockRange& r) {
    block_begin[r.index] = r.begin;
    EXPECT_LE(r.size(), kBlock);
    for (std::size_t i = r.begin; i < r.end; ++i) ++visits[i];
  });
  for (const int v : visits) ASSERT_EQ(v, 1);
  for (std::size_t b = 0; b < block_begin.size(); ++b) {
    EXPECT_EQ(block_begin[b], b * kBlock) << "block boundaries do not depend on threads";
  }
}

TEST_P(ExecutorThreads, ArenaLimitsConcurrency) {
  const Executor exec(GetParam());
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  exec.for_each_index(256, [&](std::size_t) {
    const int now = ++running;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    volatile double sink = 0;
    for (int k = 0; k < 20000; ++k) sink = sink + k;
    --running;
  });
  EXPECT_LE(peak.load(), GetParam());
}

TEST(Executor, RejectsZeroThreads) {
  EXPECT_THROW(Executor(0), std::invalid_argument);
}

TEST(Executor, EmptyRangeRunsNothing) {
  const Executor exec(2);
  int calls = 0;
  exec.for_each_block(0, 10, [&](const BlockRange&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

INSTANTIATE_TEST_SUITE_P(Threads, ExecutorThreads, ::testing::Values(1, 2, 4),
                         [](const auto& param_info) {
                           return "t" + std::to_string(param_info.param);
                         });

}  // namespace
}  // namespace brocken::sched
