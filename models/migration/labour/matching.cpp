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

double mean_completed_months(double h, int max_age, double theta) {
  double mean = 0;
  double open = 1.0;  // share of a cohort still open at the start of age a
  for (int a = 0; a < max_age; ++a) {
    // From age 1 on, arrivals with a job take theta of what is open before matching runs.
    const double taken = a > 0 ? open * theta : 0.0;
    const double filled = (open - taken) * h;
    mean += (taken + filled) * (a + 0.5);
    open -= taken + filled;
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

double steady_state_stock(double inflow, double h, int max_age, double theta) {
  // inflow * sum_{a=1}^{max_age-1} of the survivors at the end of age a - 1: (1 - h) after the
  // first month, then (1 - theta)(1 - h) a month.
  double stock = 0;
  double open = inflow * (1.0 - h);
  for (int a = 1; a < max_age; ++a) {
    stock += open;
    open *= (1.0 - theta) * (1.0 - h);
  }
  return stock;
}

void VacancyStock::fill_steady_state(double inflow, double h, double theta) {
  // At the end of a month, age a (1 <= a < max_age) holds the survivors of a months.
  double open = inflow * (1.0 - h);
  std::fill(open_.begin(), open_.end(), 0.0);
  for (std::size_t a = 1; a < open_.size(); ++a) {
    open_[a] = open;
    open *= (1.0 - theta) * (1.0 - h);
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
