// Tests of models/migration/relocation.*: the net targets from balances (outlier rule, zero
// sum), and a run in which the moves between districts reproduce the targets: nobody is lost,
// senders only send, receivers only receive, and each district's net moves over a year match
// its target within Monte Carlo error.
#include <cmath>

#include <gtest/gtest.h>

#include "engine/io/dataset.hpp"
#include "models/migration/relocation/rates.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::load;
using testing::run_all;

TEST(Relocation, TargetsAreBalancesAboveTheMeanAndSumToZero) {
  std::vector<bool> outliers;
  // Population-weighted mean of the balances is (10*100 + 30*300) / 400 = 25.
  const auto net = relocation_targets({10, 30}, {100, 300}, 3.0, outliers);
  ASSERT_EQ(net.size(), 2U);
  EXPECT_NEAR(net[0], (10 - 25) * 100 / 1e4, 1e-12);
  EXPECT_NEAR(net[1], (30 - 25) * 300 / 1e4, 1e-12);
  EXPECT_NEAR(net[0] + net[1], 0, 1e-12);
  EXPECT_FALSE(outliers[0] || outliers[1]);
}

TEST(Relocation, FarOutBalancesAreIgnored) {
  // Quartiles of {1..9, -300}: Q1 = 2.25, Q3 = 6.75, IQR = 4.5; -300 is far below Q1 - 3 IQR.
  std::vector<double> b{1, 2, 3, 4, 5, 6, 7, 8, 9, -300};
  std::vector<double> pop(b.size(), 1000);
  std::vector<bool> outliers;
  const auto net = relocation_targets(b, pop, 3.0, outliers);
  EXPECT_TRUE(outliers.back());
  EXPECT_EQ(net.back(), 0.0);
  double sum = 0;
  for (std::size_t d = 0; d + 1 < b.size(); ++d) {
    EXPECT_FALSE(outliers[d]);
    sum += net[d];
  }
  EXPECT_NEAR(sum, 0, 1e-9);
  EXPECT_NEAR(net[0], (1 - 5) * 1000 / 1e4, 1e-12);  // mean of 1..9 is 5
}

const io::Variable& root_var(const io::Dataset& ds, const std::string& name) {
  for (const auto& v : ds.vars) {
    if (v.group.empty() && v.name == name) return v;
  }
  throw std::out_of_range(name);
}

TEST(Relocation, MovesReproduceTheNetTargetsOfAYear) {
  const Scenario sc = load(
      "baseline.yaml", {"months=12", "population.scale=0.25", "models.relocation.enabled=true"});
  const auto f = run_all(sc, 2);
  const auto ds = make_dataset(sc, {&f.run->series()}, {}, {});
  const auto& in = root_var(ds, "internal_moves_in").values;
  const auto& out = root_var(ds, "internal_moves_out").values;
  const auto& target = f.run->state().relocation_net_per_year;
  const std::size_t nd = target.size();
  double total_in = 0;
  double total_out = 0;
  int senders = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    double din = 0;
    double dout = 0;
    for (std::size_t t = 0; t < 12; ++t) {
      din += in[t * nd + d];
      dout += out[t * nd + d];
    }
    total_in += din;
    total_out += dout;
    if (target[d] < 0) {
      ++senders;
      EXPECT_EQ(din, 0.0) << d;
    } else {
      EXPECT_EQ(dout, 0.0) << d;
    }
    // Movers are binomial (senders) or a multinomial share (receivers) of ~|target| x 0.25
    // simulated persons, weighted back by 4: SE ~ 4 * sqrt(|target| / 4) = 2 sqrt(|target|).
    // The district's population shrinks by ~1 % over the year, so allow that too.
    const double se = 2.0 * std::sqrt(std::abs(target[d]) + 1.0);
    EXPECT_NEAR(din - dout, target[d], 4.0 * se + 0.02 * std::abs(target[d])) << d;
  }
  EXPECT_GT(senders, 0);
  EXPECT_DOUBLE_EQ(total_in, total_out);  // moves within the state lose nobody
  EXPECT_GT(total_in, 0);
}

TEST(Relocation, DisabledMeansNoMoves) {
  const Scenario sc = load("smoke.yaml", {"months=3"});
  ASSERT_FALSE(sc.params.relocation.enabled);
  const auto f = run_all(sc, 1);
  const auto ds = make_dataset(sc, {&f.run->series()}, {}, {});
  for (const double v : root_var(ds, "internal_moves_out").values) EXPECT_EQ(v, 0.0);
}

}  // namespace
}  // namespace brocken::migration
