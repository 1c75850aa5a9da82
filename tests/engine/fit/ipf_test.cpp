// Tests of engine/fit/ipf.hpp against closed-form answers: the independence table for a flat
// seed, preserved odds ratios (the defining property of IPF's solution), three-way tables
// fitted to two-way margins, and the report for inconsistent or impossible problems.
#include "engine/fit/ipf.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

namespace brocken::fit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Ipf, FlatSeedGivesTheIndependenceTable) {
  std::vector<double> t(4, 1.0);
  const auto r = ipf(t, {2, 2}, {{"rows", {0}, {30, 70}}, {"cols", {1}, {40, 60}}});
  EXPECT_TRUE(r.converged);
  // t_ij = row_i * col_j / N
  EXPECT_NEAR(t[0], 12, 1e-9);
  EXPECT_NEAR(t[1], 18, 1e-9);
  EXPECT_NEAR(t[2], 28, 1e-9);
  EXPECT_NEAR(t[3], 42, 1e-9);
  for (const auto& res : r.residuals) EXPECT_LT(res.max_abs, 1e-8) << res.name;
}

TEST(Ipf, SeedOddsRatiosArePreserved) {
  // IPF scales rows and columns only, so every cross-product ratio of the seed survives.
  std::vector<double> t{1, 2, 3, 3, 4, 1};  // 2 x 3
  const double before_1 = (t[0] * t[4]) / (t[1] * t[3]);
  const double before_2 = (t[1] * t[5]) / (t[2] * t[4]);
  const auto r = ipf(t, {2, 3}, {{"rows", {0}, {100, 50}}, {"cols", {1}, {60, 60, 30}}});
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR((t[0] * t[4]) / (t[1] * t[3]), before_1, 1e-9);
  EXPECT_NEAR((t[1] * t[5]) / (t[2] * t[4]), before_2, 1e-9);
  EXPECT_NEAR(t[0] + t[1] + t[2], 100, 1e-8);
  EXPECT_NEAR(t[1] + t[4], 60, 1e-8);
}

TEST(Ipf, ThreeWayTableMeetsConsistentTwoWayMargins) {
  // A 3 x 4 x 2 truth; its (0,1) and (0,2) and (1,2) margins are consistent by construction.
  const std::vector<std::size_t> shape{3, 4, 2};
  std::vector<double> truth(24);
  for (std::size_t i = 0; i < truth.size(); ++i) truth[i] = 1.0 + static_cast<double>((i * 7) % 5);
  const std::vector<Margin> margins{{"ab", {0, 1}, marginal(truth, shape, {0, 1})},
                                    {"ac", {0, 2}, marginal(truth, shape, {0, 2})},
                                    {"bc", {1, 2}, marginal(truth, shape, {1, 2})}};
  std::vector<double> t(24, 1.0);
  const auto r = ipf(t, shape, margins, {5000, 1e-12});
  EXPECT_TRUE(r.converged);
  for (const auto& res : r.residuals) EXPECT_LT(res.max_rel, 1e-9) << res.name;
  double total = 0;
  for (const double v : t) total += v;
  double truth_total = 0;
  for (const double v : truth) truth_total += v;
  EXPECT_NEAR(total, truth_total, 1e-8);
}

TEST(Ipf, MarginalSumsOverTheFreeAxes) {
  const std::vector<double> t{1, 2, 3, 4, 5, 6};  // 2 x 3
  EXPECT_EQ(marginal(t, {2, 3}, {0}), (std::vector<double>{6, 15}));
  EXPECT_EQ(marginal(t, {2, 3}, {1}), (std::vector<double>{5, 7, 9}));
  EXPECT_EQ(marginal(t, {2, 3}, {}), (std::vector<double>{21}));
  EXPECT_EQ(marginal(t, {2, 3}, {0, 1}), t);
}

TEST(Ipf, BinnedMarginsConstrainGroupsOfAnAxis) {
  // 2 regions x 4 ages; ages binned into young (0, 1) and old (2, 3).
  const std::vector<std::size_t> shape{2, 4};
  const std::vector<std::vector<std::size_t>> young_old{{}, {0, 0, 1, 1}};
  std::vector<double> t(8, 1.0);
  const std::vector<Margin> margins{{"ages", {1}, {10, 20, 30, 40}, {}},
                                    {"region x broad age", {0, 1}, {25, 35, 5, 35}, young_old}};
  const auto r = ipf(t, shape, margins, {5000, 1e-12});
  ASSERT_TRUE(r.converged);
  EXPECT_LT(r.residuals[0].max_rel, 1e-9);
  EXPECT_LT(r.residuals[1].max_rel, 1e-9);
  const auto broad = marginal(t, shape, {0, 1}, young_old);
  EXPECT_NEAR(broad[0], 25, 1e-8);
  EXPECT_NEAR(broad[3], 35, 1e-8);
  // Inside a bin the seed's proportions (flat) are scaled by the age margin only.
  EXPECT_NEAR(t[0] / t[1], 10.0 / 20.0, 1e-9);
  EXPECT_THROW(ipf(t, shape, {{"bad", {1}, {1, 1}, {{0, 0, 2, 2}}}}), std::invalid_argument);
  EXPECT_THROW(ipf(t, shape, {{"bad", {1}, {1, 1}, {{0, 1}}}}), std::invalid_argument);
}

TEST(Ipf, InconsistentMarginsAreReportedNotHidden) {
  // Row targets sum to 100, column targets to 110: no table meets both.
  std::vector<double> t(4, 1.0);
  const auto r = ipf(t, {2, 2}, {{"rows", {0}, {50, 50}}, {"cols", {1}, {55, 55}}}, {200, 1e-12});
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.iterations, 200);
  ASSERT_EQ(r.residuals.size(), 2U);
  // The last margin applied is met; the other is off by the difference in totals.
  EXPECT_LT(r.residuals[1].max_abs, 1e-9);
  EXPECT_NEAR(r.residuals[0].fitted_total - r.residuals[0].target_total, 10, 1e-9);
  EXPECT_NEAR(r.residuals[0].max_rel, 0.1, 1e-9);
}

TEST(Ipf, NanTargetsLeaveTheirCellsFree) {
  std::vector<double> t{1, 1, 1, 1};
  const auto r = ipf(t, {2, 2}, {{"rows", {0}, {kNaN, 10}}});
  EXPECT_TRUE(r.converged);
  EXPECT_DOUBLE_EQ(t[0] + t[1], 2);
  EXPECT_DOUBLE_EQ(t[2] + t[3], 10);
  EXPECT_DOUBLE_EQ(r.residuals[0].target_total, 10);
}

TEST(Ipf, ZeroSeedCellsStayZero) {
  std::vector<double> t{0, 1, 1, 1};
  const auto r = ipf(t, {2, 2}, {{"rows", {0}, {10, 20}}, {"cols", {1}, {12, 18}}});
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(t[0], 0.0);
  EXPECT_NEAR(t[1], 10, 1e-8);
  EXPECT_NEAR(t[2], 12, 1e-8);
  EXPECT_NEAR(t[3], 8, 1e-8);
}

TEST(Ipf, MalformedProblemsAreRejected) {
  std::vector<double> t(4, 1.0);
  EXPECT_THROW(ipf(t, {2, 3}, {}), std::invalid_argument);                             // size
  EXPECT_THROW(ipf(t, {2, 2}, {{"m", {1, 0}, {1, 1, 1, 1}}}), std::invalid_argument);  // order
  EXPECT_THROW(ipf(t, {2, 2}, {{"m", {2}, {1, 1}}}), std::invalid_argument);           // axis
  EXPECT_THROW(ipf(t, {2, 2}, {{"m", {0}, {1, 1, 1}}}), std::invalid_argument);  // target size
  EXPECT_THROW(ipf(t, {2, 2}, {{"m", {0}, {-1, 1}}}), std::invalid_argument);    // negative
  EXPECT_THROW(ipf(t, {2, 2}, {{"m", {0}, {INFINITY, 1}}}), std::invalid_argument);
  std::vector<double> neg{1, -1, 1, 1};
  EXPECT_THROW(ipf(neg, {2, 2}, {}), std::invalid_argument);
  std::vector<double> zero_row{0, 0, 1, 1};
  EXPECT_THROW(ipf(zero_row, {2, 2}, {{"rows", {0}, {5, 5}}}), std::invalid_argument);
}

}  // namespace
}  // namespace brocken::fit
