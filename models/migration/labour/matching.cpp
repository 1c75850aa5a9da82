#include "models/migration/labour/matching.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace brocken::migration::labour {

double matches(double a, double alpha, double u, double v) {
  if (!(u > 0) || !(v > 0) || !(a > 0)) return 0.0;
  const double m = a * std::pow(u, alpha) * std::pow(v, 1.0 - alpha);
  return std::min({m, u, v});
}

double efficiency_for(double target, double alpha, double u, double v) {
  if (!(u > 0) || !(v > 0) || !(target > 0) || target > std::min(u, v)) {
    throw std::invalid_argument(
        fmt::format("efficiency_for: {} matches from {} searchers and {} vacancies", target, u, v));
  }
  return target / (std::pow(u, alpha) * std::pow(v, 1.0 - alpha));
}

double mean_completed_months(double h, int max_age) {
  double mean = 0;
  double open = 1.0;  // share of a cohort still open at the start of age a
  for (int a = 0; a < max_age; ++a) {
    mean += open * h * (a + 0.5);
    open *= 1.0 - h;
  }
  return mean + open * max_age;
}

double fill_probability_for(double months, int max_age) {
  if (max_age < 1 || !(months >= 0.5) || !(months < max_age)) {
    throw std::invalid_argument(fmt::format(
        "a completed vacancy duration of {} months cannot be reached when vacancies are "
        "withdrawn after {} months",
        months, max_age));
  }
  // mean_completed_months falls from max_age (h -> 0) to 0.5 (h = 1).
  double lo = 0.0;
  double hi = 1.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mean_completed_months(mid, max_age) > months) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

double steady_state_stock(double inflow, double h, int max_age) {
  // inflow * sum_{a=1}^{max_age-1} (1 - h)^a, summed in closed form (a geometric series).
  if (max_age < 2) return 0.0;
  if (!(h > 0)) return inflow * (max_age - 1);
  const double q = 1.0 - h;
  double qn = 1.0;  // q^(max_age - 1), by multiplication (max_age is small)
  for (int a = 1; a < max_age; ++a) qn *= q;
  return inflow * q * (1.0 - qn) / h;
}

void VacancyStock::fill_steady_state(double inflow, double h) {
  // At the end of a month, age a (1 <= a < max_age) holds the survivors of a fills.
  double open = inflow;
  std::fill(open_.begin(), open_.end(), 0.0);
  for (std::size_t a = 1; a < open_.size(); ++a) {
    open *= 1.0 - h;
    open_[a] = open;
  }
}

double VacancyStock::total() const noexcept {
  return std::accumulate(open_.begin(), open_.end(), 0.0);
}

double VacancyStock::fill(double n) noexcept {
  const double all = total();
  if (!(n > 0) || !(all > 0)) return 0.0;
  const double share = std::min(1.0, n / all);
  double months = 0;
  for (std::size_t a = 0; a < open_.size(); ++a) {
    const double filled = open_[a] * share;
    open_[a] -= filled;
    months += filled * (static_cast<double>(a) + 0.5);
  }
  return months;
}

double VacancyStock::age_one_month() noexcept {
  if (open_.empty()) return 0.0;
  const double withdrawn = open_.back();
  for (std::size_t a = open_.size() - 1; a > 0; --a) open_[a] = open_[a - 1];
  open_[0] = 0.0;
  return withdrawn;
}

void VacancyStock::restore(std::vector<double> open) {
  if (open.size() != open_.size()) {
    throw std::invalid_argument(
        fmt::format("vacancy ages: {} values, expected {}", open.size(), open_.size()));
  }
  open_ = std::move(open);
}

}  // namespace brocken::migration::labour
