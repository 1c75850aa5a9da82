#pragma once
/// @file
/// @brief Life-table arithmetic of the demography behaviour: life expectancy of a period table,
/// fitting a table to a life expectancy, and the expected deaths and births of the first year of
/// a population (the calibration targets, docs/model.md "Demography").
#include <array>
#include <cstddef>
#include <vector>

namespace brocken::migration {

/// @brief Life expectancy at birth of a period life table (qx by single age; last age open,
/// its survivors live 1/qx more years on average; deaths within a year live half a year).
double life_expectancy(const std::vector<double>& qx);

/// @brief Factor f such that life_expectancy(min(1, f * qx)) == target (bisection, |err| < 1e-6).
double fit_mortality_scale(const std::vector<double>& qx, double target_e0);

/// @brief Like fit_mortality_scale, but only ages below `old_age` are scaled by the fitted
/// factor; ages from `old_age` on are scaled by the given `old_factor`.
double fit_mortality_scale(const std::vector<double>& qx, double target_e0, std::size_t old_age,
                           double old_factor);

/// @brief Expected deaths in the first 12 months of the model (monthly steps, rates read at the
/// age in completed years after each month's ageing; ages spread evenly over the months of the
/// year) for a population `pop[age][sex]` whose last age is an open group spread like the
/// stationary population of the table (as the initial population is).
double expected_first_year_deaths(const std::vector<std::array<double, 2>>& pop,
                                  const std::vector<std::array<double, 2>>& death_prob_month);

/// @brief Expected births in the first 12 months, the same way (mothers must survive the month).
double expected_first_year_births(const std::vector<std::array<double, 2>>& pop,
                                  const std::vector<std::array<double, 2>>& death_prob_month,
                                  const std::vector<double>& birth_prob_month);

/// @brief Weights (person-years L_x of the table) of the ages first_open..max inside an open age
/// group, for one sex: how the initial population spreads its open group.
std::vector<double> open_age_weights(const std::vector<std::array<double, 2>>& death_prob_month,
                                     std::size_t first_open, std::size_t sex);

}  // namespace brocken::migration
