// Model set-up: derived monthly rates, market state and the initial population.
// Every rate here is computed from the region data and the scenario parameters; the derivations
// are listed in docs/model.md ("Initialisation") and data/sachsen-anhalt/README.md.
#include "models/migration/setup.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/migration/departure.hpp"

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

double fit_mortality_scale(const std::vector<double>& qx, double target_e0) {
  auto e0_at = [&](double f) {
    std::vector<double> s(qx.size());
    for (std::size_t a = 0; a < qx.size(); ++a) s[a] = std::min(1.0, f * qx[a]);
    return life_expectancy(s);
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

namespace {

/// Splits `total` into integer parts proportional to `weights` (largest remainder; ties by index).
std::vector<std::int64_t> apportion(double total, const std::vector<double>& weights) {
  const double wsum = std::accumulate(weights.begin(), weights.end(), 0.0);
  const auto target = static_cast<std::int64_t>(std::llround(total));
  std::vector<std::int64_t> out(weights.size(), 0);
  if (wsum <= 0 || target <= 0) return out;
  std::vector<std::pair<double, std::size_t>> rem;
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(target) * weights[i] / wsum;
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    assigned += out[i];
    rem.emplace_back(exact - static_cast<double>(out[i]), i);
  }
  std::stable_sort(rem.begin(), rem.end(), [](auto& x, auto& y) { return x.first > y.first; });
  for (std::size_t k = 0; assigned < target && k < rem.size(); ++k, ++assigned)
    ++out[rem[k].second];
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
  const RegionData& r = *s.region;
  const ModelParams& p = s.params;
  // Mortality: Germany's qx scaled per sex to the state's life expectancy.
  const std::size_t ages = r.qx_germany.size();
  s.death_prob_month.assign(ages, {0.0, 0.0});
  for (std::size_t sex = 0; sex < 2; ++sex) {
    std::vector<double> q(ages);
    for (std::size_t a = 0; a < ages; ++a) q[a] = r.qx_germany[a][sex];
    s.mortality_scale[sex] = fit_mortality_scale(q, r.e0_state[sex]);
    for (std::size_t a = 0; a < ages; ++a) {
      const double qa = std::min(1.0, s.mortality_scale[sex] * q[a]);
      s.death_prob_month[a][sex] = 1.0 - std::pow(1.0 - qa, 1.0 / 12.0);
    }
  }
  // Fertility: Germany's ASFR scaled to the state's TFR; a yearly rate becomes a monthly
  // probability.
  const double tfr_germany = std::accumulate(r.asfr_germany.begin(), r.asfr_germany.end(), 0.0);
  const double factor = r.figure("tfr", p.demography.tfr_reference) / tfr_germany;
  s.birth_prob_month.assign(static_cast<std::size_t>(r.fertility_min_age) + r.asfr_germany.size(),
                            0.0);
  for (std::size_t k = 0; k < r.asfr_germany.size(); ++k) {
    s.birth_prob_month[static_cast<std::size_t>(r.fertility_min_age) + k] =
        1.0 - std::exp(-r.asfr_germany[k] * factor / 12.0);
  }
  s.male_birth_share =
      r.population_age_sex[0][0] / (r.population_age_sex[0][0] + r.population_age_sex[0][1]);
  // The register lists only the largest citizenships; the unclassified rest is split like the
  // listed part (assumption, data/sachsen-anhalt/README.md).
  const double eu_listed = r.latest("foreign_population_eu_listed");
  s.eu_share_of_foreign =
      eu_listed / (eu_listed + r.latest("foreign_population_third_country_listed"));

  // Labour: registered vacancies and unemployed; A of the matching function from the mean
  // vacancy duration at the start (M/V = A (U/V)^alpha = 30.4375 / duration_days).
  double v_total = 0;
  double u_total = 0;
  double svb_total = 0;
  for (const auto& d : r.districts) {
    v_total += d.vacancies;
    u_total += d.unemployed;
    svb_total += d.employees_svb;
  }
  const double alpha = p.labour.matching_elasticity;
  const double fill_rate = 30.4375 / p.labour.vacancy_duration_days;
  s.matching_a = fill_rate * std::pow(v_total / u_total, alpha);
  const double employed_total = r.latest("persons_in_employment");

  // Housing: dwellings in residential buildings and their vacant part (Zensus 2022); district
  // stocks in proportion to population (assumption, data README), district vacancy rates.
  const double dwellings_total = r.latest("dwellings_in_residential_buildings");
  double pop_total = 0;
  for (const auto& d : r.districts) pop_total += d.population_base;
  s.persons_per_dwelling = pop_total / (dwellings_total - r.latest("vacant_dwellings"));

  s.districts.assign(r.districts.size(), DistrictState{});
  s.employed_share.assign(r.districts.size(), 0.0);
  s.unemployed_share.assign(r.districts.size(), 0.0);
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    const District& dd = r.districts[d];
    const double pop_share = dd.population_base / pop_total;
    s.districts[d].vacancies = dd.vacancies * s.scale;
    s.districts[d].dwellings_available = dwellings_total * pop_share * dd.housing_vacancy *
                                         p.housing.vacancy_available_share * s.scale;
    s.employed_share[d] = employed_total * dd.employees_svb / svb_total;  // persons; divided below
    s.unemployed_share[d] = dd.unemployed;
  }
  (void)svb_total;
}

void build_population(ModelState& s, storage::ColumnStore& agents, const rng::RunKey& run) {
  const RegionData& r = *s.region;
  const ModelParams& p = s.params;
  const std::size_t nd = r.districts.size();
  const std::size_t ages = r.population_age_sex.size();
  std::vector<double> district_w(nd);
  for (std::size_t d = 0; d < nd; ++d) district_w[d] = r.districts[d].population_base;

  // counts[d][age][sex]: each state age-sex cell apportioned over districts by population share
  // (assumption until the IPF of district age shapes: data/sachsen-anhalt/README.md).
  std::vector<std::int64_t> counts(nd * ages * 2, 0);
  auto at = [&](std::size_t d, std::size_t a, std::size_t sx) -> std::int64_t& {
    return counts[(d * ages + a) * 2 + sx];
  };
  std::int64_t total = 0;
  for (std::size_t a = 0; a < ages; ++a) {
    for (std::size_t sx = 0; sx < 2; ++sx) {
      const auto parts = apportion(r.population_age_sex[a][sx] * s.scale, district_w);
      for (std::size_t d = 0; d < nd; ++d) {
        at(d, a, sx) = parts[d];
        total += parts[d];
      }
    }
  }
  const int entry_years = static_cast<int>(p.demography.labour_entry_age_years);
  const int retire_years = static_cast<int>(p.demography.retirement_age_years);
  // Employment and unemployment probabilities among the working-age population of each district.
  for (std::size_t d = 0; d < nd; ++d) {
    double working_age = 0;
    for (std::size_t a = 0; a < ages; ++a) {
      if (static_cast<int>(a) >= entry_years && static_cast<int>(a) < retire_years) {
        working_age += static_cast<double>(at(d, a, 0) + at(d, a, 1));
      }
    }
    working_age /= s.scale;
    s.employed_share[d] = working_age > 0 ? std::min(1.0, s.employed_share[d] / working_age) : 0.0;
    s.unemployed_share[d] =
        working_age > 0 ? std::min(1.0 - s.employed_share[d], s.unemployed_share[d] / working_age)
                        : 0.0;
  }

  // Person-years L_x of the scaled life table from the open age on, per sex: the age
  // distribution inside the open group (90+ in the data) of a stationary population.
  std::array<std::vector<double>, 2> open_age_weights;
  for (std::size_t sx = 0; sx < 2; ++sx) {
    double lx = 1.0;
    for (std::size_t y = ages - 1; y < s.death_prob_month.size(); ++y) {
      const double qy = 1.0 - std::pow(1.0 - s.death_prob_month[y][sx], 12.0);
      open_age_weights[sx].push_back(lx * (1.0 - 0.5 * qy));
      lx *= 1.0 - qy;
    }
  }
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
  const auto& ip = p.integration;
  std::size_t i = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    const double foreign_share = r.districts[d].foreign_share;
    for (std::size_t a = 0; a < ages; ++a) {
      for (std::size_t sx = 0; sx < 2; ++sx) {
        for (std::int64_t k = 0; k < at(d, a, sx); ++k, ++i) {
          key[i] = rng::agent_key::initial(i);
          rng::Draw draw(run, key[i], -1, decisions::kInitAttributes);
          // Age within the year of age; the open last group is spread over the following
          // ages like a stationary population of the scaled life table (weights L_x).
          int years_offset = 0;
          if (a + 1 == ages)
            years_offset = static_cast<int>(pick_open_age(open_age_weights[sx], draw.uniform()));
          age[i] = static_cast<std::int16_t>((static_cast<int>(a) + years_offset) * 12 +
                                             static_cast<int>(draw.below(12)));
          sex[i] = static_cast<std::uint8_t>(sx);
          district[i] = static_cast<std::uint8_t>(d);
          housed[i] = 1;
          origin[i] = static_cast<std::uint8_t>(Origin::kInitial);
          arrival_tick[i] = -1;
          const bool foreign = draw.uniform() < foreign_share;
          const bool eu = draw.uniform() < s.eu_share_of_foreign;
          const int years = static_cast<int>(a);
          const double u_status = draw.uniform();
          if (years < entry_years) {
            status[i] = static_cast<std::uint8_t>(Status::kChild);
          } else if (years >= retire_years) {
            status[i] = static_cast<std::uint8_t>(Status::kRetired);
          } else if (u_status < s.employed_share[d]) {
            status[i] = static_cast<std::uint8_t>(Status::kEmployed);
          } else if (u_status < s.employed_share[d] + s.unemployed_share[d]) {
            status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
          } else {
            status[i] = static_cast<std::uint8_t>(Status::kInactive);
          }
          if (!foreign) {
            nationality[i] = static_cast<std::uint8_t>(Nationality::kGerman);
            here[i] = -1;
            ties[i] = 1.0F;
            language[i] = 4;
            continue;
          }
          nationality[i] =
              static_cast<std::uint8_t>(eu ? Nationality::kEu : Nationality::kThirdCountry);
          // Time since arrival is not in the data: uniform over the last ten years, capped by age
          // (assumption, docs/model.md). Ties, language and discrimination follow from it as if
          // the integration rules had run since arrival.
          const int months = std::min(static_cast<int>(draw.below(120)), static_cast<int>(age[i]));
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

  // Exogenous vacancy inflow that keeps each district's stock steady at the start: the
  // vacancies filled per month (fill rate x stock) minus the expected replacement demand of the
  // first month (registered share of the employed who retire, die or leave).
  const int retirement = static_cast<int>(p.demography.retirement_age_years * 12.0);
  std::vector<double> exits(nd, 0);
  const double fill_rate = 30.4375 / p.labour.vacancy_duration_days;
  for (std::size_t j = 0; j < agents.size(); ++j) {
    if (status[j] != static_cast<std::uint8_t>(Status::kEmployed)) continue;
    if (age[j] + 1 >= retirement) {
      exits[district[j]] += 1;
      continue;
    }
    const std::size_t y =
        std::min<std::size_t>(static_cast<std::size_t>(age[j] / 12), s.death_prob_month.size() - 1);
    const std::size_t g = nationality[j] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
    const double base = g == 0 ? p.departure.base_hazard_german : p.departure.base_hazard_foreign;
    const double leave =
        base / s.departure_norm[g] *
        departure_multiplier(p.departure, age[j], here[j], true, housed_s[j] == 0, ties[j],
                             discriminated[j] != 0,
                             recognition[j] == static_cast<std::uint8_t>(Recognition::kFull));
    exits[district[j]] += s.death_prob_month[y][sex[j]] + leave;
  }
  // Jobs: hires M = fill_rate x V replace separations and exits (M = s E + X), so the separation
  // rate that keeps employment steady at the start is s = (M - X) / E (docs/model.md, "Labour").
  double hires = 0;
  double exits_total = 0;
  double employed_total = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    s.districts[d].vacancy_inflow =
        std::max(0.0, fill_rate * s.districts[d].vacancies - p.labour.replacement_share * exits[d]);
    hires += fill_rate * s.districts[d].vacancies;
    exits_total += exits[d];
  }
  for (std::size_t j = 0; j < agents.size(); ++j) {
    employed_total += status[j] == static_cast<std::uint8_t>(Status::kEmployed) ? 1.0 : 0.0;
  }
  s.separation_rate =
      employed_total > 0 ? std::max(0.0, (hires - exits_total) / employed_total) : 0.0;
}

}  // namespace brocken::migration
