// The demography behaviour's derived rates (rates.hpp): the calibration year's tables, then
// one table per calendar year along the scenario's trends.
#include "models/migration/demography/rates.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "models/migration/demography/life_table.hpp"
#include "models/migration/state.hpp"

namespace brocken::migration::demography {
namespace {

/// Annual death probabilities of one sex from monthly ones.
std::vector<double> annual_qx(const std::vector<std::array<double, 2>>& death_prob_month,
                              std::size_t sex) {
  std::vector<double> qx(death_prob_month.size());
  for (std::size_t a = 0; a < qx.size(); ++a) {
    qx[a] = 1.0 - std::pow(1.0 - death_prob_month[a][sex], 12.0);
  }
  return qx;
}

/// Monthly birth probabilities from annual rates per woman (ages from `min_age`) times `factor`.
std::vector<double> birth_table(const std::vector<double>& asfr, int min_age, double factor) {
  std::vector<double> out(static_cast<std::size_t>(min_age) + asfr.size(), 0.0);
  for (std::size_t k = 0; k < asfr.size(); ++k) {
    out[static_cast<std::size_t>(min_age) + k] = 1.0 - std::exp(-asfr[k] * factor / 12.0);
  }
  return out;
}

/// The calibration year's tables (s.death_prob_month, s.birth_prob_month and their factors).
void calibrate(ModelState& s) {
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
  const std::vector<double>& asfr = r.asfr_germany(pd.asfr_germany_year);
  const double tfr_germany = std::accumulate(asfr.begin(), asfr.end(), 0.0);
  const auto set_fertility = [&](double factor) {
    s.fertility_scale = factor;
    s.birth_prob_month.assign(static_cast<std::size_t>(r.fertility_min_age) + asfr.size(), 0.0);
    for (std::size_t k = 0; k < asfr.size(); ++k) {
      s.birth_prob_month[static_cast<std::size_t>(r.fertility_min_age) + k] =
          1.0 - std::exp(-asfr[k] * factor / 12.0);
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
}

/// Every calendar year's tables from the first simulated year to the end of the trends.
void build_years(ModelState& s) {
  const RegionData& r = *s.region;
  const DemographyParams& pd = s.params.demography;
  const MortalityTrend& mt = pd.mortality_trend;
  const FertilityTrend& ft = pd.fertility_trend;
  YearRates& y = s.demography;
  y = YearRates{};
  y.first_year = s.start.year;
  const int last =
      std::max({y.first_year, mt.until_year, ft.follow_germany_until_year, ft.change_until_year});
  const std::array<std::vector<double>, 2> qx{annual_qx(s.death_prob_month, 0),
                                              annual_qx(s.death_prob_month, 1)};
  const std::array<double, 2> e0_base{life_expectancy(qx[0]), life_expectancy(qx[1])};
  const std::array<double, 2> gain{mt.e0_gain_male, mt.e0_gain_female};
  const int last_asfr = r.asfr_germany_by_year.empty() ? 0 : r.asfr_germany_by_year.rbegin()->first;
  if (ft.follow_germany_until_year > last_asfr) {
    throw std::invalid_argument(fmt::format(
        "models.demography.fertility_trend.follow_germany_until_year: {} is after the last year "
        "of fertility_germany.csv ({})",
        ft.follow_germany_until_year, last_asfr));
  }
  for (int year = y.first_year; year <= last; ++year) {
    // Mortality: the calibrated table scaled (all ages, per sex) to the year's life expectancy.
    const int gained_years = std::max(0, std::min(year, mt.until_year) - mt.base_year);
    std::vector<std::array<double, 2>> death = s.death_prob_month;
    std::array<double, 2> e0 = e0_base;
    for (std::size_t sex = 0; sex < 2; ++sex) {
      // Without a gain the calibrated table itself (not a refit of it).
      if (gained_years > 0 && gain[sex] != 0.0) {
        e0[sex] = e0_base[sex] + gain[sex] * gained_years;
        const double f = fit_mortality_scale(qx[sex], e0[sex]);
        for (std::size_t a = 0; a < death.size(); ++a) {
          death[a][sex] = 1.0 - std::pow(1.0 - std::min(1.0, f * qx[sex][a]), 1.0 / 12.0);
        }
        e0[sex] = life_expectancy(annual_qx(death, sex));
      }
    }
    // Fertility: Germany's rates of the year (while the data has them) times the calibration
    // factor, then a constant relative change per year.
    const int asfr_year = std::clamp(year, pd.asfr_germany_year,
                                     std::max(pd.asfr_germany_year, ft.follow_germany_until_year));
    const int changed_years =
        std::max(0, std::min(year, ft.change_until_year) - ft.follow_germany_until_year);
    const double change = std::pow(1.0 + ft.change_per_year_after, changed_years);
    std::vector<double> birth =
        birth_table(r.asfr_germany(asfr_year), r.fertility_min_age, s.fertility_scale * change);
    y.tfr.push_back(total_fertility(birth));
    y.e0.push_back(e0);
    y.death.push_back(std::move(death));
    y.birth.push_back(std::move(birth));
  }
}

/// Monthly naturalisation probability of an eligible foreign resident: the given yearly rate, or
/// the one whose expected naturalisations in the first simulated year equal the calibration
/// period's observed count. Expected: over the 12 months m, the starting foreign residents whose
/// months since arrival (uniform over kStartMonthsSinceArrivalSpread, capped by the age in months,
/// as set-up draws them) plus m reach the residence minimum; deaths and departures within the
/// year are ignored (about 2 % of the eligible).
void calibrate_naturalisation(ModelState& s) {
  const NaturalisationParams& np = s.params.demography.naturalisation;
  if (np.calibration_period.empty()) {
    s.naturalisation_prob_month = 1.0 - std::pow(1.0 - np.rate_per_year, 1.0 / 12.0);
    return;
  }
  const SyntheticPopulation& syn = *s.synth;
  constexpr int kSpread = kStartMonthsSinceArrivalSpread;
  const int min_months = np.min_residence_months;
  double eligible_months = 0;  // sum over months of the expected eligible persons
  for (std::size_t d = 0; d < syn.districts; ++d) {
    for (std::size_t a = 0; a < syn.ages; ++a) {
      double foreign = 0;
      for (std::size_t sx = 0; sx < SyntheticPopulation::kSexes; ++sx) {
        for (std::size_t n = 1; n < SyntheticPopulation::kNationalities; ++n) {
          foreign += syn.at(d, a, sx, n);
        }
      }
      if (foreign == 0) continue;
      for (int u = 0; u < 12; ++u) {  // month within the year of age
        const int age_months = static_cast<int>(a) * 12 + u;
        for (int m = 1; m <= 12; ++m) {
          // P(min(U, age) + m >= M) with U uniform on 0..kSpread-1.
          const int need = min_months - m;
          if (age_months < need) continue;
          const int from = std::max(need, 0);
          const double p_u = from >= kSpread ? 0.0 : static_cast<double>(kSpread - from) / kSpread;
          eligible_months += foreign / 12.0 * p_u;
        }
      }
    }
  }
  const double target = s.region->figure("naturalisations", np.calibration_period);
  if (!(eligible_months > 0) || !(target < eligible_months)) {
    throw std::invalid_argument(fmt::format(
        "state_figures.csv: naturalisations {} = {:.0f} cannot be reached by the {:.0f} eligible "
        "person-months of the starting population",
        np.calibration_period, target, eligible_months));
  }
  s.naturalisation_prob_month = target / eligible_months;
}

}  // namespace

double total_fertility(const std::vector<double>& birth_prob_month) {
  double tfr = 0;
  for (const double m : birth_prob_month) tfr += -12.0 * std::log1p(-m);
  return tfr;
}

double life_expectancy_of(const std::vector<std::array<double, 2>>& death_prob_month,
                          std::size_t sex) {
  return life_expectancy(annual_qx(death_prob_month, sex));
}

void derive_demography(ModelState& s) {
  calibrate(s);
  build_years(s);
  calibrate_naturalisation(s);
}

}  // namespace brocken::migration::demography
