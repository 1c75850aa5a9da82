// Departure and the away pool (models/migration/departure.cpp) against expectations computed in
// the test: a closed arrival cohort's survival is the product of its monthly hazards, and the
// away pool seeded at the start has the size, duration and destination mix that the seeding's
// parameters give in closed form.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "models/migration/model.hpp"
#include "models/migration/outputs.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::load;
using testing::registry;
using testing::run_all;
using testing::series;

TEST(Departure, ClosedCohortSurvivalIsTheProductOfItsMonthlyHazards) {
  // Every factor of the hazard switched off but the channel's: age bands 1, early years 1, all
  // coefficients 0, so every person's multiplier at the start is 1 (the normalisations M = 1),
  // both groups have the same base hazard, and every newcomer, whatever the channel (each
  // channel's factor is kFactor), leaves with h = base x kFactor a month; nobody returns. The
  // 2024 cohort arrives over 12 months (a_m in month m); at the end of month T the expected share
  // still resident among its living members is sum a_m (1-h)^(T-m) / sum a_m (arrivals of month
  // m take their first departure decision in month m + 1; deaths hit residents and leavers
  // alike). A hazard wrong by 10 % is outside the tolerance (4 binomial SE, printed).
#ifdef BROCKEN_SANITIZED
  // 48 months at 20 % took 148 s under thread (tests/CMakeLists.txt: BROCKEN_SANITIZED); the
  // arithmetic is checked in the optimised builds, the code paths under the sanitizers by the
  // other model tests.
  GTEST_SKIP() << "statistical test: optimised builds only";
#endif
  constexpr int kMonths = 48;
  constexpr double kBase = 0.01;
  constexpr double kFactor = 2.0;
  std::vector<std::string> sets{"months=" + std::to_string(kMonths),
                                "population.scale=0.2",
                                "models.departure.base_hazard_german=" + std::to_string(kBase),
                                "models.departure.base_hazard_foreign=" + std::to_string(kBase),
                                "models.departure.age_band_multipliers=[1,1,1,1,1]",
                                "models.departure.early_years_multiplier=1",
                                "models.departure.coef_employed=0",
                                "models.departure.coef_unhoused=0",
                                "models.departure.coef_ties=0",
                                "models.departure.coef_discriminated=0",
                                "models.departure.coef_recognised=0",
                                "models.departure.coef_language=0",
                                "models.departure.return_hazard_german=0",
                                "models.departure.return_hazard_foreign=0"};
  for (int c = static_cast<int>(Channel::kGermanFromGermany); c < kChannels; ++c) {
    sets.push_back(std::string("models.departure.channel_multipliers.") +
                   kChannelNames[static_cast<std::size_t>(c)] + "=" + std::to_string(kFactor));
  }
  const Scenario sc = load("baseline.yaml", sets);
  const auto f = run_all(sc, 2);
  const ModelState& st = f.run->state();
  ASSERT_NEAR(st.departure_norm[0], 1.0, 1e-12);
  ASSERT_NEAR(st.departure_norm[1], 1.0, 1e-12);
  const double h = kBase * kFactor;
  const auto& arrived = series(f.run->series(), "arrival/arrivals_by_channel");
  const auto& cohorts = series(f.run->series(), "retention/cohort_persons");
  const std::size_t per_month = cohort_years(st.start, kMonths) * kChannels * 4 * kWhereabouts;
  ASSERT_EQ(cohorts.size(), per_month * kMonths);
  std::vector<double> a(12, 0.0);
  for (std::size_t m = 0; m < 12; ++m)
    for (std::size_t c = 0; c < kChannels; ++c) a[m] += arrived[m * kChannels + c] * st.scale;
  for (const int T : {12, 24, 36, 47}) {
    double expected = 0, total = 0, wrong = 0;
    for (int m = 0; m < 12; ++m) {
      expected += a[static_cast<std::size_t>(m)] * std::pow(1.0 - h, T - m);
      wrong += a[static_cast<std::size_t>(m)] * std::pow(1.0 - 1.1 * h, T - m);
      total += a[static_cast<std::size_t>(m)];
    }
    expected /= total;
    wrong /= total;
    double resident = 0, living = 0;  // cohort 0 (2024), every channel and qualification
    for (std::size_t k = 0; k < kChannels * 4; ++k) {
      for (std::size_t w = 0; w < kWhereabouts; ++w) {
        const double x =
            cohorts[static_cast<std::size_t>(T) * per_month + k * kWhereabouts + w] * st.scale;
        living += x;
        if (w == 0) resident += x;
      }
    }
    ASSERT_GT(living, 5000.0);
    const double se = std::sqrt(expected * (1 - expected) / living);
    EXPECT_NEAR(resident / living, expected, 4.0 * se) << "month " << T;
    if (T >= 36) {
      EXPECT_GT(expected - wrong, 4.0 * se) << "month " << T << ": the test cannot tell 10 %";
    }
  }
}

TEST(AwayPool, SeededAtTheStartWithTheLeaversOfThePoolsYears) {
  // Month m before the start (m = 1 .. away_pool_months - 1) lost L = seed_leavers_per_year / 12
  // x scale persons, each still away with probability (1 - r)^m (r equal for both groups here).
  // Expected size sum_m L (1-r)^m, mean months away sum_m m (1-r)^m / sum_m (1-r)^m; every
  // seeded person is at least as old as the months away, and away.
  const Scenario sc = load("baseline.yaml", {"months=1", "population.scale=0.2"});
  const auto exec = std::make_unique<sched::Executor>(2);
  const ModelRun run(sc, 0, *exec, registry());
  const ModelState& st = run.state();
  const auto& p = st.params.departure;
  ASSERT_EQ(p.return_hazard_german, p.return_hazard_foreign);
  const double r = p.return_hazard_german;
  const double L = p.seed_leavers_per_year / 12.0 * st.scale;
  double size = 0, months = 0, variance = 0;
  for (int m = 1; m < p.away_pool_months; ++m) {
    const double keep = std::pow(1.0 - r, m);
    size += L * keep;
    months += L * keep * m;
    variance += L * keep * (1 - keep);
  }
  const auto& pool = run.away_pool();
  const auto& c = st.cols;
  // Whole persons per month (the fractions carried) and the binomial draw of who is kept.
  EXPECT_NEAR(static_cast<double>(pool.size()), size, 4.0 * std::sqrt(variance) + 2.0);
  const auto away = pool.span(c.away_months);
  const auto age = pool.span(c.age_months);
  const auto residence = pool.span(c.residence);
  const auto nationality = pool.span(c.nationality);
  double sum_months = 0, abroad = 0, expected_abroad = 0;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    ASSERT_TRUE(is_away(residence[i]));
    ASSERT_GE(away[i], 1);
    ASSERT_LT(away[i], p.away_pool_months);
    ASSERT_GE(age[i], away[i]);
    sum_months += away[i];
    abroad += residence[i] == static_cast<std::uint8_t>(Residence::kAwayAbroad) ? 1.0 : 0.0;
    expected_abroad += nationality[i] == 0 ? p.abroad_share_german : p.abroad_share_foreign;
  }
  const auto n = static_cast<double>(pool.size());
  // Months away: uniform-like over 1..155, sd about 45; 4 SE of the mean.
  EXPECT_NEAR(sum_months / n, months / size, 4.0 * 45.0 / std::sqrt(n));
  EXPECT_NEAR(abroad, expected_abroad, 4.0 * std::sqrt(expected_abroad));
}

}  // namespace
}  // namespace brocken::migration
