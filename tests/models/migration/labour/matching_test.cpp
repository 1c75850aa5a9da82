// The labour market's arithmetic (models/migration/labour/matching.hpp) against independent
// computations: the Cobb-Douglas formula written out, a Monte Carlo simulation of single
// vacancies, and the stock dynamics iterated month by month.
#include "models/migration/labour/matching.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace brocken::migration::labour {
namespace {

TEST(Matching, CobbDouglasWithConstantReturns) {
  // M = A U^a V^(1-a), written out: 0.3 * 400^0.5 * 100^0.5 = 0.3 * 20 * 10 = 60.
  EXPECT_NEAR(matches(0.3, 0.5, 400, 100), 60.0, 1e-12);
  // Constant returns: doubling both doubles the matches.
  EXPECT_NEAR(matches(0.2, 0.4, 800, 200), 2 * matches(0.2, 0.4, 400, 100), 1e-9);
  // Never more matches than searchers or vacancies; none without either.
  EXPECT_EQ(matches(50.0, 0.5, 10, 1000), 10.0);
  EXPECT_EQ(matches(0.3, 0.5, 0, 100), 0.0);
  EXPECT_EQ(matches(0.3, 0.5, 100, 0), 0.0);
}

TEST(Matching, EfficiencyReproducesItsTarget) {
  const double a = efficiency_for(37.0, 0.6, 900, 150);
  EXPECT_NEAR(matches(a, 0.6, 900, 150), 37.0, 1e-9);
  EXPECT_THROW((void)efficiency_for(200.0, 0.6, 900, 150), std::invalid_argument);
  EXPECT_THROW((void)efficiency_for(1.0, 0.6, 0, 150), std::invalid_argument);
}

TEST(Matching, MeanCompletedDurationMatchesSimulatedVacancies) {
  // Each vacancy: filled in month a with probability h (open a + 1/2 months), withdrawn after
  // max_age months. 200,000 vacancies; the standard error is below 0.01 months.
  std::mt19937_64 gen(12345);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const double h : {0.05, 0.2, 0.5}) {
    const int max_age = 12;
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      int a = 0;
      while (a < max_age && u(gen) >= h) ++a;
      sum += a < max_age ? a + 0.5 : max_age;
    }
    EXPECT_NEAR(mean_completed_months(h, max_age), sum / n, 0.04) << "h = " << h;
  }
  // The limits: filled at once (half a month), never filled (withdrawn at max_age).
  EXPECT_NEAR(mean_completed_months(1.0, 12), 0.5, 1e-12);
  EXPECT_NEAR(mean_completed_months(0.0, 12), 12.0, 1e-12);
}

TEST(Matching, FillProbabilityInvertsTheDuration) {
  // 140 days (Saxony-Anhalt, 2021/22) with withdrawal after a year.
  const double months = 140.0 / kDaysPerMonth;
  const double h = fill_probability_for(months, 12);
  EXPECT_NEAR(mean_completed_months(h, 12), months, 1e-9);
  EXPECT_GT(h, 0.15);
  EXPECT_LT(h, 0.30);
  EXPECT_THROW((void)fill_probability_for(12.0, 12), std::invalid_argument);
  EXPECT_THROW((void)fill_probability_for(0.4, 12), std::invalid_argument);
}

TEST(Matching, StockDynamicsReachTheSteadyStateAndItsDuration) {
  // Iterate the month (inflow, fill h of the stock, age) from empty: the stock converges to the
  // steady state, and the completed durations measured in a month to mean_completed_months.
  const double inflow = 300;
  const double h = 0.22;
  const int max_age = 12;
  VacancyStock s(max_age);
  double filled_months = 0, filled = 0, withdrawn = 0;
  for (int t = 0; t < 60; ++t) {
    s.add(inflow);
    const double n = h * s.total();
    filled_months = s.fill(n);
    filled = n;
    withdrawn = s.age_one_month();
  }
  EXPECT_NEAR(s.total(), steady_state_stock(inflow, h, max_age), 1e-6);
  const double measured = (filled_months + withdrawn * max_age) / (filled + withdrawn);
  EXPECT_NEAR(measured, mean_completed_months(h, max_age), 1e-6);
  // In the steady state, what leaves (filled + withdrawn) equals what enters.
  EXPECT_NEAR(filled + withdrawn, inflow, 1e-6);
  // fill_steady_state starts there directly.
  VacancyStock direct(max_age);
  direct.fill_steady_state(inflow, h);
  for (int a = 0; a < max_age; ++a) {
    EXPECT_NEAR(direct.by_age()[static_cast<std::size_t>(a)],
                s.by_age()[static_cast<std::size_t>(a)], 1e-6);
  }
}

TEST(Matching, ArrivalsTakingAShareFirstShortenDurationsAsTheStockDynamicsSay) {
  // Arrivals with a job take a share theta of the open stock at the start of each month
  // (LabourState::take_vacancy, before new vacancies come and matching runs). Iterating that
  // month from empty gives the stock, the completed durations and the balance that
  // steady_state_stock, mean_completed_months and fill_steady_state compute in closed form.
  const double inflow = 250;
  const double h = 0.05;
  const double theta = 0.04;
  const int max_age = 12;
  VacancyStock s(max_age);
  double months = 0, closed = 0;
  for (int t = 0; t < 80; ++t) {
    months = 0;
    closed = 0;
    const double taken = theta * s.total();
    months += s.fill(taken);
    closed += taken;
    s.add(inflow);
    const double n = h * s.total();
    months += s.fill(n);
    closed += n;
    const double withdrawn = s.age_one_month();
    months += withdrawn * max_age;
    closed += withdrawn;
  }
  EXPECT_NEAR(s.total(), steady_state_stock(inflow, h, max_age, theta), 1e-6);
  EXPECT_NEAR(months / closed, mean_completed_months(h, max_age, theta), 1e-6);
  EXPECT_NEAR(closed, inflow, 1e-6);
  VacancyStock direct(max_age);
  direct.fill_steady_state(inflow, h, theta);
  for (int a = 0; a < max_age; ++a) {
    EXPECT_NEAR(direct.by_age()[static_cast<std::size_t>(a)],
                s.by_age()[static_cast<std::size_t>(a)], 1e-6);
  }
  // Taking vacancies shortens what is left to complete: below the duration without arrivals.
  EXPECT_LT(mean_completed_months(h, max_age, theta), mean_completed_months(h, max_age) - 1.0);
}

}  // namespace
}  // namespace brocken::migration::labour
