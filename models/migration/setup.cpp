// Model set-up: derived monthly rates, market state and the initial population.
// Every rate here is computed from the region data and the scenario parameters; the derivations
// are listed in docs/model.md ("Initialisation") and data/sachsen-anhalt/README.md.
#include "models/migration/setup.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "models/migration/demography/life_table.hpp"
#include "models/migration/departure.hpp"
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

std::uint8_t draw_qualification(const ModelState& s, Status status, double u) noexcept {
  const std::size_t group = status == Status::kEmployed ? 0 : status == Status::kUnemployed ? 1 : 2;
  const auto& q = s.qualification_shares[group];
  const Qualification level = u < q[0]          ? Qualification::kLow
                              : u < q[0] + q[1] ? Qualification::kVocational
                                                : Qualification::kAcademic;
  return static_cast<std::uint8_t>(level);
}

void derive_rates(ModelState& s) {
  const RegionData& r = *s.region;
  demography::derive_demography(s);
  // The register lists only the largest citizenships; the unclassified rest is split like the
  // listed part (assumption, data/sachsen-anhalt/README.md).
  const double eu_listed = r.latest("foreign_population_eu_listed");
  const double listed = eu_listed + r.latest("foreign_population_third_country_listed");
  if (!(listed > 0)) {
    throw std::invalid_argument(
        "state_figures.csv: foreign_population_eu_listed + "
        "foreign_population_third_country_listed must be positive");
  }
  s.eu_share_of_foreign = eu_listed / listed;

  // Registered vacancies and unemployed by district (the labour market itself: labour/).
  double v_total = 0;
  for (const auto& d : r.districts) {
    v_total += d.vacancies;
  }
  const double employed_total = r.latest("persons_in_employment");

  double pop_total = 0;
  for (const auto& d : r.districts) pop_total += d.population_base;

  // Persons in employment live where the unemployment rate says: residents employed in d =
  // civilian labour force (unemployed / unemployment rate) - unemployed. Only their distribution
  // over districts is used; the state total stays `persons_in_employment`. (Spreading it by
  // svB at the workplace instead left almost no room for unemployment in the cities, which
  // employ many commuters.)
  std::vector<double> employed_residents(r.districts.size(), 0.0);
  double residents_total = 0;
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    const District& dd = r.districts[d];
    employed_residents[d] =
        dd.unemployment_rate > 0 ? dd.unemployed / dd.unemployment_rate - dd.unemployed : 0.0;
    residents_total += employed_residents[d];
  }
  if (residents_total <= 0) {
    throw std::invalid_argument(
        "district_structure.csv: no district has a positive unemployment rate");
  }
  // Where arrivals go: the free streams by population, skilled-worker applications by registered
  // vacancies (where the jobs are); by population where no district reports vacancies.
  s.arrival_share.assign(r.districts.size(), 0.0);
  s.application_share.assign(r.districts.size(), 0.0);
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    s.arrival_share[d] = r.districts[d].population_base / pop_total;
    s.application_share[d] = v_total > 0 ? r.districts[d].vacancies / v_total : s.arrival_share[d];
  }
  relocation::derive(s);
  // Qualification (Mikrozensus and BA; state_figures.csv). Employed: academic and without
  // vocational qualification as printed, vocational the rest. Unemployed: helper level = low,
  // skilled level = vocational, the rest (specialist and expert level) = academic. Everyone
  // else: the population aged 15+.
  {
    const auto shares = [&](double low, double academic) {
      return std::array<double, 3>{low, 1.0 - low - academic, academic};
    };
    const double u_low = r.latest("unemployed_share_helper_level") / 100.0;
    const double u_voc = r.latest("unemployed_share_skilled_level") / 100.0;
    s.qualification_shares = {
        shares(r.latest("employed_share_without_vocational_qualification") / 100.0,
               r.latest("employed_share_academic") / 100.0),
        shares(u_low, 1.0 - u_low - u_voc),
        shares(r.latest("population15plus_share_without_vocational_qualification") / 100.0,
               r.latest("population15plus_share_academic") / 100.0)};
    for (const auto& q : s.qualification_shares) {
      for (const double x : q) {
        if (x < 0 || x > 1) {
          throw std::invalid_argument(
              "state_figures.csv: qualification shares do not leave a share for vocational");
        }
      }
    }
  }
  s.districts.assign(r.districts.size(), DistrictState{});
  s.employed_share.assign(r.districts.size(), 0.0);
  s.unemployed_share.assign(r.districts.size(), 0.0);
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    const District& dd = r.districts[d];
    s.employed_share[d] = employed_total * employed_residents[d] / residents_total;  // persons
    s.unemployed_share[d] = dd.unemployed;
  }
  labour::derive_labour(s);
  housing::derive_housing(s);
}

void build_population(ModelState& s, storage::ColumnStore& agents, const rng::RunKey& run) {
  const RegionData& r = *s.region;
  const ModelParams& p = s.params;
  const std::size_t nd = r.districts.size();
  const std::size_t ages = r.population_age_sex.size();
  const SyntheticPopulation& synth = *s.synth;
  s.eu_share_of_foreign = synth.eu_share_of_foreign;
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
  // Employment and unemployment probabilities among the working-age population of each district
  // and nationality group (German, foreign): the district's employed (residence concept) and
  // registered unemployed, of which the foreign shares of the labour cells (svB employees,
  // registered unemployed of the labour data year) are foreign.
  const auto& cells = r.labour_year(p.labour.data_year);
  const std::size_t ng = r.occupation_groups.size();
  std::vector<double> employed_p(nd * 2, 0.0);
  std::vector<double> unemployed_p(nd * 2, 0.0);
  for (std::size_t d = 0; d < nd; ++d) {
    std::array<double, 2> working_age{0, 0};
    for (std::size_t a = 0; a < ages; ++a) {
      if (!of_working_age(static_cast<int>(a))) continue;
      for (std::size_t sx = 0; sx < kSexes; ++sx) {
        for (std::size_t n = 0; n < kNat; ++n) {
          working_age[n == 0 ? 0 : 1] += static_cast<double>(at(d, a, sx, n)) / s.scale;
        }
      }
    }
    double emp = 0, emp_f = 0, un = 0, un_f = 0;
    for (std::size_t g = 0; g < ng; ++g) {
      const LabourCell& cell = cells[d * ng + g];
      emp += cell.employees;
      emp_f += cell.employees_foreign;
      un += cell.unemployed;
      un_f += cell.unemployed_foreign;
    }
    // The registered unemployed (a register count) come first; the employed fill what is left
    // of the working-age population. What the foreign working-age population cannot hold goes
    // to the Germans of the district.
    const double w_f = working_age[1];
    const double w_g = working_age[0];
    const double u_f = std::min(s.unemployed_share[d] * (un > 0 ? un_f / un : 0.0), w_f);
    const double e_f = std::min(s.employed_share[d] * (emp > 0 ? emp_f / emp : 0.0), w_f - u_f);
    const double u_g = std::min(s.unemployed_share[d] - u_f, w_g);
    const double e_g = std::min(s.employed_share[d] - e_f, w_g - u_g);
    employed_p[d * 2] = w_g > 0 ? std::max(0.0, e_g / w_g) : 0.0;
    unemployed_p[d * 2] = w_g > 0 ? std::max(0.0, u_g / w_g) : 0.0;
    employed_p[d * 2 + 1] = w_f > 0 ? std::max(0.0, e_f / w_f) : 0.0;
    unemployed_p[d * 2 + 1] = w_f > 0 ? std::max(0.0, u_f / w_f) : 0.0;
  }

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
  auto sex = agents.span(c.sex);
  auto district = agents.span(c.district);
  auto nationality = agents.span(c.nationality);
  auto status = agents.span(c.status);
  auto housed = agents.span(c.housed);
  auto language = agents.span(c.language);
  auto discriminated = agents.span(c.discriminated);
  auto origin = agents.span(c.origin);
  auto qualification = agents.span(c.qualification);
  const auto& ip = p.integration;
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
            origin[i] = static_cast<std::uint8_t>(Origin::kInitial);
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
                  draw_qualification(s, static_cast<Status>(status[i]), draw.uniform());
            }
            if (!foreign) {
              nationality[i] = static_cast<std::uint8_t>(Nationality::kGerman);
              here[i] = -1;
              ties[i] = 1.0F;
              language[i] = 4;
              continue;
            }
            nationality[i] = static_cast<std::uint8_t>(n);
            // Time since arrival is not in the data: uniform over the last ten years, capped by age
            // (assumption, docs/model.md). Ties, language and discrimination follow from it as if
            // the integration rules had run since arrival.
            const int months =
                std::min(static_cast<int>(draw.below(kStartMonthsSinceArrivalSpread)),
                         static_cast<int>(age[i]));
            here[i] = static_cast<std::int16_t>(months);
            ties[i] = static_cast<float>(1.0 - std::pow(1.0 - ip.ties_growth_per_month, months));
            language[i] = static_cast<std::uint8_t>(std::min(
                4.0, std::floor(static_cast<double>(months) / ip.language_months_per_level)));
            const double still = ip.initial_discrimination_share *
                                 std::pow(1.0 - 1.0 / ip.discrimination_resolution_months, months);
            discriminated[i] = static_cast<std::uint8_t>(draw.uniform() < still ? 1 : 0);
          }
        }
      }
    }
  }

  relocation::normalise(s, agents);

  // Departure normalisation: the mean individual multiplier per group at the start.
  std::array<double, 2> sum{0, 0};
  std::array<double, 2> n{0, 0};
  const auto housed_s = agents.span(c.housed);
  const auto recognition = agents.span(c.recognition);
  for (std::size_t j = 0; j < agents.size(); ++j) {
    const std::size_t g = nationality[j] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
    sum[g] += departure_multiplier(p.departure, age[j], here[j],
                                   status[j] == static_cast<std::uint8_t>(Status::kEmployed),
                                   housed_s[j] == 0, ties[j], discriminated[j] != 0,
                                   recognition[j] == static_cast<std::uint8_t>(Recognition::kFull));
    n[g] += 1;
  }
  for (std::size_t g = 0; g < 2; ++g)
    s.departure_norm[g] = n[g] > 0 && sum[g] > 0 ? sum[g] / n[g] : 1.0;

  labour::init_labour(s, agents, run);
  housing::init_housing(s, agents);
}

}  // namespace brocken::migration
