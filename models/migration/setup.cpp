// Model set-up: derived monthly rates, market state and the initial population.
// Every rate here is computed from the region data and the scenario parameters; the derivations
// are listed in docs/model.md ("Initialisation") and data/sachsen-anhalt/README.md.
#include "models/migration/setup.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "models/migration/departure.hpp"
#include "models/migration/relocation.hpp"

namespace brocken::migration {

double life_expectancy(const std::vector<double>& qx) {
  double lx = 1.0;
  double total = 0.0;
  for (std::size_t a = 0; a < qx.size(); ++a) {
    const double q = std::clamp(qx[a], 0.0, 1.0);
    if (a + 1 == qx.size()) {
      // Open age interval: constant hazard, survivors live 1/q years on average.
      total += q > 0 ? lx / q : 0.0;
      break;
    }
    const double deaths = lx * q;
    total += (lx - deaths) + 0.5 * deaths;
    lx -= deaths;
  }
  return total;
}

double fit_mortality_scale(const std::vector<double>& qx, double target_e0, std::size_t old_age,
                           double old_factor) {
  auto e0_at = [&](double f) {
    std::vector<double> scaled(qx.size());
    for (std::size_t a = 0; a < qx.size(); ++a) {
      scaled[a] = std::min(1.0, (a < old_age ? f : old_factor) * qx[a]);
    }
    return life_expectancy(scaled);
  };
  double lo = 0.05;
  double hi = 20.0;
  if (e0_at(lo) < target_e0 || e0_at(hi) > target_e0) {
    throw std::invalid_argument("life expectancy target outside what scaling the table can reach");
  }
  for (int it = 0; it < 200 && hi - lo > 1e-12; ++it) {
    const double mid = 0.5 * (lo + hi);
    (e0_at(mid) > target_e0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double fit_mortality_scale(const std::vector<double>& qx, double target_e0) {
  return fit_mortality_scale(qx, target_e0, qx.size(), 1.0);
}

namespace {

/// Weights (person-years L_x of the table) of the ages first_open..max inside an open age group,
/// for one sex: how the initial population spreads its open group.
std::vector<double> open_age_weights(const std::vector<std::array<double, 2>>& death_prob_month,
                                     std::size_t first_open, std::size_t sex) {
  std::vector<double> w;
  double lx = 1.0;
  for (std::size_t y = first_open; y < death_prob_month.size(); ++y) {
    const double qy = 1.0 - std::pow(1.0 - death_prob_month[y][sex], 12.0);
    w.push_back(lx * (1.0 - 0.5 * qy));
    lx *= 1.0 - qy;
  }
  return w;
}

/// Calls f(sex, age_years, persons) for the population spread as the initial population is:
/// single years as they are, the open last group over the table's remaining ages.
template <class F>
void for_each_single_age(const std::vector<std::array<double, 2>>& pop,
                         const std::vector<std::array<double, 2>>& death_prob_month, F&& f) {
  const std::size_t open = pop.size() - 1;
  for (std::size_t sex = 0; sex < 2; ++sex) {
    for (std::size_t a = 0; a < open; ++a) f(sex, a, pop[a][sex]);
    const auto w = open_age_weights(death_prob_month, open, sex);
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    for (std::size_t k = 0; k < w.size(); ++k) f(sex, open + k, pop[open][sex] * w[k] / total);
  }
}

}  // namespace

double expected_first_year_deaths(const std::vector<std::array<double, 2>>& pop,
                                  const std::vector<std::array<double, 2>>& death_prob_month) {
  const std::size_t max_age = death_prob_month.size() - 1;
  double deaths = 0;
  for_each_single_age(pop, death_prob_month, [&](std::size_t sex, std::size_t age, double n) {
    for (std::size_t u = 0; u < 12; ++u) {  // month within the year of age at the start
      double survive = 1.0;
      for (std::size_t m = 1; m <= 12; ++m) {
        const std::size_t y = std::min((age * 12 + u + m) / 12, max_age);
        survive *= 1.0 - death_prob_month[y][sex];
      }
      deaths += n / 12.0 * (1.0 - survive);
    }
  });
  return deaths;
}

double expected_first_year_births(const std::vector<std::array<double, 2>>& pop,
                                  const std::vector<std::array<double, 2>>& death_prob_month,
                                  const std::vector<double>& birth_prob_month) {
  const std::size_t max_age = death_prob_month.size() - 1;
  double births = 0;
  for_each_single_age(pop, death_prob_month, [&](std::size_t sex, std::size_t age, double n) {
    if (sex != 1) return;
    for (std::size_t u = 0; u < 12; ++u) {
      double survive = 1.0;
      for (std::size_t m = 1; m <= 12; ++m) {
        const std::size_t y = std::min((age * 12 + u + m) / 12, max_age);
        survive *= 1.0 - death_prob_month[y][1];
        if (y < birth_prob_month.size()) births += n / 12.0 * survive * birth_prob_month[y];
      }
    }
  });
  return births;
}

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
  const ModelParams& p = s.params;
  // Mortality: Germany's qx scaled per sex to the state's life expectancy. With a calibration
  // period, ages from `mortality_old_age_years` on get one factor for both sexes, chosen so that
  // the first year's expected deaths equal that year's observed deaths, and the younger ages
  // per sex the factor that then keeps the state's e0 (docs/model.md, "Demography").
  const std::size_t ages = r.qx_germany.size();
  std::array<std::vector<double>, 2> qx;
  for (std::size_t sex = 0; sex < 2; ++sex) {
    for (std::size_t a = 0; a < ages; ++a) qx[sex].push_back(r.qx_germany[a][sex]);
  }
  const auto& pd = p.demography;
  const bool calibrate_deaths = !pd.deaths_calibration_period.empty();
  const std::size_t old_age =
      calibrate_deaths ? std::min(ages, static_cast<std::size_t>(pd.mortality_old_age_years))
                       : ages;
  const auto set_mortality = [&](double old_factor) {
    s.death_prob_month.assign(ages, {0.0, 0.0});
    for (std::size_t sex = 0; sex < 2; ++sex) {
      s.mortality_scale[sex] = fit_mortality_scale(qx[sex], r.e0_state[sex], old_age, old_factor);
      for (std::size_t a = 0; a < ages; ++a) {
        const double qa =
            std::min(1.0, (a < old_age ? s.mortality_scale[sex] : old_factor) * qx[sex][a]);
        s.death_prob_month[a][sex] = 1.0 - std::pow(1.0 - qa, 1.0 / 12.0);
      }
    }
    s.mortality_scale_old = old_factor;
  };
  if (!calibrate_deaths) {
    set_mortality(1.0);  // old_age == ages: the old factor applies to no age
    s.mortality_scale_old = 0.0;
  } else {
    const double target = r.figure("deaths", pd.deaths_calibration_period);
    double lo = 0.3;
    double hi = 5.0;
    // A large old-age factor can make the e0 unreachable for any younger factor: shrink the
    // bracket to old factors for which the e0 can still be met.
    for (int it = 0; it < 60; ++it) {
      try {
        set_mortality(hi);
        break;
      } catch (const std::invalid_argument&) {
        hi = 0.5 * (lo + hi);
      }
    }
    set_mortality(lo);
    const double d_lo = expected_first_year_deaths(r.population_age_sex, s.death_prob_month);
    set_mortality(hi);
    const double d_hi = expected_first_year_deaths(r.population_age_sex, s.death_prob_month);
    if (!(d_lo < target && target < d_hi)) {
      throw std::invalid_argument(fmt::format(
          "state_figures.csv: deaths {} = {:.0f} cannot be reached by scaling mortality from "
          "age {} on (reachable {:.0f} to {:.0f})",
          pd.deaths_calibration_period, target, old_age, d_lo, d_hi));
    }
    for (int it = 0; it < 100 && hi - lo > 1e-10; ++it) {
      const double mid = 0.5 * (lo + hi);
      set_mortality(mid);
      (expected_first_year_deaths(r.population_age_sex, s.death_prob_month) < target ? lo : hi) =
          mid;
    }
    set_mortality(0.5 * (lo + hi));
  }
  // Fertility: Germany's ASFR scaled to the state's TFR, or, with a calibration period, by the
  // factor that gives that year's observed births in the first year; a yearly rate becomes a
  // monthly probability.
  const double tfr_germany = std::accumulate(r.asfr_germany.begin(), r.asfr_germany.end(), 0.0);
  const auto set_fertility = [&](double factor) {
    s.fertility_scale = factor;
    s.birth_prob_month.assign(static_cast<std::size_t>(r.fertility_min_age) + r.asfr_germany.size(),
                              0.0);
    for (std::size_t k = 0; k < r.asfr_germany.size(); ++k) {
      s.birth_prob_month[static_cast<std::size_t>(r.fertility_min_age) + k] =
          1.0 - std::exp(-r.asfr_germany[k] * factor / 12.0);
    }
  };
  if (pd.births_calibration_period.empty()) {
    set_fertility(r.figure("tfr", pd.tfr_reference) / tfr_germany);
  } else {
    const double target = r.figure("live_births", pd.births_calibration_period);
    double lo = 0.1;
    double hi = 5.0;
    for (int it = 0; it < 100 && hi - lo > 1e-10; ++it) {
      const double mid = 0.5 * (lo + hi);
      set_fertility(mid);
      (expected_first_year_births(r.population_age_sex, s.death_prob_month, s.birth_prob_month) <
               target
           ? lo
           : hi) = mid;
    }
    set_fertility(0.5 * (lo + hi));
  }
  s.male_birth_share =
      r.population_age_sex[0][0] / (r.population_age_sex[0][0] + r.population_age_sex[0][1]);
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

  // Housing: dwellings in residential buildings and their vacant part (Zensus 2022); district
  // stocks in proportion to population (assumption, data README), district vacancy rates.
  const double dwellings_total = r.latest("dwellings_in_residential_buildings");
  double pop_total = 0;
  for (const auto& d : r.districts) pop_total += d.population_base;
  const double occupied = dwellings_total - r.latest("vacant_dwellings");
  if (!(occupied > 0)) {
    throw std::invalid_argument(
        "state_figures.csv: vacant_dwellings must be fewer than "
        "dwellings_in_residential_buildings");
  }
  s.persons_per_dwelling = pop_total / occupied;

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
  // Relocation between districts: target net moves per year from the net balances (full scale).
  {
    std::vector<double> balance;
    std::vector<double> population;
    for (const auto& d : r.districts) {
      balance.push_back(d.internal_migration_balance);
      population.push_back(d.population_base);
    }
    std::vector<bool> outliers;
    s.relocation_net_per_year =
        relocation_targets(balance, population, p.relocation.outlier_iqr_factor, outliers);
    double gains = 0;
    for (const double n : s.relocation_net_per_year) gains += std::max(n, 0.0);
    s.relocation_hazard.assign(r.districts.size(), 0.0);
    s.relocation_destination_cdf.assign(r.districts.size(), 1.0);
    double acc = 0;
    for (std::size_t d = 0; d < r.districts.size(); ++d) {
      const double n = s.relocation_net_per_year[d];
      // Per person and month; divided by the initial mean age multiplier in build_population.
      if (n < 0) s.relocation_hazard[d] = -n / 12.0 / r.districts[d].population_base;
      acc += gains > 0 ? std::max(n, 0.0) / gains : 0.0;
      s.relocation_destination_cdf[d] = acc;
    }
    if (!r.districts.empty()) s.relocation_destination_cdf.back() = 1.0;
  }
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
    const double pop_share = dd.population_base / pop_total;
    s.districts[d].dwellings_available = dwellings_total * pop_share * dd.housing_vacancy *
                                         p.housing.vacancy_available_share * s.scale;
    s.employed_share[d] = employed_total * employed_residents[d] / residents_total;  // persons
    s.unemployed_share[d] = dd.unemployed;
  }
  labour::derive_labour(s);
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
            housed[i] = 1;
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
                std::min(static_cast<int>(draw.below(120)), static_cast<int>(age[i]));
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

  // Relocation normalisation: divide each sending district's hazard by the mean age multiplier
  // of its initial residents, so that the expected movers match the target net loss.
  {
    std::vector<double> msum(nd, 0.0);
    std::vector<double> mcount(nd, 0.0);
    for (std::size_t j = 0; j < agents.size(); ++j) {
      msum[district[j]] +=
          p.relocation.age_band_multipliers[static_cast<std::size_t>(age_band_of(age[j] / 12))];
      mcount[district[j]] += 1;
    }
    for (std::size_t d = 0; d < nd; ++d) {
      if (msum[d] > 0) s.relocation_hazard[d] *= mcount[d] / msum[d];
    }
  }

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
}

}  // namespace brocken::migration
