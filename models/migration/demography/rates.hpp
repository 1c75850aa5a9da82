#pragma once
/// @file
/// @brief The demography behaviour's derived rates: monthly death probabilities by age and sex
/// and birth probabilities by the mother's age, for every calendar year of a run (docs/model.md,
/// "Demography"). The calibration year's tables reproduce the state's life expectancy and that
/// year's observed deaths and births; later years follow the scenario's trends (gains in life
/// expectancy; Germany's age-specific fertility of each year while the data has it, then a
/// constant relative change).
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace brocken::migration {

struct ModelState;

namespace demography {

/// @brief Monthly rates of each calendar year from the first simulated year on; years after the
/// last table use the last (the trends have ended there).
struct YearRates {
  int first_year = 0;
  std::vector<std::vector<std::array<double, 2>>> death;  ///< [year][age in years][sex]
  std::vector<std::vector<double>> birth;                 ///< [year][mother's age in years]
  std::vector<std::array<double, 2>> e0;  ///< life expectancy at birth of each year's table
  std::vector<double> tfr;                ///< total fertility rate of each year's rates

  /// @brief Index of the table of calendar year `year`.
  [[nodiscard]] std::size_t index(int year) const noexcept {
    if (death.empty() || year <= first_year) return 0;
    return std::min(static_cast<std::size_t>(year - first_year), death.size() - 1);
  }
};

/// @brief Total fertility rate (children per woman) of monthly birth probabilities by age.
double total_fertility(const std::vector<double>& birth_prob_month);

/// @brief Life expectancy at birth of monthly death probabilities by age, for one sex.
double life_expectancy_of(const std::vector<std::array<double, 2>>& death_prob_month,
                          std::size_t sex);

/// @brief Fills s.death_prob_month and s.birth_prob_month (the calibration year's tables), the
/// calibration factors, s.male_birth_share, s.demography (every year's tables) and the
/// naturalisation probability. Needs s.params, s.region, s.synth and s.start. Throws
/// std::invalid_argument when the data cannot meet a calibration target.
void derive_demography(ModelState& s);

}  // namespace demography
}  // namespace brocken::migration
