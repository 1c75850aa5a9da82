// The admission pipeline of skilled workers (models/migration/arrival.cpp) against the queueing
// arithmetic, computed in the test from the scenario's parameters and the districts' data.
#include <cmath>
#include <numeric>
#include <string>

#include <gtest/gtest.h>

#include "models/migration/model.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::load;
using testing::run_all;
using testing::series;
using testing::start;

TEST(AdmissionPipeline, AtCapacityPassesCapacityAndTheQueueGrowsByDemandLessCapacity) {
  // Demand well above every district's office capacity: each month the offices process exactly
  // their capacity c = rate x inhabitants / 100,000 (x scale), the queue grows by demand - c,
  // and after the procedure's months the entries are c a month (whole persons; the fractions
  // carry over). Demand: applications a year / 12, spread over the districts. In persons of the
  // whole state (model units / scale).
#ifdef BROCKEN_SANITIZED
  // 24 months at 20 % took 204 s under thread (tests/CMakeLists.txt: BROCKEN_SANITIZED); the
  // queueing arithmetic is checked in the optimised builds, the pipeline's code paths under the
  // sanitizers by the other model tests.
  GTEST_SKIP() << "arithmetic at 20 % of the population: optimised builds only";
#endif
  constexpr int kMonths = 24;
  constexpr double kRate = 4.0;            // cases per 100,000 inhabitants a month (default 12)
  constexpr double kApplications = 12000;  // a year (default 2,000)
  const Scenario sc =
      load("smoke.yaml",
           {"months=" + std::to_string(kMonths), "population.scale=0.2",
            "models.arrival.skilled.office_capacity_per_100k_per_month=" + std::to_string(kRate),
            "models.arrival.skilled.applications_per_year=" + std::to_string(kApplications)});
  const auto f = run_all(sc, 2);
  const ModelState& st = f.run->state();
  const Series& s = f.run->series();
  const int delay = st.params.arrival.skilled.procedure_months;
  ASSERT_GT(delay, 0);
  ASSERT_LT(delay + 6, kMonths);

  double capacity = 0;  // persons a month, state
  for (std::size_t d = 0; d < st.n_districts(); ++d) {
    const double c = kRate * st.region->districts[d].population_base / 1e5;
    const double demand = kApplications / 12.0 * st.application_share[d];
    ASSERT_GT(demand, 1.5 * c) << "district " << d << " is not at capacity";
    capacity += c;
  }
  const double demand = kApplications / 12.0;

  // The pipeline (queue + in procedure) grows by demand - entries every month, and from the
  // procedure's length on the entries are the capacity.
  const auto& pipeline = series(s, "arrival/skilled_pipeline");
  const auto& entries = series(s, "arrivals_skilled");
  const std::size_t nd = st.n_districts();
  // One person of rounding per district, in persons of the state.
  const double rounding = static_cast<double>(nd) * st.weight;
  const auto entered = [&](int t) {
    double x = 0;
    for (std::size_t d = 0; d < nd; ++d) x += entries[static_cast<std::size_t>(t) * nd + d];
    return x;
  };
  double before = start(s, "arrival/skilled_pipeline").at(0);
  double late_entries = 0;
  int late_months = 0;
  for (int t = 0; t < kMonths; ++t) {
    const double now = pipeline[static_cast<std::size_t>(t)];
    // Entries are whole persons, the pipeline is not.
    EXPECT_NEAR(now - before, demand - entered(t), rounding + 1e-6) << "month " << t;
    if (t > delay) {
      late_entries += entered(t);
      ++late_months;
    }
    before = now;
  }
  // Entries: the capacity a month, within the rounding of whole persons (each district carries
  // less than one person over the months).
  EXPECT_NEAR(late_entries / late_months, capacity, rounding / late_months + 1e-9);
  ASSERT_LT(rounding / late_months, 0.1 * capacity) << "the test cannot tell 10 % from rounding";
  // The queue grows at demand - capacity once the procedure is full (the cases in procedure are
  // then capacity x delay, constant). The pipeline holds fractions of persons, so this is exact
  // up to floating-point rounding.
  const double growth = (pipeline.back() - pipeline[static_cast<std::size_t>(delay)]) /
                        static_cast<double>(kMonths - 1 - delay);
  EXPECT_NEAR(growth, demand - capacity, 1e-9 * demand)
      << "demand " << demand << ", capacity " << capacity;
}

}  // namespace
}  // namespace brocken::migration
