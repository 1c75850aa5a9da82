// Life-table arithmetic of the demography behaviour (life_table.hpp).
#include "models/migration/demography/life_table.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

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

namespace {

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

}  // namespace brocken::migration
