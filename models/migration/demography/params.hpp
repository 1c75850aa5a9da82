#pragma once
/// @file
/// @brief The demography behaviour's parameters: the `models.demography` section of a scenario
/// (docs/parameters.md, "Demography"): life table and fertility calibration, their trends over
/// time, retirement, labour-market entry and naturalisation.
#include <string>
#include <vector>

#include "engine/scenario/reader.hpp"

namespace brocken::migration {

/// @brief The statutory retirement age (months) of the cohort born in `birth_year`, from a table
/// whose entry k applies to the cohort first_birth_year + k; earlier cohorts take the first entry,
/// later the last; 0 for an empty table.
constexpr int cohort_retirement_months(const int* months, int cohorts, int first_birth_year,
                                       int birth_year) noexcept {
  if (cohorts == 0) return 0;
  const int k = birth_year - first_birth_year;
  if (k <= 0) return months[0];
  if (k >= cohorts) return months[cohorts - 1];
  return months[k];
}

/// @brief Gains in life expectancy at birth after the life table's period.
struct MortalityTrend {
  int base_year = 0;          ///< the year whose mortality the calibrated table describes
  double e0_gain_male = 0;    ///< years of e0 gained per calendar year, men
  double e0_gain_female = 0;  ///< the same, women
  int until_year = 0;         ///< gains accumulate to this year, then e0 stays
};

/// @brief Period fertility after the calibration year: Germany's age-specific rates of each year
/// while the data has them, then a constant relative change per year.
struct FertilityTrend {
  int follow_germany_until_year = 0;  ///< last year whose ASFR column is used (then held)
  double change_per_year_after = 0;   ///< relative change of all rates per year after that
  int change_until_year = 0;          ///< the change applies to this year, then rates stay
};

/// @brief Foreign residents becoming German (§§ 8-10 StAG).
struct NaturalisationParams {
  int min_residence_months = 0;  ///< months since arrival before a person can be naturalised
  /// Period of `naturalisations` in state_figures.csv that the first simulated year's expected
  /// naturalisations are calibrated to ("" = use rate_per_year).
  std::string calibration_period;
  double rate_per_year = 0;  ///< among eligible foreign residents, without a calibration period
};

struct DemographyParams {
  std::string life_table_period;
  std::string tfr_reference;
  /// Statutory retirement age in months by year of birth: entry k applies to the cohort
  /// retirement_first_birth_year + k; earlier cohorts take the first entry, later the last.
  int retirement_first_birth_year = 0;
  std::vector<int> retirement_age_months;
  /// @brief The statutory retirement age (months) of the cohort born in `birth_year`.
  [[nodiscard]] int retirement_months(int birth_year) const noexcept {
    return cohort_retirement_months(retirement_age_months.data(),
                                    static_cast<int>(retirement_age_months.size()),
                                    retirement_first_birth_year, birth_year);
  }
  double labour_entry_age_years = 0;
  double labour_entry_participation = 0;
  /// Period of `deaths` in state_figures.csv that the calibration year's expected deaths are
  /// calibrated to ("" = scale Germany's table uniformly to the state's e0 only).
  std::string deaths_calibration_period;
  int mortality_old_age_years = 0;  ///< from this age the mortality factor is the calibrated one
  /// Period of `live_births` that the calibration year's expected births are calibrated to ("" =
  /// scale Germany's age profile to the TFR of `tfr_reference` only).
  std::string births_calibration_period;
  int asfr_germany_year = 0;        ///< the column of fertility_germany.csv the calibration uses
  int district_age_shape_year = 0;  ///< reference year (31.12.) of the district age-shape table
  MortalityTrend mortality_trend;
  FertilityTrend fertility_trend;
  NaturalisationParams naturalisation;
};

/// @brief Parses `models.demography` (every key required; unknown keys are errors).
void parse_demography_params(scenario::Reader r, DemographyParams& p);

}  // namespace brocken::migration
