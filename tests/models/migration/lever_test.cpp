// Every lever the model declares (`brocken policies --levers`) moves its outcome in the expected
// direction, with paired random numbers: the baseline and the same scenario with one lever moved
// by a test module (test_multiply / test_add, tests/models/migration/test_support.hpp) run with
// the same seed and replication, so the difference is the lever's effect, not noise. The stock
// lever housing.dwellings and the programme integration.language_course have their own paired
// tests (housing_test.cpp, policy_test.cpp). Each case names the outcome and the direction;
// moving the lever the other way (or not at all) makes the case fail.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::registry;
using testing::run_all;
using testing::series;
using testing::TempDir;

/// The sum of an output over every month and district (flows: the run's total).
double total(const ModelRun& run, const char* name) {
  double x = 0;
  for (const double v : series(run.series(), name)) x += v;
  return x;
}

/// The mean over the run's months of a stock summed over districts.
double mean_stock(const ModelRun& run, const char* name) {
  const auto& v = series(run.series(), name);
  return total(run, name) / static_cast<double>(v.empty() ? 1 : run.months());
}

/// A statistic of the present foreign residents at the end of the run.
double foreign_mean(const ModelRun& run,
                    const std::function<double(const ModelRun&, std::size_t)>& f) {
  const auto& c = run.state().cols;
  const auto& a = run.agents();
  double sum = 0, n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.span(c.residence)[i] != static_cast<std::uint8_t>(Residence::kPresent) ||
        a.span(c.nationality)[i] == static_cast<std::uint8_t>(Nationality::kGerman))
      continue;
    sum += f(run, i);
    n += 1;
  }
  return n > 0 ? sum / n : 0.0;
}

/// Mean days from application to entry of the run's skilled entrants.
double mean_procedure(const ModelRun& run) {
  const auto& days = series(run.series(), "arrival/pipeline_procedure_duration");
  const auto& n = series(run.series(), "arrivals_skilled");
  double sum = 0, count = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    sum += days[i] * n[i];
    count += n[i];
  }
  return count > 0 ? sum / count : 0.0;
}

/// Skilled entrants of the run whose job offer is in a shortage group (`shortage_groups`).
double shortage_entrants(const ModelRun& run) {
  const auto& v = series(run.series(), "arrival/pipeline_entries");
  const auto& shortage = run.state().admission.shortage;
  const std::size_t ng = shortage.size();
  double x = 0;
  for (std::size_t i = 0; i < v.size(); ++i) x += shortage[i % ng] != 0 ? v[i] : 0.0;
  return x;
}

struct LeverCase {
  const char* lever;
  const char* module;  ///< test_multiply or test_add
  double amount;       ///< factor or delta
  const char* outcome;
  int sign;  ///< +1: the outcome rises, -1: it falls
  std::function<double(const ModelRun&)> measure;
};

std::string case_name(const ::testing::TestParamInfo<LeverCase>& info) {
  std::string s = info.param.lever;
  for (char& ch : s) {
    if (ch == '.') ch = '_';
  }
  return s;
}

class LeverDirection : public ::testing::TestWithParam<LeverCase> {};

// Two years at 5 % of the population (about 1.5 s a case optimised). The sanitizer builds do not
// run this file (tests.cmake): the paths it takes are those of the policy tests.
const std::vector<std::string> kSets{"months=24", "population.scale=0.05"};

TEST_P(LeverDirection, MovesItsOutcomeWithPairedRandomNumbers) {
  const LeverCase& c = GetParam();
  const std::vector<std::string>& sets = kSets;
  const TempDir dir;
  const std::string amount_key = std::string(c.module) == "test_add" ? "delta" : "factor";
  const auto file = dir.write(
      "lever.yaml",
      testing::extending("baseline.yaml", std::string("policies:\n  move:\n") + "    module: " +
                                              c.module + "\n" + "    lever: " + c.lever + "\n    " +
                                              amount_key + ": " + std::to_string(c.amount) + "\n"));
  const Scenario base = testing::load("baseline.yaml", sets);
  const Scenario moved = load_scenario(file, sets, registry());
  const auto a = run_all(base, 2);
  const auto b = run_all(moved, 2);
  const double before = c.measure(*a.run);
  const double after = c.measure(*b.run);
  ASSERT_GT(std::abs(before), 0.0) << c.outcome << " is 0 in the baseline: the case cannot tell";
  EXPECT_GT(c.sign * (after - before), 0.0)
      << c.lever << " x " << c.amount << ": " << c.outcome << " " << before << " -> " << after;
}

const std::vector<LeverCase> kCases{
    {"integration.language_pace", "test_multiply", 2.0, "foreign residents' mean German level", +1,
     [](const ModelRun& r) {
       return foreign_mean(r, [](const ModelRun& run, std::size_t i) {
         return static_cast<double>(run.agents().span(run.state().cols.language)[i]);
       });
     }},
    {"integration.discrimination_resolution", "test_multiply", 3.0,
     "share of foreign residents experiencing discrimination", -1,
     [](const ModelRun& r) {
       return foreign_mean(r, [](const ModelRun& run, std::size_t i) {
         return static_cast<double>(run.agents().span(run.state().cols.discriminated)[i]);
       });
     }},
    {"integration.ties_growth", "test_multiply", 3.0, "foreign residents' mean ties", +1,
     [](const ModelRun& r) {
       return foreign_mean(r, [](const ModelRun& run, std::size_t i) {
         return static_cast<double>(run.agents().span(run.state().cols.ties)[i]);
       });
     }},
    {"integration.course_participation", "test_multiply", 0.5, "German courses started", -1,
     [](const ModelRun& r) { return total(r, "integration/course_starts"); }},
    {"integration.recognition_speed", "test_multiply", 3.0, "recognition decisions", +1,
     [](const ModelRun& r) {
       return total(r, "integration/recognitions_full") +
              total(r, "integration/recognitions_partial") +
              total(r, "integration/recognitions_none");
     }},
    {"integration.discrimination_incidence", "test_multiply", 0.3,
     "discrimination events (everyday, labour, housing)", -1,
     [](const ModelRun& r) {
       return total(r, "integration/discrimination_events_everyday") +
              total(r, "integration/discrimination_events_labour") +
              total(r, "integration/discrimination_events_housing");
     }},
    {"arrival.skilled_applications", "test_multiply", 2.0, "skilled entries", +1,
     [](const ModelRun& r) { return total(r, "arrivals_skilled"); }},
    {"arrival.office_capacity", "test_multiply", 0.2, "skilled entries", -1,
     [](const ModelRun& r) { return total(r, "arrivals_skilled"); }},
    {"arrival.accelerated_share", "test_add", 0.75, "mean procedure of the skilled entrants", -1,
     [](const ModelRun& r) { return mean_procedure(r); }},
    {"arrival.points_shortage", "test_add", 10.0, "skilled entrants in a shortage occupation", +1,
     [](const ModelRun& r) { return shortage_entrants(r); }},
    {"arrival.min_points", "test_add", 1.0, "skilled entries", -1,
     [](const ModelRun& r) { return total(r, "arrivals_skilled"); }},
    {"labour.matching_efficiency", "test_multiply", 1.5, "hires", +1,
     [](const ModelRun& r) { return total(r, "hires"); }},
    {"housing.offers", "test_multiply", 2.0, "dwelling searchers (monthly mean)", -1,
     [](const ModelRun& r) { return mean_stock(r, "housing/searchers"); }},
    {"departure.foreign_hazard", "test_multiply", 2.0, "departures of foreign nationals", +1,
     [](const ModelRun& r) { return total(r, "departures_foreign"); }},
    {"departure.return_hazard", "test_multiply", 3.0, "returns", +1,
     [](const ModelRun& r) { return total(r, "returns"); }},
};

INSTANTIATE_TEST_SUITE_P(EveryRateLever, LeverDirection, ::testing::ValuesIn(kCases), case_name);

// The list above covers every rate lever the model declares.
TEST(LeverDirection, CoversEveryRateLever) {
  const Scenario sc = testing::load("smoke.yaml", {"months=1"});
  const sched::Executor exec(1);
  const ModelRun run(sc, 0, exec, registry());
  const auto levers = run.state().board.lever_declarations();
  EXPECT_GE(levers.size(), kCases.size());
  for (const auto& lever : levers) {
    bool found = false;
    for (const auto& c : kCases) found = found || lever.name == c.lever;
    EXPECT_TRUE(found) << "no direction test for lever " << lever.name;
  }
}

}  // namespace
}  // namespace brocken::migration
