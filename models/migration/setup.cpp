// Model set-up: derived monthly rates, market state and the initial population.
// Every rate here is computed from the region data and the scenario parameters; the derivations
// are listed in docs/model.md ("Initialisation") and data/sachsen-anhalt/README.md.
#include "models/migration/setup.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/migration/arrival.hpp"
#include "models/migration/demography/life_table.hpp"
#include "models/migration/departure.hpp"
#include "models/migration/integration.hpp"
#include "models/migration/relocation/rates.hpp"

namespace brocken::migration {

namespace {

/// Whole persons from expected counts: the integer part of each cell, plus one more for a
/// systematic sample of cells drawn with probability equal to their fractional part (one
/// uniform `u` per call). Every cell's expected count is kept exactly, whatever the scale, and
/// the total differs from the expected total by less than one.
std::vector<std::int64_t> integerise(const std::vector<double>& expected, double u) {
  std::vector<std::int64_t> out(expected.size(), 0);
  double cumulative = 0;
  double next = u;  // the next selection point: u, u + 1, u + 2, ...
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const double whole = std::floor(expected[k]);
    const double frac = expected[k] - whole;
    out[k] = static_cast<std::int64_t>(whole);
    cumulative += frac;
    if (cumulative > next) {  // at most one point per cell, since frac < 1
      ++out[k];
      next += 1.0;
    }
  }
  return out;
}

/// Index drawn from unnormalised weights with a uniform u in [0, 1).
std::size_t pick_open_age(const std::vector<double>& w, double u) {
  double total = 0;
  for (const double x : w) total += x;
  double acc = 0;
  for (std::size_t k = 0; k + 1 < w.size(); ++k) {
    acc += w[k] / total;
    if (u < acc) return k;
  }
  return w.empty() ? 0 : w.size() - 1;
}

}  // namespace

void derive_rates(ModelState& s) {
  // Each behaviour derives what it needs from the region data and its parameters. Order: the
  // labour market uses the arrival shares; housing uses the fitted start population.
  demography::derive_demography(s);
  derive_arrival(s);
  relocation::derive(s);
  s.districts.assign(s.region->districts.size(), DistrictState{});
  labour::derive_residents(s);
  labour::derive_labour(s);
  housing::derive_housing(s);
  derive_integration(s);
}

void build_population(ModelState& s, storage::ColumnStore& agents, const rng::RunKey& run) {
  const RegionData& r = *s.region;
  const ModelParams& p = s.params;
  const std::size_t nd = r.districts.size();
  const std::size_t ages = r.population_age_sex.size();
  const SyntheticPopulation& synth = *s.synth;
  constexpr std::size_t kSexes = SyntheticPopulation::kSexes;
  constexpr std::size_t kNat = SyntheticPopulation::kNationalities;

  // counts[d][age][sex][nationality]: the fitted expected persons times the scale, made whole
  // per district by sampling (see integerise): unbiased at any scale, exact at full scale up to
  // the fit's fractions.
  std::vector<std::int64_t> counts(synth.counts.size(), 0);
  const std::size_t per_district = ages * kSexes * kNat;
  std::int64_t total = 0;
  std::vector<double> expected(per_district);
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::size_t k = 0; k < per_district; ++k) {
      expected[k] = synth.counts[d * per_district + k] * s.scale;
    }
    rng::Draw draw(run, rng::agent_key::initial(d), -1, decisions::kInitSample);
    const auto whole = integerise(expected, draw.uniform());
    for (std::size_t k = 0; k < per_district; ++k) {
      counts[d * per_district + k] = whole[k];
      total += whole[k];
    }
  }
  auto at = [&](std::size_t d, std::size_t a, std::size_t sx, std::size_t n) -> std::int64_t {
    return counts[synth.index(d, a, sx, n)];
  };
  const int entry_years = static_cast<int>(p.demography.labour_entry_age_years);
  // Working age at the start: from the entry age to below the cohort's statutory retirement
  // age (a person of `a` completed years counts by mid-year age).
  auto of_working_age = [&](int years) {
    const int months = years * 12 + 6;
    return years >= entry_years && months < s.retirement_months(-1, months);
  };
  // The working-age population of each district by nationality group (German, foreign), at full
  // scale, from which the labour market gives each person's chance to be employed or unemployed.
  std::vector<std::array<double, 2>> working_age(nd, {0.0, 0.0});
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::size_t a = 0; a < ages; ++a) {
      if (!of_working_age(static_cast<int>(a))) continue;
      for (std::size_t sx = 0; sx < kSexes; ++sx) {
        for (std::size_t n = 0; n < kNat; ++n) {
          working_age[d][n == 0 ? 0 : 1] += static_cast<double>(at(d, a, sx, n)) / s.scale;
        }
      }
    }
  }
  const labour::StatusProbabilities status_p = labour::initial_status_probabilities(s, working_age);
  const std::vector<double>& employed_p = status_p.employed;
  const std::vector<double>& unemployed_p = status_p.unemployed;

  // Person-years L_x of the scaled life table from the open age on, per sex: the age
  // distribution inside the open group (90+ in the data) of a stationary population.
  const std::array<std::vector<double>, 2> open_weights{
      open_age_weights(s.death_prob_month, ages - 1, 0),
      open_age_weights(s.death_prob_month, ages - 1, 1)};
  const auto& c = s.cols;
  agents.reserve(static_cast<std::size_t>(total) + static_cast<std::size_t>(total) / 4);
  agents.append_rows(static_cast<std::size_t>(total));
  auto key = agents.span(c.key);
  auto age = agents.span(c.age_months);
  auto here = agents.span(c.months_here);
  auto arrival_tick = agents.span(c.arrival_tick);
  auto ties = agents.span(c.ties);
  auto coethnic = agents.span(c.ties_coethnic);
  auto sex = agents.span(c.sex);
  auto district = agents.span(c.district);
  auto nationality = agents.span(c.nationality);
  auto status = agents.span(c.status);
  auto housed = agents.span(c.housed);
  auto language = agents.span(c.language);
  auto discriminated = agents.span(c.discriminated);
  auto channel = agents.span(c.channel);
  auto qualification = agents.span(c.qualification);
  std::size_t i = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::size_t a = 0; a < ages; ++a) {
      for (std::size_t sx = 0; sx < kSexes; ++sx) {
        for (std::size_t n = 0; n < kNat; ++n) {
          for (std::int64_t k = 0; k < at(d, a, sx, n); ++k, ++i) {
            key[i] = rng::agent_key::initial(i);
            rng::Draw draw(run, key[i], -1, decisions::kInitAttributes);
            // Age within the year of age; the open last group is spread over the following
            // ages like a stationary population of the scaled life table (weights L_x).
            int years_offset = 0;
            if (a + 1 == ages)
              years_offset = static_cast<int>(pick_open_age(open_weights[sx], draw.uniform()));
            age[i] = static_cast<std::int16_t>((static_cast<int>(a) + years_offset) * 12 +
                                               static_cast<int>(draw.below(12)));
            sex[i] = static_cast<std::uint8_t>(sx);
            district[i] = static_cast<std::uint8_t>(d);
            housed[i] = a >= static_cast<std::size_t>(p.housing.household_min_age_years)
                            ? housing::kOwnCode
                            : housing::kDependentCode;
            channel[i] = static_cast<std::uint8_t>(Channel::kInitial);
            arrival_tick[i] = -1;
            const bool foreign = n != static_cast<std::size_t>(Nationality::kGerman);
            const int years = static_cast<int>(a);
            const double u_status = draw.uniform();
            if (years < entry_years) {
              status[i] = static_cast<std::uint8_t>(Status::kChild);
            } else if (age[i] >= s.retirement_months(-1, age[i])) {
              status[i] = static_cast<std::uint8_t>(Status::kRetired);
            } else if (u_status < employed_p[d * 2 + (foreign ? 1 : 0)]) {
              status[i] = static_cast<std::uint8_t>(Status::kEmployed);
            } else if (u_status < employed_p[d * 2 + (foreign ? 1 : 0)] +
                                      unemployed_p[d * 2 + (foreign ? 1 : 0)]) {
              status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
            } else {
              status[i] = static_cast<std::uint8_t>(Status::kInactive);
            }
            if (status[i] != static_cast<std::uint8_t>(Status::kChild)) {
              qualification[i] =
                  labour::draw_qualification(s, static_cast<Status>(status[i]), draw.uniform());
            }
            if (!foreign) {
              nationality[i] = static_cast<std::uint8_t>(Nationality::kGerman);
              here[i] = -1;
              ties[i] = 1.0F;
              language[i] = 4;
              continue;
            }
            nationality[i] = static_cast<std::uint8_t>(n);
            const InitialIntegration in = initial_integration(
                p.integration, age[i], static_cast<Sex>(sx),
                status[i] == static_cast<std::uint8_t>(Status::kEmployed), draw);
            here[i] = in.months_here;
            ties[i] = in.ties;
            coethnic[i] = in.coethnic;
            language[i] = in.language;
            discriminated[i] = in.discriminated;
          }
        }
      }
    }
  }

  relocation::normalise(s, agents);

  // Departure normalisation: the mean individual multiplier per group at the start.
  std::array<double, 2> sum{0, 0};
  std::array<double, 2> n{0, 0};
  StoreDepartureMultiplier multiplier(p.departure, agents, c);
  for (std::size_t j = 0; j < agents.size(); ++j) {
    const std::size_t g = nationality[j] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
    sum[g] += multiplier(j);
    n[g] += 1;
  }
  for (std::size_t g = 0; g < 2; ++g)
    s.departure_norm[g] = n[g] > 0 && sum[g] > 0 ? sum[g] / n[g] : 1.0;

  labour::init_labour(s, agents, run);
  housing::init_housing(s, agents);
}

}  // namespace brocken::migration
