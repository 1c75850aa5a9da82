#pragma once
/// @file
/// @brief The region's calibration data, read from a data directory (data/sachsen-anhalt/) of
/// CSV files with sources. No code names a district or a number from the data: everything region-
/// specific comes from here. Every loading problem is reported with file:line:column.
#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/scenario/diagnostics.hpp"

namespace brocken::migration {

struct District {
  std::string ags;  ///< official district key, e.g. "15001"
  std::string name;
  double population_base = 0;  ///< 31.12.2022 population (Zensus 2022 basis)
  double foreign_share = 0;    ///< share of foreign nationals, 0..1
  double housing_vacancy = 0;  ///< share of dwellings vacant, 0..1
  double employees_svb = 0;    ///< employees subject to social insurance (workplace)
  double unemployed = 0;       ///< registered unemployed, annual average
  double vacancies = 0;        ///< registered vacancies, annual-average stock
};

/// @brief One scalar figure of state_figures.csv.
struct Figure {
  double value = 0;
  std::string unit;
  std::string source;
};

struct RegionData {
  std::filesystem::path dir;
  std::vector<District> districts;
  /// Population by single age 0..90 (90 = 90+) and sex (0 male, 1 female) at the start date.
  std::vector<std::array<double, 2>> population_age_sex;
  /// Germany life table qx by single age and sex (the last age is the open interval).
  std::vector<std::array<double, 2>> qx_germany;
  /// Life expectancy at birth, state and Germany, by sex, for the chosen period.
  std::array<double, 2> e0_state{};
  std::array<double, 2> e0_germany{};
  /// Germany age-specific fertility per woman (not per 1000), ages fertility_min_age...
  std::vector<double> asfr_germany;
  int fertility_min_age = 15;
  /// state_figures.csv: indicator -> reference period -> figure.
  std::map<std::string, std::map<std::string, Figure>> figures;

  /// @brief A figure for an exact period; throws InputError naming the file when absent.
  [[nodiscard]] double figure(const std::string& indicator, const std::string& period) const;
  /// @brief The figure with the latest reference period; throws InputError when absent.
  [[nodiscard]] double latest(const std::string& indicator) const;
};

/// @brief Loads every file of the data directory. `life_table_period` selects the row of
/// life_expectancy.csv. Throws scenario::InputError with all problems found.
RegionData load_region(const std::filesystem::path& dir, const std::string& life_table_period);

}  // namespace brocken::migration
