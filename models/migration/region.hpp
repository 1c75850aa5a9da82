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

/// @brief Lower bounds (years) of the 2nd and 3rd broad age groups of District::broad_age_shares,
/// as the columns of district_structure.csv define them (under 18, 18 to under 65, 65 and over).
inline constexpr std::array<int, 2> kBroadAgeBounds{18, 65};

struct District {
  std::string ags;  ///< official district key, e.g. "15001"
  std::string name;
  double population_base = 0;  ///< 31.12.2022 population (Zensus 2022 basis)
  /// 31.12.2023 population where published (Zensus 2022 basis), NaN where not.
  double population_2023 = 0;
  /// Shares of the population aged under 18, 18 to under 65, 65 and over (Deutschlandatlas), 0..1.
  std::array<double, 3> broad_age_shares{};
  double unemployment_rate = 0;  ///< registered unemployed / civilian labour force, 0..1
  /// Net moves across the district border within Germany per 10,000 inhabitants and year
  /// (Deutschlandatlas Binnenwanderungssaldo, probably 2022).
  double internal_migration_balance = 0;
  double foreign_share = 0;    ///< share of foreign nationals, 0..1
  double housing_vacancy = 0;  ///< share of dwellings vacant, 0..1
  double rent = 0;             ///< net cold rent, EUR per m2 and month
  double employees_svb = 0;    ///< employees subject to social insurance (workplace)
  double unemployed = 0;       ///< registered unemployed, annual average
  double vacancies = 0;        ///< registered vacancies, annual-average stock
};

/// @brief One cell (district x occupation group) of the labour market in one year
/// (labour_cells.csv): BA register counts.
struct LabourCell {
  double employees = 0;           ///< svB employees at the workplace, 30 June
  double employees_foreign = 0;   ///< of which without German citizenship
  double unemployed = 0;          ///< registered unemployed by target occupation, annual average
  double unemployed_foreign = 0;  ///< of which foreign
  double vacancies = 0;           ///< registered vacancies, annual-average stock
};

/// @brief An age group of an age-structure table: ages [first, last] in completed years;
/// `open` = the last group, "first and over".
struct AgeGroup {
  int first = 0;
  int last = 0;
  bool open = false;
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
  /// District age structure of an older census (district_age_groups_2019.csv, 31.12.2019, old
  /// basis): groups, and persons per district (same order as `districts`) and group. Used only
  /// as a shape (the seed of the synthetic population), never as a level.
  std::vector<AgeGroup> shape_groups;
  std::vector<std::vector<double>> shape_counts;
  /// Population by single age 0..90 (90 = 90+) and sex (0 male, 1 female) at the start date.
  std::vector<std::array<double, 2>> population_age_sex;
  /// Germany life table qx by single age and sex (the last age is the open interval).
  std::vector<std::array<double, 2>> qx_germany;
  /// Life expectancy at birth, state and Germany, by sex, for the chosen period.
  std::array<double, 2> e0_state{};
  std::array<double, 2> e0_germany{};
  /// Germany's age-specific fertility per woman (not per 1000), ages fertility_min_age..., by
  /// calendar year (the columns births_per_1000_women_<year> of fertility_germany.csv).
  std::map<int, std::vector<double>> asfr_germany_by_year;
  /// @brief The rates of `year`; throws std::invalid_argument naming the file if it has none.
  [[nodiscard]] const std::vector<double>& asfr_germany(int year) const;
  int fertility_min_age = 15;
  /// Occupation groups of the labour market, in the order of labour_cells.csv.
  std::vector<std::string> occupation_groups;
  /// labour_cells.csv: year -> cells [district * occupation_groups.size() + group].
  std::map<int, std::vector<LabourCell>> labour_cells;
  /// @brief The cells of `year`; throws InputError naming the file when the year is absent.
  [[nodiscard]] const std::vector<LabourCell>& labour_year(int year) const;
  /// @brief Index of the occupation group `name`; throws std::invalid_argument naming the
  /// scenario key `key_path` and the groups of labour_cells.csv when there is no such group.
  [[nodiscard]] std::size_t occupation_group(const std::string& name,
                                             std::string_view key_path) const;
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
