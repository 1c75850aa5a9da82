// Determinism, common random numbers, initialisation and the output contract of the model.
#include "models/migration/model.hpp"

#include <cmath>
#include <map>
#include <tuple>

#include <gtest/gtest.h>

#include "engine/io/csv.hpp"
#include "models/migration/setup.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::load;
using testing::run_all;

bool same_series(const Series& a, const Series& b) {
  return a == b;  // every output, monthly and at the start, compared bit for bit
}

class ModelThreads : public ::testing::TestWithParam<int> {};

// The determinism contract: same scenario, seed and binary give identical results at any thread
// count and block size (bit-identical doubles, compared with ==).
TEST_P(ModelThreads, SmokeRunIsIdenticalAtAnyThreadCountAndBlockSize) {
  static const Scenario sc = load("smoke.yaml");
  static const auto reference = run_all(sc, 1);
  const auto got = run_all(sc, GetParam());
  EXPECT_TRUE(same_series(got.run->series(), reference.run->series()));
  const Scenario other_blocks = load("smoke.yaml", {"engine.block_size=100"});
  const auto got_blocks = run_all(other_blocks, GetParam());
  EXPECT_TRUE(same_series(got_blocks.run->series(), reference.run->series()));
}

INSTANTIATE_TEST_SUITE_P(Threads, ModelThreads, ::testing::Values(1, 2, 4),
                         [](const auto& param_info) {
                           return "t" + std::to_string(param_info.param);
                         });

TEST(Model, PersonRowFitsTheMemoryBudget) {
  // design.md: at most 64 bytes per agent including indices; person.hpp documents 39.
  const auto f = run_all(load("smoke.yaml", {"months=1"}), 1);
  EXPECT_EQ(f.run->bytes_per_agent(), 39U);
  EXPECT_LE(f.run->bytes_per_agent(), 64U);
}

TEST(Initialisation, QualificationSharesFollowTheDataByStatus) {
  // Shares read back from state_figures.csv through RegionData, compared with the initial
  // persons of a 10 % sample: binomial SE <= sqrt(0.25 / n), n >= ~8,000 per group -> 4 SE
  // is under 2.3 percentage points.
  const Scenario sc = load("smoke.yaml", {"months=1", "population.scale=0.1"});
  sched::Executor exec(1);
  const ModelRun run(sc, 0, exec, testing::registry());
  const auto& r = *sc.region;
  const std::array<std::array<double, 2>, 3> expected{{
      {r.latest("employed_share_without_vocational_qualification") / 100,
       r.latest("employed_share_academic") / 100},
      {r.latest("unemployed_share_helper_level") / 100,
       1 - (r.latest("unemployed_share_helper_level") +
            r.latest("unemployed_share_skilled_level")) /
               100},
      {r.latest("population15plus_share_without_vocational_qualification") / 100,
       r.latest("population15plus_share_academic") / 100},
  }};
  std::array<std::array<double, 4>, 3> n{};
  const auto& a = run.agents();
  const auto& c = run.state().cols;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto status = static_cast<Status>(a.span(c.status)[i]);
    if (status == Status::kChild) {
      EXPECT_EQ(a.span(c.qualification)[i], static_cast<std::uint8_t>(Qualification::kUnknown));
      continue;
    }
    const std::size_t g = status == Status::kEmployed ? 0 : status == Status::kUnemployed ? 1 : 2;
    n[g][a.span(c.qualification)[i]] += 1;
  }
  for (std::size_t g = 0; g < 3; ++g) {
    const double total = n[g][0] + n[g][1] + n[g][2] + n[g][3];
    ASSERT_GT(total, 5000) << g;
    EXPECT_EQ(n[g][0], 0) << "an adult without a qualification, group " << g;
    const double tol = 4 * std::sqrt(0.25 / total);
    EXPECT_NEAR(n[g][1] / total, expected[g][0], tol) << "low, group " << g;
    EXPECT_NEAR(n[g][3] / total, expected[g][1], tol) << "academic, group " << g;
  }
}

TEST(Model, SeedAndReplicationChangeTheResult) {
  const Scenario sc = load("smoke.yaml", {"months=6"});
  const auto a = run_all(sc, 1, 0);
  const auto b = run_all(sc, 1, 1);
  const auto c = run_all(load("smoke.yaml", {"months=6", "seed=7"}), 1, 0);
  EXPECT_FALSE(same_series(a.run->series(), b.run->series()));
  EXPECT_FALSE(same_series(a.run->series(), c.run->series()));
}

/// Rows of the final agents (residents and away pool) by key, for agents selected by
/// `keep(key)`.
std::map<std::uint64_t, testing::PersonRow> rows_by_key(const ModelRun& run,
                                                        bool (*keep)(std::uint64_t)) {
  const auto& c = run.state().cols;
  return testing::person_rows(run, [&](const storage::ColumnStore& a, std::size_t i) {
    return keep(a.span(c.key)[i]) &&
           a.span(c.residence)[i] != static_cast<std::uint8_t>(Residence::kGone);
  });
}

// Common random numbers: two scenarios that differ only in fertility give every person who was
// not born during the run exactly the same life (same draws for the same decisions), although
// the extra births shift every later storage slot. Newborns neither work nor search for housing
// within three years, so nothing else may differ.
TEST(CommonRandomNumbers, FertilityChangeLeavesEveryoneElseUntouched) {
  // Fertility from the TFR (not calibrated to a year's births), so that the TFR year matters.
  const Scenario base = load("smoke.yaml", {"models.demography.births_calibration_period=\"\""});
  const Scenario more_births =
      load("smoke.yaml", {"models.demography.births_calibration_period=\"\"",
                          "models.demography.tfr_reference=\"2021\""});
  const auto a = run_all(base, 2);
  const auto b = run_all(more_births, 1);
  auto not_born = [](std::uint64_t k) { return (k >> 62U) != 1U; };
  auto born = [](std::uint64_t k) { return (k >> 62U) == 1U; };
  const auto ra = rows_by_key(*a.run, not_born);
  const auto rb = rows_by_key(*b.run, not_born);
  EXPECT_GT(ra.size(), 10000U);
  EXPECT_TRUE(ra == rb);
  EXPECT_NE(rows_by_key(*a.run, born).size(), rows_by_key(*b.run, born).size())
      << "the change had an effect";
}

// A policy changes behaviour, but arrivals are drawn from their own keys: the same people arrive
// with the same attributes in both scenarios.
TEST(CommonRandomNumbers, PolicyScenarioSeesTheSameArrivals) {
  const auto a = run_all(load("smoke.yaml"), 1);
  const auto b =
      run_all(load("policies/language_courses.yaml", {"months=36", "population.scale=0.01"}), 2);
  auto arrival = [](std::uint64_t k) { return (k >> 62U) == 2U; };
  const auto ra = rows_by_key(*a.run, arrival);
  const auto rb = rows_by_key(*b.run, arrival);
  std::size_t common = 0;
  std::size_t differing_language = 0;
  for (const auto& [k, row] : ra) {
    auto it = rb.find(k);
    if (it == rb.end()) continue;
    ++common;
    EXPECT_EQ(std::get<0>(row), std::get<0>(it->second)) << "age";
    EXPECT_EQ(std::get<2>(row), std::get<2>(it->second)) << "sex";
    EXPECT_EQ(std::get<4>(row), std::get<4>(it->second)) << "nationality";
    differing_language += std::get<8>(row) != std::get<8>(it->second) ? 1U : 0U;
  }
  EXPECT_GT(common, 1000U);
  EXPECT_GT(differing_language, 0U) << "the policy had an effect";
}

TEST(Model, OutputDatasetHasTheRootContract) {
  const Scenario sc = load("smoke.yaml", {"months=3"});
  const auto f = run_all(sc, 1);
  const auto ds = make_dataset(sc, {&f.run->series()}, {}, {});
  ASSERT_GE(ds.dims.size(), 2U);
  EXPECT_EQ(ds.dims[0].name, "time");
  EXPECT_EQ(ds.dims[0].numeric, (std::vector<double>{0, 31, 60}));
  EXPECT_EQ(std::get<std::string>(ds.dims[0].attrs.at("units")), "days since 2024-01-01");
  EXPECT_EQ(ds.dims[1].name, "district");
  EXPECT_EQ(ds.dims[1].text.size(), 14U);
  for (const char* v : {"population", "births", "deaths", "arrivals", "departures", "returns",
                        "employed", "unemployed", "vacancies", "foreign_population"}) {
    bool found = false;
    for (const auto& var : ds.vars) {
      if (var.name == v && var.group.empty()) {
        found = true;
        EXPECT_EQ(var.dims, (std::vector<std::string>{"time", "district"}));
        EXPECT_EQ(var.values.size(), 3U * 14U);
      }
    }
    EXPECT_TRUE(found) << v;
  }
  const auto two = make_dataset(sc, {&f.run->series(), &f.run->series()}, {}, {});
  EXPECT_EQ(two.vars[1].dims.front(), "replication");
}

/// The variable `name` of group `group` in `ds`.
const io::Variable& var_of(const io::Dataset& ds, const std::string& group,
                           const std::string& name) {
  for (const auto& v : ds.vars) {
    if (v.group == group && v.name == name) return v;
  }
  throw std::out_of_range(group + "/" + name);
}

TEST(Model, DemographyDetailAddsUpAndMeanAgeMatchesTheAgents) {
  // The age band x sex x nationality table sums to the root population; its sums over
  // nationality and over band and sex are the two smaller tables; the mean age equals the
  // mean over the final agents, computed here from the columns.
  const Scenario sc = load("smoke.yaml", {"months=5"});
  const auto f = run_all(sc, 2);
  const auto ds = make_dataset(sc, {&f.run->series()}, {}, {});
  const auto& pop = var_of(ds, "", "population").values;
  const auto& detail = var_of(ds, "demography", "population_by_age_sex_nationality").values;
  const auto& by_age = var_of(ds, "demography", "population_by_age_sex").values;
  const auto& by_nat = var_of(ds, "demography", "population_by_nationality").values;
  const auto& mean_age = var_of(ds, "demography", "mean_age").values;
  const std::size_t nd = 14;
  const std::size_t nb = sc.run.output_age_bands.size();
  const std::size_t nt = 5;
  ASSERT_EQ(detail.size(), nt * nd * nb * 2 * 3);
  for (std::size_t t = 0; t < nt; ++t) {
    for (std::size_t d = 0; d < nd; ++d) {
      const std::size_t td = t * nd + d;
      double total = 0;
      for (std::size_t k = 0; k < nb * 2; ++k) {
        double over_nat = 0;
        for (std::size_t n = 0; n < 3; ++n) over_nat += detail[(td * nb * 2 + k) * 3 + n];
        EXPECT_DOUBLE_EQ(over_nat, by_age[td * nb * 2 + k]);
        total += over_nat;
      }
      EXPECT_DOUBLE_EQ(total, pop[td]);
      EXPECT_DOUBLE_EQ(by_nat[td * 3] + by_nat[td * 3 + 1] + by_nat[td * 3 + 2], pop[td]);
    }
  }
  const auto& a = f.run->agents();
  const auto& c = f.run->state().cols;
  std::vector<double> n(nd, 0.0);
  std::vector<double> months(nd, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.span(c.residence)[i] != static_cast<std::uint8_t>(Residence::kPresent)) continue;
    n[a.span(c.district)[i]] += 1;
    months[a.span(c.district)[i]] += a.span(c.age_months)[i];
  }
  for (std::size_t d = 0; d < nd; ++d) {
    EXPECT_NEAR(mean_age[(nt - 1) * nd + d], (months[d] / n[d] + 0.5) / 12.0, 1e-9) << d;
    EXPECT_GT(mean_age[(nt - 1) * nd + d], 40.0);
    EXPECT_LT(mean_age[(nt - 1) * nd + d], 55.0);
  }
}

}  // namespace
}  // namespace brocken::migration
