#pragma once
/// @file
/// @brief The arithmetic of the labour market, free of agents: the constant-returns Cobb–Douglas
/// matching function, its calibration, and registered vacancies kept by age so that vacancies
/// open too long are withdrawn and completed vacancy durations can be measured.
///
/// Matching (Petrongolo & Pissarides 2001): M = A · U^α · V^(1−α), at most min(U, V).
/// Vacancy ages: in a month, new vacancies enter at age 0; every open vacancy is filled with the
/// same probability h = M / V whatever its age; the rest age by one month, and those that reach
/// `max_age` months are withdrawn (deregistered unfilled). A vacancy filled at age a was open
/// a + 1/2 months on average (filled in the middle of the month); a withdrawn one max_age months.
#include <cstddef>
#include <vector>

namespace brocken::migration::labour {

/// @brief Days per month in durations (365.25 / 12).
inline constexpr double kDaysPerMonth = 30.4375;

/// @brief M = a · u^alpha · v^(1−alpha), limited to min(u, v); 0 when u or v is not positive.
double matches(double a, double alpha, double u, double v);

/// @brief The efficiency A with which `u` searchers and `v` vacancies give `target` matches
/// (0 < target <= min(u, v)). Throws std::invalid_argument otherwise.
double efficiency_for(double target, double alpha, double u, double v);

/// @brief Mean completed duration (months) of vacancies filled with monthly probability h and
/// withdrawn at `max_age` months, in the steady state of constant inflow. `theta`: the share of
/// the open vacancies (aged one month or more) that arrivals with a job take at the start of
/// each month, before matching (arrival.cpp, LabourState::take_vacancy).
double mean_completed_months(double h, int max_age, double theta = 0.0);

/// @brief Monthly fill probability h for which mean_completed_months(h, max_age) == months
/// (bisection to 1e-12). Throws std::invalid_argument when no h in (0, 1] gives that duration
/// (months below 1/2 or not below max_age).
double fill_probability_for(double months, int max_age);

/// @brief Open vacancies at the end of a month in the steady state of `inflow` new vacancies a
/// month, filled with probability h (and taken by arrivals with share `theta`, see
/// mean_completed_months) and withdrawn at `max_age` months.
double steady_state_stock(double inflow, double h, int max_age, double theta = 0.0);

/// @brief Registered vacancies of one labour-market cell, by age in months.
class VacancyStock {
 public:
  VacancyStock() = default;
  explicit VacancyStock(int max_age) : open_(static_cast<std::size_t>(max_age), 0.0) {}

  /// @brief Steady state of `inflow` a month at fill probability h and arrivals' share `theta`
  /// (the start of a run).
  void fill_steady_state(double inflow, double h, double theta = 0.0);
  /// @brief Open vacancies (all ages).
  [[nodiscard]] double total() const noexcept;
  /// @brief Adds new vacancies (age 0).
  void add(double n) noexcept { open_[0] += n; }
  /// @brief Fills `n` vacancies (at most total()) spread over the ages in proportion; returns
  /// the sum of their completed durations in months.
  double fill(double n) noexcept;
  /// @brief Ends the month: survivors age by one month; those reaching max_age are withdrawn.
  /// Returns the number withdrawn (their completed duration is max_age months each).
  double age_one_month() noexcept;
  [[nodiscard]] int max_age() const noexcept { return static_cast<int>(open_.size()); }
  [[nodiscard]] const std::vector<double>& by_age() const noexcept { return open_; }
  /// @brief Replaces the ages (checkpoints); `open.size()` must be max_age().
  void restore(std::vector<double> open);

 private:
  std::vector<double> open_;  ///< [age in months]
};

}  // namespace brocken::migration::labour
