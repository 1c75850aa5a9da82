// Validation of the demography against an independent cohort-component (Leslie matrix)
// projection (issue #3, docs/validation.md).
//
// With every flow across the state border switched off (scenarios/counterfactual/
// closed_population.yaml), the state population changes only through births and deaths. The
// expected population by age and sex then follows exactly from the initial population and the
// monthly rates: a Leslie-type matrix over age in months x sex, applied month by month. The test
// runs R replications of the model, counts the residents by 5-year age group and sex after 5, 10
// and 20 years, and checks that the Monte Carlo mean agrees with the projection within k Monte
// Carlo standard errors in every cell, in the total and in a chi-square-like sum over cells. Two
// deliberately wrong projections (mortality x 1.05, fertility x 1.05) must fail the same checks:
// the negative controls show that the comparison has the power to detect errors of that size.
//
// The projection shares nothing with the model but its inputs: the initial population (read from
// the agent store at tick 0, so whatever the set-up does is the starting point) and the derived
// monthly rates of ModelState (death_prob_month, birth_prob_month, male_birth_share). How those
// rates are derived from the data is tested elsewhere (model_test.cpp, "Demography").
//
// Where it runs at which strength. The statistical validation needs R = 40 replications of 20
// years: 4-15 s optimised, but about 190 s under ThreadSanitizer on 2 idle cores and past CTest's
// 300 s timeout on a loaded machine. So:
//  - builds without a sanitizer (release, debug) run the full statistical validation below, with
//    the negative controls at 5 %;
//  - sanitizer builds (asan, tsan: BROCKEN_LESLIE_SANITIZED) run the same code (same scenario,
//    same ensemble on a 2-thread executor, same projection and comparison) on R = 4 replications
//    of 10 years at 0.5 %, 20 times less work (about 2 s under address + undefined, 10 s under
//    thread). Their purpose there is memory, undefined-behaviour and race checking of the model
//    loop, so they assert only what cannot fail by chance: the exact accounting checks (every
//    build) and a gross 6-SE plausibility bound with the projection's own variance (every
//    build), whose power is shown by negative controls at 25 % instead of 5 %. The fine
//    tolerances (k = 5 per cell, 4 for the totals, mean z^2) need R = 40 and are asserted only
//    without a sanitizer: with R = 4, z follows t with 3 degrees of freedom, and the correct model
//    has cells beyond 5 SE (2 of 68, mean z^2 5.6 after 10 years).
// Exact accounting, per replication and horizon (any failure is a bug, never chance):
//  - nothing crosses the state border (arrivals, departures and returns are 0 in every month);
//  - the output's population series equals the residents counted in the agent store;
//  - the balance: residents = initial residents + births - deaths (output series);
//  - nobody appears from nowhere or gets younger: the residents aged a >= h months after h months
//    are at most the initial residents aged a - h of the same sex, and those aged < h months (born
//    during the run) at most the births.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/migration/model.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

// BROCKEN_SANITIZED comes from tests/CMakeLists.txt (BROCKEN_SANITIZE set); the compilers' own
// macros catch a sanitizer added by hand through CXXFLAGS.
#if defined(BROCKEN_SANITIZED)
#define BROCKEN_LESLIE_SANITIZED 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define BROCKEN_LESLIE_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BROCKEN_LESLIE_SANITIZED 1
#endif

// ---- Design of the comparison --------------------------------------------------------------
//
// Replications and scale. R = 40 replications (replication index r = 0 .. 39 of the scenario's
// seed) at 1 % (about 21,400 simulated persons at the start), 240 months each, on an executor
// with 2 threads: 4-15 s in an optimised build, depending on the load. Under the sanitizers
// (see the top of the file): R = 4 at 0.5 % (about 10,700 persons), 120 months, horizons after 1,
// 5 and 10 years; everything below about the statistics is about the full version.
#ifdef BROCKEN_LESLIE_SANITIZED
constexpr int kReplications = 4;
constexpr const char* kScale = "population.scale=0.005";
constexpr int kMonths = 120;                          // 10 years, 2024-01 .. 2033-12
constexpr std::array<int, 3> kHorizons{12, 60, 120};  // after 1, 5 and 10 years
#else
constexpr int kReplications = 40;
constexpr const char* kScale = "population.scale=0.01";
constexpr int kMonths = 240;                           // 20 years, 2024-01 .. 2043-12
constexpr std::array<int, 3> kHorizons{60, 120, 240};  // after 5, 10 and 20 years
#endif
constexpr int kGroupYears = 5;
constexpr std::size_t kGroups = 21;  // 0-4, 5-9, ..., 95-99, 100+
//
// Statistic. For replication r, d_r = simulated count - projected expectation, where the
// projection starts from that replication's own initial population (the month within the year of
// age and the spread of the open 90+ group are drawn per replication). Given the initial
// population the d_r are independent with mean 0, so z = mean(d) / (sd(d) / sqrt(R)) follows
// Student's t with R - 1 = 39 degrees of freedom, approximately: d is a sum of Bernoulli
// outcomes, and when few of them happen the t statistic has a heavier tail, because a sample
// with few events has both a small mean and a small sd.
//
// Cells tested one by one: expected count >= kMinExpected simulated persons, and projected
// variance (Projected::var) >= kMinVariance per replication. The second condition excludes cells
// where almost nothing random happens (children between 5 and 15 hardly die); in a simulation of
// that case (Poisson counts, R = 40) P(|t| > 5) is about 1.7e-4 at variance 1, 6.5e-5 at 2 and 4e-5
// at 5. Cells not tested one by one still enter the total.
constexpr double kMinExpected = 20.0;
constexpr double kMinVariance = 2.0;
//
// Tolerance per cell: |z| <= kK = 5. The usual normal bound at 4 (two-sided p = 6.3e-5) does
// not hold with an estimated SE: P(|t_39| > 4) = 2.7e-4, P(|t_39| > 5) = 1.3e-5, and about
// 6.5e-5 for the cells with the fewest events (above). With about 90 tested cells, the chance
// that a correct model fails any cell is at most 90 x 6.5e-5 = 0.6 % (Bonferroni; the cells
// are positively correlated across horizons, so the true figure is lower). The test is
// deterministic for a given binary and seed: this is the chance that a harmless change of the
// random streams (for example a new initial population) makes it fail.
constexpr double kK = 5.0;
// The total population, and the cumulative births and deaths, at each horizon are the most
// powerful single statistics (their d_r are sums over thousands of events, so t_39 holds well).
// They are held to kKTotal = 4: P(|t_39| > 4) = 2.7e-4 each, at most 2.5e-3 for the nine.
constexpr double kKTotal = 4.0;
// Chi-square-like statistic: the mean of z^2 over the tested cells of one horizon. Under the
// null, z^2 ~ F(1, 39) with mean 39/37 = 1.05. Simulated with independent t_39 values, the mean
// of 25 (40) of them exceeds 2.5 with probability 3.8e-4 (1.5e-5). The bound fails when many
// cells are a little off at once, which the per-cell bound misses.
constexpr double kMaxMeanZ2 = 2.5;
// Gross plausibility bound, asserted in every build: the mean over the replications of the total,
// the cumulative births and the cumulative deaths at each horizon lies within kKGross standard
// errors of the projection, the SE taken from the projection's own variance rather than
// estimated (Projected::var summed over the cells for the total; the expected count, a Poisson
// bound, for births and deaths). Sums of thousands of Bernoulli outcomes are close to normal, so
// a correct model fails one of the nine with probability about 9 x 2e-9: it cannot fail by
// chance. With R = 4 at 0.5 % over 10 years it detects errors of about 10 % in mortality or 15 %
// in fertility; the negative controls under the sanitizers use 25 %.
constexpr double kKGross = 6.0;

// ---- The independent projection ------------------------------------------------------------

/// Monthly rates as the model derives them (ModelState), copied so that a test can perturb them.
struct Rates {
  std::vector<std::array<double, 2>> death;  ///< [age in years][sex], last age open
  std::vector<double> birth;                 ///< [mother's age in years], 0 outside 15-49
  double male_share = 0.5;
};

/// Expected counts by age in completed months and sex: n[sex][age_months].
using Cohorts = std::array<std::vector<double>, 2>;

/// One month of the cohort-component projection, written from docs/model.md ("Demography") and
/// models/migration/demography/stage.cpp. The order within a month, for every resident of age a
/// months at the start of the month:
///  1. ageing first: a -> a + 1. Every rate of the month is read at the new age,
///     y = min((a + 1) / 12, last age of the death table) in completed years; persons beyond the
///     last age (100) keep its rate;
///  2. death with death[y][sex];
///  3. only a survivor gives birth: a woman with y < birth.size() (ages 15-49) has a child with
///     probability birth[y] (no multiple births), so a mother who dies in the month has no child;
///  4. the child enters at age 0 months, male with probability male_share. Children are added
///     after the demography stage, so they are not exposed to death in their birth month; their
///     first risk is next month, at age 1 month, with death[0].
/// Nothing else changes the state's count in a closed population (departure and return hazards
/// and all arrivals are 0; moves between districts keep the state's totals).
/// As a matrix: n'[a+1] = (1 - q(a+1)) n[a] (the sub-diagonal) and
/// n'[0] = share_sex * sum_a b(a+1) (1 - q_f(a+1)) n_f[a] (the first row).
/// `flows`, when given, receives the month's expected births and deaths.
Cohorts project_month(const Cohorts& n, const Rates& r, std::array<double, 2>* flows = nullptr) {
  const std::size_t last = r.death.size() - 1;
  Cohorts out;
  double births = 0;
  double deaths = 0;
  for (std::size_t sx = 0; sx < 2; ++sx) {
    out[sx].assign(n[sx].size(), 0.0);
    for (std::size_t a = 0; a + 1 < n[sx].size(); ++a) {
      const std::size_t y = std::min((a + 1) / 12, last);
      const double survivors = n[sx][a] * (1.0 - r.death[y][sx]);
      deaths += n[sx][a] * r.death[y][sx];
      out[sx][a + 1] = survivors;
      if (sx == 1 && y < r.birth.size()) births += survivors * r.birth[y];
    }
  }
  out[0][0] = births * r.male_share;
  out[1][0] = births * (1.0 - r.male_share);
  if (flows != nullptr) *flows = {births, deaths};
  return out;
}

std::size_t group_of(std::size_t age_months) {
  return std::min(age_months / (12 * kGroupYears), kGroups - 1);
}

/// Counts by 5-year age group (100+ open) and sex: [group * 2 + sex].
std::vector<double> by_group(const Cohorts& n) {
  std::vector<double> g(kGroups * 2, 0.0);
  for (std::size_t sx = 0; sx < 2; ++sx) {
    for (std::size_t a = 0; a < n[sx].size(); ++a) {
      g[group_of(a) * 2 + sx] += n[sx][a];
    }
  }
  return g;
}

/// The projection at the horizons: [horizon][group * 2 + sex].
struct Projected {
  std::vector<std::vector<double>> mean;  ///< expected counts
  /// Approximate variance of the simulated count given the initial population, used only to
  /// decide which cells carry enough random events to be tested (see kMinVariance): exact for
  /// the survivors of the initial population (sum of n S (1 - S) over the initial cohorts, S their
  /// survival probability), plus the expected count of persons born during the run (a Poisson
  /// approximation for them).
  std::vector<std::vector<double>> var;
  std::vector<std::array<double, 2>> flows;  ///< expected births and deaths from the start
};

/// Projects `initial` to each horizon (in months; the unit tests below give their own).
Projected project(const Cohorts& initial, const Rates& r,
                  const std::array<int, kHorizons.size()>& horizons = kHorizons) {
  const std::size_t last = r.death.size() - 1;
  Projected out;
  Cohorts n = initial;
  Cohorts survival;  // survival probability of each initial cohort (sex, age in months at start)
  for (std::size_t sx = 0; sx < 2; ++sx) survival[sx].assign(initial[sx].size(), 1.0);
  std::size_t month = 0;
  std::array<double, 2> cumulative{0.0, 0.0};
  for (const int h : horizons) {
    for (; month < static_cast<std::size_t>(h); ++month) {
      std::array<double, 2> flows{};
      n = project_month(n, r, &flows);
      cumulative[0] += flows[0];
      cumulative[1] += flows[1];
      for (std::size_t sx = 0; sx < 2; ++sx) {
        for (std::size_t a = 0; a + month + 1 < initial[sx].size(); ++a) {
          if (initial[sx][a] > 0)
            survival[sx][a] *= 1.0 - r.death[std::min((a + month + 1) / 12, last)][sx];
        }
      }
    }
    out.mean.push_back(by_group(n));
    out.flows.push_back(cumulative);
    std::vector<double> var(kGroups * 2, 0.0);
    for (std::size_t sx = 0; sx < 2; ++sx) {
      for (std::size_t a = 0; a + month < initial[sx].size(); ++a) {
        const double sv = survival[sx][a];
        var[group_of(a + month) * 2 + sx] += initial[sx][a] * sv * (1.0 - sv);
      }
      for (std::size_t a = 0; a < month; ++a) var[group_of(a) * 2 + sx] += n[sx][a];
    }
    out.var.push_back(std::move(var));
  }
  return out;
}

// ---- The model ensemble ----------------------------------------------------------------------

/// Residents present by age in months and sex (the projection's starting vector), sized so that
/// the oldest person still fits after kMonths months of ageing.
Cohorts residents_by_month_of_age(const ModelRun& run) {
  const auto& a = run.agents();
  const auto& c = run.state().cols;
  const auto age = a.span(c.age_months);
  const auto sex = a.span(c.sex);
  const auto residence = a.span(c.residence);
  std::size_t oldest = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    oldest = std::max(oldest, static_cast<std::size_t>(age[i]));
  Cohorts n;
  for (auto& v : n) v.assign(oldest + static_cast<std::size_t>(kMonths) + 2, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) continue;
    n[sex[i]][static_cast<std::size_t>(age[i])] += 1.0;
  }
  return n;
}

/// What one replication contributes: simulated counts by group at each horizon, and the start.
struct Replication {
  std::vector<std::vector<double>> sim;      ///< [horizon][group * 2 + sex], simulated persons
  std::vector<Cohorts> cohorts;              ///< [horizon]: residents by age in months and sex
  std::vector<std::array<double, 2>> flows;  ///< [horizon]: births and deaths from the start
  Cohorts initial;
  Rates rates;
  double flows_across_border = 0;  ///< arrivals + departures + returns over the run (must be 0)
  double output_mismatch = 0;      ///< |population series - agents counted here|, summed
};

/// Sum of a (time, district) series over the districts and the months [from, to), in simulated
/// persons (the series are weighted to full scale).
double series_sum(const ModelRun& run, const std::string& name, int from, int to) {
  const Series& s = run.series();
  const auto id = model_outputs().table.find(name);
  EXPECT_TRUE(id.has_value()) << name;
  if (!id) return 0.0;
  const auto& v = s[*id];
  const std::size_t nd = run.state().n_districts();
  double sum = 0;
  for (std::size_t i = static_cast<std::size_t>(from) * nd; i < static_cast<std::size_t>(to) * nd;
       ++i)
    sum += v[i];
  return sum / run.state().weight;
}

Replication run_replication(const Scenario& sc, std::uint32_t r, const sched::Executor& exec) {
  ModelRun run(sc, r, exec, testing::registry());
  Replication out;
  const ModelState& st = run.state();
  // The scenario holds the rates constant (closed_population.yaml): every year's tables are the
  // first year's, and those are the calibration year's.
  const auto& years = st.demography;
  for (std::size_t y = 1; y < years.death.size(); ++y) {
    EXPECT_EQ(years.death[y], years.death[0]) << "year " << years.first_year + static_cast<int>(y);
    EXPECT_EQ(years.birth[y], years.birth[0]) << "year " << years.first_year + static_cast<int>(y);
  }
  EXPECT_EQ(years.death[0], st.death_prob_month);
  EXPECT_EQ(years.birth[0], st.birth_prob_month);
  out.rates = Rates{years.death[0], years.birth[0], st.male_birth_share};
  out.initial = residents_by_month_of_age(run);
  std::size_t next = 0;
  for (int m = 1; m <= kMonths; ++m) {
    run.step();
    if (next < kHorizons.size() && m == kHorizons[next]) {
      out.cohorts.push_back(residents_by_month_of_age(run));
      out.sim.push_back(by_group(out.cohorts.back()));
      out.flows.push_back({series_sum(run, "births", 0, m), series_sum(run, "deaths", 0, m)});
      // The output series must say the same as the agent store.
      const auto& counted = out.sim.back();
      out.output_mismatch += std::abs(series_sum(run, "population", m - 1, m) -
                                      std::accumulate(counted.begin(), counted.end(), 0.0));
      ++next;
    }
  }
  for (const char* name : {"arrivals", "departures", "returns"})
    out.flows_across_border += series_sum(run, name, 0, kMonths);
  return out;
}

const std::vector<Replication>& ensemble() {
  static const std::vector<Replication> reps = [] {
    const Scenario sc =
        testing::load("counterfactual/closed_population.yaml",
                      {kScale, "months=" + std::to_string(kMonths), "engine.block_size=2048"});
    const sched::Executor exec(2);
    std::vector<Replication> out;
    for (int r = 0; r < kReplications; ++r)
      out.push_back(run_replication(sc, static_cast<std::uint32_t>(r), exec));
    return out;
  }();
  return reps;
}

// ---- Comparison ------------------------------------------------------------------------------

/// One cell (or the total) of one horizon.
struct Cell {
  double expected = 0;   ///< mean over replications of the projected expectation
  double simulated = 0;  ///< mean over replications of the simulated count
  double se = 0;         ///< Monte Carlo standard error of the mean difference
  double var = 0;        ///< mean over replications of the projected variance (Projected::var)
  [[nodiscard]] double z() const { return se > 0 ? (simulated - expected) / se : 0.0; }
};

Cell compare(const std::vector<double>& sim, const std::vector<double>& expected) {
  const auto n = static_cast<double>(sim.size());
  Cell c;
  double mean_d = 0;
  for (std::size_t r = 0; r < sim.size(); ++r) {
    c.simulated += sim[r] / n;
    c.expected += expected[r] / n;
    mean_d += (sim[r] - expected[r]) / n;
  }
  double ss = 0;
  for (std::size_t r = 0; r < sim.size(); ++r) {
    const double e = sim[r] - expected[r] - mean_d;
    ss += e * e;
  }
  c.se = std::sqrt(ss / (n - 1.0) / n);
  return c;
}

/// Result of comparing the ensemble with one projection.
struct Verdict {
  std::size_t replications = 0;
  std::size_t cells_tested = 0;
  std::size_t cells_failed = 0;
  double max_abs_z = 0;
  std::array<Cell, kHorizons.size()> total{};
  std::array<Cell, kHorizons.size()> births{};  ///< cumulative from the start
  std::array<Cell, kHorizons.size()> deaths{};  ///< cumulative from the start
  std::array<double, kHorizons.size()> mean_z2{};
  std::vector<std::string> failures;  ///< descriptions of failing cells (for the message)
  /// |simulated - projected| in SEs of the mean from the projected variance `var` per replication
  /// (see kKGross).
  [[nodiscard]] double gross_z(const Cell& c, double var) const {
    const double se = std::sqrt(var / static_cast<double>(replications));
    return se > 0 ? std::abs(c.simulated - c.expected) / se : 0.0;
  }
  /// The largest of the nine gross z values (total with its projected variance in Cell::var;
  /// births and deaths with their expected count as the variance).
  [[nodiscard]] double max_gross_z() const {
    double z = 0;
    for (std::size_t h = 0; h < kHorizons.size(); ++h) {
      z = std::max({z, gross_z(total[h], total[h].var), gross_z(births[h], births[h].expected),
                    gross_z(deaths[h], deaths[h].expected)});
    }
    return z;
  }
  [[nodiscard]] bool gross_ok() const { return max_gross_z() <= kKGross; }
  [[nodiscard]] bool totals_ok() const {
    auto ok = [](const Cell& c) { return std::abs(c.z()) <= kKTotal; };
    return std::all_of(total.begin(), total.end(), ok) &&
           std::all_of(births.begin(), births.end(), ok) &&
           std::all_of(deaths.begin(), deaths.end(), ok);
  }
  [[nodiscard]] bool chi_ok() const {
    return std::all_of(mean_z2.begin(), mean_z2.end(), [](double v) { return v <= kMaxMeanZ2; });
  }
  [[nodiscard]] bool passes() const { return cells_failed == 0 && totals_ok() && chi_ok(); }
};

std::string cell_name(std::size_t h, std::size_t cell) {
  const std::size_t g = cell / 2;
  const std::string ages = g + 1 == kGroups ? "100+"
                                            : std::to_string(g * kGroupYears) + "-" +
                                                  std::to_string(g * kGroupYears + kGroupYears - 1);
  return "year " + std::to_string(kHorizons[h] / 12) + ", ages " + ages + ", " +
         (cell % 2 == 0 ? "male" : "female");
}

/// Compares the ensemble with `perturb` applied to each replication's rates (identity for the
/// real check). When `print` is set, prints the table of the last horizon.
template <class Perturb>
Verdict judge(const std::vector<Replication>& reps, Perturb perturb, bool print) {
  const std::size_t nr = reps.size();
  const std::size_t ncell = kGroups * 2;
  std::vector<Projected> expected;  // per replication
  for (const auto& rep : reps) {
    Rates rates = rep.rates;
    perturb(rates);
    expected.push_back(project(rep.initial, rates));
  }
  Verdict v;
  v.replications = nr;
  for (std::size_t h = 0; h < kHorizons.size(); ++h) {
    std::vector<double> sim_total(nr, 0.0);
    std::vector<double> exp_total(nr, 0.0);
    double var_total = 0;  // mean over replications of the projected variance of the total
    double z2 = 0;
    std::size_t tested_here = 0;
    if (print) {
      std::printf("\nAfter %d years (%d months): simulated persons at scale, mean of %zu runs\n",
                  kHorizons[h] / 12, kHorizons[h], nr);
      std::printf("%-7s %-6s %10s %10s %7s %6s %9s\n", "ages", "sex", "projected", "simulated",
                  "SE", "z", "proj. var");
    }
    for (std::size_t cell = 0; cell < ncell; ++cell) {
      std::vector<double> sim(nr);
      std::vector<double> ex(nr);
      double var = 0;
      for (std::size_t r = 0; r < nr; ++r) {
        sim[r] = reps[r].sim[h][cell];
        ex[r] = expected[r].mean[h][cell];
        var += expected[r].var[h][cell] / static_cast<double>(nr);
        var_total += expected[r].var[h][cell] / static_cast<double>(nr);
        sim_total[r] += sim[r];
        exp_total[r] += ex[r];
      }
      Cell c = compare(sim, ex);
      c.var = var;
      const bool tested = c.expected >= kMinExpected && c.var >= kMinVariance && c.se > 0;
      if (print) {
        const std::size_t g = cell / 2;
        const std::string ages = g + 1 == kGroups ? "100+"
                                                  : std::to_string(g * kGroupYears) + "-" +
                                                        std::to_string(g * kGroupYears + 4);
        std::printf("%-7s %-6s %10.1f %10.1f %7.2f %6.2f %9.2f%s\n", ages.c_str(),
                    cell % 2 == 0 ? "male" : "female", c.expected, c.simulated, c.se, c.z(), c.var,
                    tested ? "" : "  not tested");
      }
      if (!tested) continue;
      ++tested_here;
      z2 += c.z() * c.z();
      v.max_abs_z = std::max(v.max_abs_z, std::abs(c.z()));
      if (std::abs(c.z()) > kK) {
        ++v.cells_failed;
        v.failures.push_back(cell_name(h, cell) + ": projected " + std::to_string(c.expected) +
                             ", simulated " + std::to_string(c.simulated) + ", z " +
                             std::to_string(c.z()));
      }
    }
    v.cells_tested += tested_here;
    v.mean_z2[h] = tested_here > 0 ? z2 / static_cast<double>(tested_here) : 0.0;
    v.total[h] = compare(sim_total, exp_total);
    v.total[h].var = var_total;
    for (std::size_t k = 0; k < 2; ++k) {
      std::vector<double> sim(nr);
      std::vector<double> ex(nr);
      for (std::size_t r = 0; r < nr; ++r) {
        sim[r] = reps[r].flows[h][k];
        ex[r] = expected[r].flows[h][k];
      }
      (k == 0 ? v.births : v.deaths)[h] = compare(sim, ex);
    }
    if (print) {
      const std::array<std::pair<const char*, const Cell*>, 3> rows{
          {{"total", &v.total[h]},
           {"births so far", &v.births[h]},
           {"deaths so far", &v.deaths[h]}}};
      for (const auto& [label, c] : rows) {
        std::printf("%-14s %10.1f %10.1f %7.2f %6.2f\n", label, c->expected, c->simulated, c->se,
                    c->z());
      }
      std::printf("mean z^2 over %zu tested cells: %.3f (bound %.1f)\n", tested_here, v.mean_z2[h],
                  kMaxMeanZ2);
    }
  }
  return v;
}

void report(const char* label, const Verdict& v) {
  std::printf(
      "%s: %zu cells tested, %zu beyond %.1f SE, max |z| %.2f; z at %d/%d/%d months: total "
      "%.2f / %.2f / %.2f, births %.2f / %.2f / %.2f, deaths %.2f / %.2f / %.2f; mean z^2 "
      "%.2f / %.2f / %.2f; largest gross z %.2f (bound %.1f)\n",
      label, v.cells_tested, v.cells_failed, kK, v.max_abs_z, kHorizons[0], kHorizons[1],
      kHorizons[2], v.total[0].z(), v.total[1].z(), v.total[2].z(), v.births[0].z(),
      v.births[1].z(), v.births[2].z(), v.deaths[0].z(), v.deaths[1].z(), v.deaths[2].z(),
      v.mean_z2[0], v.mean_z2[1], v.mean_z2[2], v.max_gross_z(), kKGross);
}

/// The exact accounting of one replication (see the top of the file): what is violated, if
/// anything. Counts are whole simulated persons, so the only tolerance is for the division of the
/// weighted output series by the weight.
std::vector<std::string> accounting_errors(const Replication& rep) {
  std::vector<std::string> out;
  const auto residents = [](const Cohorts& n) {
    return std::accumulate(n[0].begin(), n[0].end(), 0.0) +
           std::accumulate(n[1].begin(), n[1].end(), 0.0);
  };
  const double initial = residents(rep.initial);
  for (std::size_t h = 0; h < kHorizons.size(); ++h) {
    const std::string when = "after " + std::to_string(kHorizons[h]) + " months: ";
    const Cohorts& now = rep.cohorts[h];
    const double births = rep.flows[h][0];
    const double deaths = rep.flows[h][1];
    if (std::abs(residents(now) - (initial + births - deaths)) > 1e-6) {
      out.push_back(when + std::to_string(residents(now)) + " residents, but " +
                    std::to_string(initial) + " at the start + " + std::to_string(births) +
                    " births - " + std::to_string(deaths) + " deaths");
    }
    const auto months = static_cast<std::size_t>(kHorizons[h]);
    double born_here = 0;
    for (std::size_t sx = 0; sx < 2; ++sx) {
      for (std::size_t a = 0; a < now[sx].size(); ++a) {
        if (a < months) {
          born_here += now[sx][a];
          continue;
        }
        const std::size_t then = a - months;
        const double before = then < rep.initial[sx].size() ? rep.initial[sx][then] : 0.0;
        if (now[sx][a] > before) {
          out.push_back(when + std::to_string(now[sx][a]) + " residents of sex " +
                        std::to_string(sx) + " aged " + std::to_string(a) + " months, but " +
                        std::to_string(before) + " aged " + std::to_string(then) +
                        " months at the start");
        }
      }
    }
    if (born_here > births + 1e-6) {
      out.push_back(when + std::to_string(born_here) + " residents born during the run, but " +
                    std::to_string(births) + " births");
    }
  }
  return out;
}

// ---- Tests -----------------------------------------------------------------------------------

// The projection's own arithmetic, by hand, on a toy population (no model involved).
TEST(CohortProjection, OneMonthByHand) {
  Rates r;
  r.death.assign(2, {0.0, 0.0});
  r.death[0] = {0.1, 0.2};   // age 0
  r.death[1] = {0.5, 0.25};  // age 1 and older (last age: open)
  r.birth.assign(2, 0.0);
  r.birth[1] = 0.4;  // women of age 1 year give birth
  r.male_share = 0.5;
  Cohorts n;
  n[0].assign(30, 0.0);
  n[1].assign(30, 0.0);
  n[0][10] = 100;  // 10 months: ages to 11, still year 0
  n[1][11] = 100;  // 11 months: ages to 12 = year 1, so dies and gives birth at the year-1 rates
  // 25 months -> 26 = year 2, beyond the last age of the death table: year 1's rates. The model
  // caps the age before it reads the birth rate too, so these women give birth at year 1's rate
  // (with the real tables the cap, 100, is far above the last fertile age, 49).
  n[1][25] = 8;
  n[0][5] = 1000;  // men do not give birth
  const Cohorts out = project_month(n, r);
  EXPECT_DOUBLE_EQ(out[0][11], 90.0);
  EXPECT_DOUBLE_EQ(out[1][12], 75.0);
  EXPECT_DOUBLE_EQ(out[1][26], 6.0);
  EXPECT_DOUBLE_EQ(out[0][6], 900.0);
  // Only survivors give birth: (75 + 6) x 0.4 = 32.4 births, half of them boys.
  EXPECT_DOUBLE_EQ(out[0][0], 16.2);
  EXPECT_DOUBLE_EQ(out[1][0], 16.2);
  // Newborns do not die in their birth month; next month they face the age-0 rate.
  const Cohorts next = project_month(out, r);
  EXPECT_DOUBLE_EQ(next[0][1], 16.2 * 0.9);
  EXPECT_DOUBLE_EQ(next[1][1], 16.2 * 0.8);
}

TEST(CohortProjection, WithoutRatesEveryoneOnlyAges) {
  Rates r;
  r.death.assign(101, {0.0, 0.0});
  r.birth.assign(50, 0.0);
  Cohorts n;
  n[0].assign(400, 0.0);
  n[1].assign(400, 0.0);
  n[0][0] = 3;
  n[1][59] = 7;
  const auto g = project(n, r, {60, 120, 240});  // 5 years: 60 months
  EXPECT_DOUBLE_EQ(g.mean[0][1 * 2 + 0], 3.0);   // 60 months = 5 years: group 5-9
  EXPECT_DOUBLE_EQ(g.mean[0][1 * 2 + 1], 7.0);   // 119 months = 9 years 11 months: also 5-9
  EXPECT_DOUBLE_EQ(std::accumulate(g.mean[2].begin(), g.mean[2].end(), 0.0), 10.0);
  EXPECT_DOUBLE_EQ(std::accumulate(g.var[2].begin(), g.var[2].end(), 0.0), 0.0);
}

TEST(CohortProjection, SurvivorVarianceIsBinomial) {
  Rates r;
  r.death.assign(101, {0.01, 0.02});
  r.birth.assign(50, 0.0);
  Cohorts n;
  n[0].assign(70 * 12 + 300, 0.0);
  n[1].assign(70 * 12 + 300, 0.0);
  n[1][70 * 12] = 50;  // women aged 70: survive 60 months with 0.98^60
  const auto g = project(n, r, {60, 120, 240});
  const double s = std::pow(0.98, 60);
  EXPECT_DOUBLE_EQ(g.mean[0][15 * 2 + 1], 50 * s);  // now 75: group 75-79
  EXPECT_NEAR(g.var[0][15 * 2 + 1], 50 * s * (1 - s), 1e-9);
}

// One test, so that the ensemble is simulated once per process (CTest runs every test of the
// executable in a process of its own). Which assertions run in which build: see the top of the
// file.
TEST(LeslieValidation, ClosedPopulationMatchesCohortComponentProjection) {
  const auto& reps = ensemble();
  ASSERT_EQ(reps.size(), static_cast<std::size_t>(kReplications));
  // Exact accounting, every build.
  for (std::size_t r = 0; r < reps.size(); ++r) {
    const auto& rep = reps[r];
    ASSERT_EQ(rep.sim.size(), kHorizons.size());
    ASSERT_EQ(rep.cohorts.size(), kHorizons.size());
    EXPECT_EQ(rep.flows_across_border, 0.0) << "the scenario must be closed";
    EXPECT_LT(rep.output_mismatch, 1e-6) << "the population series must match the agent store";
    const auto errors = accounting_errors(rep);
    EXPECT_TRUE(errors.empty()) << "replication " << r << ": " << ::testing::PrintToString(errors);
    // Something happened: people died and were born in every replication.
    EXPECT_GT(rep.flows.back()[0], 0.0) << "replication " << r << ": no births";
    EXPECT_GT(rep.flows.back()[1], 0.0) << "replication " << r << ": no deaths";
  }
  // Replications differ (they are independent random streams).
  EXPECT_NE(reps[0].sim.back(), reps[1].sim.back());

  std::printf(
      "Leslie validation: R = %d replications, %s, %d months, k = %.1f per cell, "
      "%.1f for the total, mean z^2 <= %.1f, gross bound %.1f\n",
      kReplications, kScale, kMonths, kK, kKTotal, kMaxMeanZ2, kKGross);
  const Verdict v = judge(
      reps, [](Rates&) {}, true);
  report("model vs projection", v);
  // Gross plausibility, every build.
  EXPECT_LE(v.max_gross_z(), kKGross);
  for (std::size_t h = 1; h < kHorizons.size(); ++h) {
    // A closed population with this age structure shrinks: deaths exceed births about 2.5 : 1.
    EXPECT_LT(v.total[h].expected, v.total[h - 1].expected);
  }

#ifndef BROCKEN_LESLIE_SANITIZED
  // The statistical validation (R = 40, 20 years), builds without a sanitizer only.
  EXPECT_GE(v.cells_tested, 60U);  // about 90 at 1 %
  EXPECT_EQ(v.cells_failed, 0U) << ::testing::PrintToString(v.failures);
  for (std::size_t h = 0; h < kHorizons.size(); ++h) {
    EXPECT_LE(std::abs(v.total[h].z()), kKTotal)
        << "total after " << kHorizons[h] / 12 << " years: projected " << v.total[h].expected
        << ", simulated " << v.total[h].simulated << " (SE " << v.total[h].se << ")";
    EXPECT_LE(std::abs(v.births[h].z()), kKTotal)
        << "births in the first " << kHorizons[h] / 12 << " years: projected "
        << v.births[h].expected << ", simulated " << v.births[h].simulated;
    EXPECT_LE(std::abs(v.deaths[h].z()), kKTotal)
        << "deaths in the first " << kHorizons[h] / 12 << " years: projected "
        << v.deaths[h].expected << ", simulated " << v.deaths[h].simulated;
    EXPECT_LE(v.mean_z2[h], kMaxMeanZ2) << "after " << kHorizons[h] / 12 << " years";
  }

  // Negative controls: the same comparison against deliberately wrong projections must fail.
  const Verdict mortality = judge(
      reps,
      [](Rates& r) {
        for (auto& q : r.death)
          for (auto& x : q) x = std::min(1.0, x * 1.05);
      },
      false);
  report("negative control, mortality x 1.05", mortality);
  EXPECT_FALSE(mortality.passes());
  EXPECT_FALSE(mortality.totals_ok());
  // At 1 % the per-cell test alone detects it too (about 15 cells beyond 5 SE).
  EXPECT_GT(mortality.cells_failed, 0U);

  const Verdict fertility = judge(
      reps,
      [](Rates& r) {
        for (auto& b : r.birth) b *= 1.05;
      },
      false);
  report("negative control, fertility x 1.05", fertility);
  EXPECT_FALSE(fertility.passes());
  EXPECT_FALSE(fertility.totals_ok());
#else
  // Sanitizer builds: R = 4 cannot resolve 5 % errors, but the gross bound must still see 25 %
  // errors, so that it is known to have power (largest gross z about 13 and 10).
  const Verdict mortality = judge(
      reps,
      [](Rates& r) {
        for (auto& q : r.death)
          for (auto& x : q) x = std::min(1.0, x * 1.25);
      },
      false);
  report("negative control, mortality x 1.25", mortality);
  EXPECT_FALSE(mortality.gross_ok());
  const Verdict fertility = judge(
      reps,
      [](Rates& r) {
        for (auto& b : r.birth) b *= 1.25;
      },
      false);
  report("negative control, fertility x 1.25", fertility);
  EXPECT_FALSE(fertility.gross_ok());
#endif
}

}  // namespace
}  // namespace brocken::migration
