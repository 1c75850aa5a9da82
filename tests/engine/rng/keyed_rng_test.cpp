#include "engine/rng/keyed_rng.hpp"

#include <array>
#include <cmath>
#include <set>
#include <span>
#include <vector>

#include <gtest/gtest.h>

namespace brocken::rng {
namespace {

constexpr RunKey kRun{42, 0};
constexpr DecisionId kA = decision("test.a");
constexpr DecisionId kB = decision("test.b");

TEST(KeyedRng, SameKeyGivesSameNumbers) {
  Draw x(kRun, 7, 3, kA);
  Draw y(kRun, 7, 3, kA);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(x.next_u32(), y.next_u32());
}

TEST(KeyedRng, EveryKeyComponentChangesTheStream) {
  const auto first = [](RunKey run, std::uint64_t key, std::int32_t tick, DecisionId d) {
    return Draw(run, key, tick, d).uniform();
  };
  const double base = first(kRun, 7, 3, kA);
  EXPECT_NE(base, first(RunKey{43, 0}, 7, 3, kA)) << "seed";
  EXPECT_NE(base, first(RunKey{42, 1}, 7, 3, kA)) << "replication";
  EXPECT_NE(base, first(kRun, 8, 3, kA)) << "agent key";
  EXPECT_NE(base, first(kRun, 7, 4, kA)) << "tick";
  EXPECT_NE(base, first(kRun, 7, 3, kB)) << "decision";
}

TEST(KeyedRng, DecisionStreamEqualsDirectConstruction) {
  const DecisionStream stream(kRun, 11, kB);
  for (std::uint64_t key = 0; key < 1000; key += 37) {
    Draw a = stream(key);
    Draw b(kRun, key, 11, kB);
    EXPECT_EQ(a.next_u32(), b.next_u32());
    EXPECT_EQ(a.uniform(), b.uniform());
  }
}

// first_uniforms() must give the same bits as drawing one by one, on both of its paths, for keys of
// every origin (initial, birth, arrival: the top bits differ) and odd lengths (vector tails).
TEST(KeyedRng, FirstUniformsEqualDrawingOneByOne) {
  std::vector<std::uint64_t> keys;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    keys.push_back(agent_key::initial(i * 7919));
    keys.push_back(agent_key::birth(i, static_cast<std::int32_t>(i % 300), 0));
    keys.push_back(agent_key::arrival(i % 3, static_cast<std::int32_t>(i % 300), i));
  }
  keys.push_back(~0ULL);
  for (const std::int32_t tick : {0, 1, 203, 100000}) {
    const DecisionStream stream(RunKey{0xdeadbeefULL, 3}, tick, kA);
    std::vector<double> expected(keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) expected[k] = stream(keys[k]).uniform();
    for (const std::size_t n : {keys.size(), std::size_t{1}, std::size_t{17}, std::size_t{0}}) {
      std::vector<double> fast(n, -1.0);
      std::vector<double> portable(n, -1.0);
      stream.first_uniforms(std::span(keys).first(n), fast);
      stream.first_uniforms_portable(std::span(keys).first(n), portable);
      for (std::size_t k = 0; k < n; ++k) {
        ASSERT_EQ(fast[k], expected[k]) << "tick " << tick << " key " << k;
        ASSERT_EQ(portable[k], expected[k]) << "tick " << tick << " key " << k;
      }
    }
  }
  // The output span may be shorter than the keys: only that many are written.
  std::array<double, 3> out{-1.0, -1.0, -1.0};
  DecisionStream(kRun, 0, kA).first_uniforms(keys, std::span(out).first(2));
  EXPECT_EQ(out[2], -1.0);
  RecordProperty("vectorised", DecisionStream::vectorised() ? "yes" : "no");
}

// Statistical check against the exact uniform distribution: chi-square over 20 equal bins of the
// first draw of 200,000 consecutive agent keys (keys differ in their low bits only, the worst
// case for a weak mixer). With 19 degrees of freedom the 99.99 % quantile is 47.
TEST(KeyedRng, FirstDrawsOfConsecutiveKeysAreUniform) {
  constexpr int kBins = 20;
  constexpr int kN = 200000;
  std::array<int, kBins> count{};
  const DecisionStream stream(kRun, 0, kA);
  double sum = 0;
  for (int k = 0; k < kN; ++k) {
    const double u = stream(static_cast<std::uint64_t>(k)).uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    ++count[static_cast<std::size_t>(u * kBins)];
  }
  double chi2 = 0;
  const double expected = static_cast<double>(kN) / kBins;
  for (const int c : count) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 47.0);
  // Mean within 5 standard errors of 1/2 (sd of U(0,1) is sqrt(1/12)).
  EXPECT_NEAR(sum / kN, 0.5, 5.0 * std::sqrt(1.0 / 12.0 / kN));
}

TEST(KeyedRng, NeighbouringTicksAreUncorrelated) {
  // Pearson correlation of the same agent's draws in consecutive months, over 100,000 agents:
  // |r| below 5 / sqrt(n).
  constexpr int kN = 100000;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int k = 0; k < kN; ++k) {
    const double x = Draw(kRun, static_cast<std::uint64_t>(k), 5, kA).uniform();
    const double y = Draw(kRun, static_cast<std::uint64_t>(k), 6, kA).uniform();
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  const double n = kN;
  const double r = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
  EXPECT_LT(std::abs(r), 5.0 / std::sqrt(n));
}

TEST(KeyedRng, BelowStaysInRange) {
  Draw d(kRun, 1, 1, kA);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(d.below(7), 7U);
}

TEST(AgentKey, OriginsNeverCollide) {
  EXPECT_EQ(agent_key::initial(5) >> 62U, 0U);
  EXPECT_EQ(agent_key::birth(5, 3, 0) >> 62U, 1U);
  EXPECT_EQ(agent_key::arrival(1, 3, 5) >> 62U, 2U);
  std::set<std::uint64_t> keys;
  for (std::uint64_t m = 0; m < 100; ++m) {
    for (std::int32_t t = 0; t < 100; ++t) keys.insert(agent_key::birth(m, t, 0));
  }
  EXPECT_EQ(keys.size(), 10000U) << "distinct mothers and months give distinct child keys";
  EXPECT_NE(agent_key::birth(1, 1, 0), agent_key::birth(1, 1, 1)) << "twins";
}

TEST(DecisionRegistry, SameNameTwiceIsFineAndIdsMatchCompileTime) {
  DecisionRegistry reg;
  EXPECT_EQ(reg.add("test.a").value, kA.value);
  EXPECT_EQ(reg.add("test.a").value, kA.value);
  EXPECT_EQ(reg.add("test.b").value, kB.value);
}

}  // namespace
}  // namespace brocken::rng
