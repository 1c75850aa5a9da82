// Tests of models/migration/synth.hpp: the IPF fit of the starting population meets its targets
// (read back from the data through RegionData), keeps published values, and reproduces
// published district mean ages that the fit never saw (data/sachsen-anhalt/district_mean_age.csv);
// the persons a run starts with are an unbiased sample of the fitted table.
#include "models/migration/synth.hpp"

#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "engine/fit/ipf.hpp"
#include "engine/io/csv.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::load;

const Scenario& baseline() {
  static const Scenario sc = load("baseline.yaml");
  return sc;
}

TEST(Synth, FitConvergesAndMeetsEveryMargin) {
  const auto& p = *baseline().synth;
  EXPECT_TRUE(p.report.converged);
  EXPECT_TRUE(p.broad_age_reconciliation.converged);
  ASSERT_EQ(p.report.residuals.size(), 4U);  // margins 1-4 (synth.hpp)
  for (const auto& m : p.report.residuals) EXPECT_LT(m.max_rel, 1e-9) << m.name;
  // The state age x sex table, summed independently from the fitted cells.
  const auto& region = *baseline().region;
  const auto age_sex = fit::marginal(p.counts, p.shape(), {1, 2});
  for (std::size_t a = 0; a < p.ages; ++a) {
    for (std::size_t s = 0; s < 2; ++s) {
      EXPECT_NEAR(age_sex[a * 2 + s], region.population_age_sex[a][s], 1e-6) << a << " " << s;
    }
  }
}

TEST(Synth, DistrictTotalsKeepPublishedValuesAndTheStateTotal) {
  const auto& p = *baseline().synth;
  const auto& region = *baseline().region;
  const auto totals = fit::marginal(p.counts, p.shape(), {0});
  double state = 0;
  for (const auto& row : region.population_age_sex) state += row[0] + row[1];
  double sum = 0;
  // Unpublished districts keep their previous-year proportions among themselves.
  double ratio = -1;
  for (std::size_t d = 0; d < p.districts; ++d) {
    sum += totals[d];
    const auto& dd = region.districts[d];
    if (!std::isnan(dd.population_2023)) {
      EXPECT_NEAR(totals[d], dd.population_2023, 1e-6) << dd.name;
    } else if (ratio < 0) {
      ratio = totals[d] / dd.population_base;
    } else {
      EXPECT_NEAR(totals[d] / dd.population_base, ratio, 1e-12) << dd.name;
    }
  }
  EXPECT_NEAR(sum, state, 1e-6);
  EXPECT_GT(ratio, 0);
}

TEST(Synth, ForeignSharesAreMetAndBroadAgesStayCloseToThePublishedShares) {
  const auto& p = *baseline().synth;
  const auto& region = *baseline().region;
  const auto by_nat = fit::marginal(p.counts, p.shape(), {0, 3});
  std::vector<std::size_t> bins(p.ages);
  for (std::size_t a = 0; a < p.ages; ++a) {
    const auto age = static_cast<int>(a);
    bins[a] = age < kBroadAgeBounds[0] ? 0 : age < kBroadAgeBounds[1] ? 1 : 2;
  }
  const auto broad = fit::marginal(p.counts, p.shape(), {0, 1}, {{}, bins});
  for (std::size_t d = 0; d < p.districts; ++d) {
    const double total = by_nat[d * 3] + by_nat[d * 3 + 1] + by_nat[d * 3 + 2];
    const auto& dd = region.districts[d];
    EXPECT_NEAR((by_nat[d * 3 + 1] + by_nat[d * 3 + 2]) / total, dd.foreign_share, 1e-12)
        << dd.name;
    EXPECT_NEAR(by_nat[d * 3 + 1] / (by_nat[d * 3 + 1] + by_nat[d * 3 + 2]), p.eu_share_of_foreign,
                1e-12);
    // The published shares are about a year older than the state table they are reconciled
    // with; the reconciliation moves them by well under one percentage point.
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(broad[d * 3 + k] / total, dd.broad_age_shares[k], 0.006) << dd.name << " " << k;
    }
  }
}

/// Mean age of district d of the fitted table (completed years + 0.5).
double mean_age(const SyntheticPopulation& p, std::size_t d) {
  double n = 0;
  double sum = 0;
  for (std::size_t a = 0; a < p.ages; ++a) {
    for (std::size_t s = 0; s < 2; ++s) {
      for (std::size_t k = 0; k < 3; ++k) {
        n += p.at(d, a, s, k);
        sum += p.at(d, a, s, k) * (static_cast<double>(a) + 0.5);
      }
    }
  }
  return sum / n;
}

TEST(Synth, DistrictMeanAgesMatchPublishedValuesTheFitNeverSaw) {
  // Published mean ages of 31.12.2022 (old basis) for six districts. The fit is a year later
  // (+~0.3 years of ageing) and puts the open 90+ group at 90.5, so allow one year. The seed's
  // district age shapes must also beat the naive answer "every district has the state's age
  // structure" by a wide margin.
  const auto& p = *baseline().synth;
  const auto& region = *baseline().region;
  scenario::Diagnostics diags;
  const auto t = io::CsvTable::read(region.dir / "district_mean_age.csv");
  const auto c_ags = t.column("ags", diags);
  const auto c_age = t.column("mean_age_2022_12_31", diags);
  ASSERT_TRUE(diags.empty());
  double state_mean = 0;
  double state_n = 0;
  for (std::size_t d = 0; d < p.districts; ++d) {
    for (std::size_t a = 0; a < p.ages; ++a) {
      for (std::size_t s = 0; s < 2; ++s) {
        for (std::size_t k = 0; k < 3; ++k) {
          state_n += p.at(d, a, s, k);
          state_mean += p.at(d, a, s, k) * (static_cast<double>(a) + 0.5);
        }
      }
    }
  }
  state_mean /= state_n;
  double sse_fit = 0;
  double sse_flat = 0;
  ASSERT_EQ(t.rows(), 6U);
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const double published = t.number(i, c_age, diags);
    std::size_t d = p.districts;
    for (std::size_t k = 0; k < p.districts; ++k) {
      if (region.districts[k].ags == t.cell(i, c_ags)) d = k;
    }
    ASSERT_LT(d, p.districts) << t.cell(i, c_ags);
    const double fitted = mean_age(p, d);
    EXPECT_NEAR(fitted, published, 1.0) << region.districts[d].name;
    sse_fit += (fitted - published) * (fitted - published);
    sse_flat += (state_mean - published) * (state_mean - published);
  }
  EXPECT_LT(sse_fit, 0.2 * sse_flat) << "fit " << sse_fit << " vs flat " << sse_flat;
}

TEST(Synth, StartingPersonsAreAnUnbiasedSampleOfTheTable) {
  // At full scale each district has its fitted total to within one person. At 1 %, small
  // cells (district x nationality group x sex, e.g. ~100 EU women in a Landkreis) are sampled:
  // their mean over 200 replications matches 1 % of the fit within 4 standard errors (two-sided
  // normal p = 6.3e-5 per cell, so a false failure over the 84 cells has p < 0.6 %; with fewer
  // replications the estimated SE itself is too noisy for a 4-SE bound).
  // Every replication also meets the sampling's exact bounds (setup.cpp, integerise: each cell
  // of the fitted table, district x age x sex x nationality, gets the floor or the ceiling of its
  // expected count, and each district's total is within one person of its expected total).
  // The 200 replications take about 5 s under ThreadSanitizer, so the sanitizer builds
  // (BROCKEN_SANITIZED, tests/CMakeLists.txt) run 20 and check the exact bounds and that the
  // sample varies, but not the 4-SE bound on the mean.
  const auto& p = *baseline().synth;
  const std::size_t cells = p.districts * 3 * 2;
  const auto cell_counts = [&](const ModelRun& run) {
    std::vector<double> n(cells, 0.0);
    const auto& a = run.agents();
    const auto& c = run.state().cols;
    const auto district = a.span(c.district);
    const auto nationality = a.span(c.nationality);
    const auto sex = a.span(c.sex);
    for (std::size_t i = 0; i < a.size(); ++i) {
      n[(district[i] * std::size_t{3} + nationality[i]) * 2 + sex[i]] += 1;
    }
    return n;
  };
  const auto expected = fit::marginal(p.counts, p.shape(), {0, 2, 3});  // [d][sex][nat]
  const auto expected_at = [&](std::size_t d, std::size_t n, std::size_t s) {
    return expected[(d * 2 + s) * 3 + n];
  };
  {
    sched::Executor exec(1);
    ModelRun run(baseline(), 0, exec, testing::registry());
    const auto n = cell_counts(run);
    for (std::size_t d = 0; d < p.districts; ++d) {
      double got = 0;
      double want = 0;
      for (std::size_t k = 0; k < 6; ++k) got += n[d * 6 + k];
      for (std::size_t k = 0; k < 3; ++k) want += expected_at(d, k, 0) + expected_at(d, k, 1);
      EXPECT_LT(std::abs(got - want), 1.0) << d;
    }
  }
  const Scenario small = load("baseline.yaml", {"population.scale=0.01"});
  // The exact bounds at 1 %: cell [(d * 3 + nat) * 2 + sex] lies in [low, high]; district d's
  // total within 1 of want[d].
  std::vector<double> low(cells, 0.0);
  std::vector<double> high(cells, 0.0);
  std::vector<double> want(p.districts, 0.0);
  for (std::size_t d = 0; d < p.districts; ++d) {
    for (std::size_t a = 0; a < p.ages; ++a) {
      for (std::size_t s = 0; s < 2; ++s) {
        for (std::size_t nat = 0; nat < 3; ++nat) {
          const double e = p.at(d, a, s, nat) * small.run.scale;  // as setup.cpp computes it
          low[(d * 3 + nat) * 2 + s] += std::floor(e);
          high[(d * 3 + nat) * 2 + s] += std::ceil(e);
          want[d] += e;
        }
      }
    }
  }
#ifdef BROCKEN_SANITIZED
  constexpr int kReps = 20;
#else
  constexpr int kReps = 200;
#endif
  std::vector<double> sum(cells, 0.0);
  std::vector<double> sum2(cells, 0.0);
  for (int r = 0; r < kReps; ++r) {
    sched::Executor exec(1);
    ModelRun run(small, static_cast<std::uint32_t>(r), exec, testing::registry());
    const auto n = cell_counts(run);
    for (std::size_t k = 0; k < cells; ++k) {
      sum[k] += n[k];
      sum2[k] += n[k] * n[k];
      EXPECT_GE(n[k], low[k]) << "replication " << r << ", cell " << k;
      EXPECT_LE(n[k], high[k]) << "replication " << r << ", cell " << k;
    }
    for (std::size_t d = 0; d < p.districts; ++d) {
      double got = 0;
      for (std::size_t k = 0; k < 6; ++k) got += n[d * 6 + k];
      EXPECT_LT(std::abs(got - want[d]), 1.0) << "replication " << r << ", district " << d;
    }
  }
  int varied = 0;
  for (std::size_t d = 0; d < p.districts; ++d) {
    for (std::size_t nat = 0; nat < 3; ++nat) {
      for (std::size_t s = 0; s < 2; ++s) {
        const std::size_t k = (d * 3 + nat) * 2 + s;
        const double mean = sum[k] / kReps;
        const double var = std::max(sum2[k] / kReps - mean * mean, 0.0) * kReps / (kReps - 1);
        if (var > 0) ++varied;
#ifndef BROCKEN_SANITIZED
        // Floor of 0.5 persons: a cell whose count never varied is still checked.
        const double se = std::max(std::sqrt(var / kReps), 0.5);
        EXPECT_NEAR(mean, expected_at(d, nat, s) * 0.01, 4 * se) << d << " " << nat << " " << s;
#else
        (void)mean;  // the mean of 20 is not tested (see above)
#endif
      }
    }
  }
  EXPECT_GT(varied, static_cast<int>(cells) / 2) << "the sample hardly varies: is it random?";
}

TEST(Synth, ShapeTableNewerThanTheStartIsAnInputError) {
  EXPECT_THROW(load("baseline.yaml", {"models.demography.district_age_shape_year=2030"}),
               scenario::InputError);
}

}  // namespace
}  // namespace brocken::migration
