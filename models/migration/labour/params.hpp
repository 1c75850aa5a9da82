#pragma once
/// @file
/// @brief The labour market's parameters: the `models.labour` section of a scenario
/// (docs/parameters.md, "Labour"). Kept apart from labour.hpp so that the scenario fuzz target
/// compiles the parser without the labour market's state and stage.
#include <string>
#include <vector>

#include "engine/scenario/reader.hpp"

namespace brocken::migration::labour {

/// @brief A share of an occupation group's vacancies that only a person whose foreign
/// qualification is recognised (or needs no recognition) can take.
struct RegulatedGroup {
  std::string group;
  double share = 0;
};

/// @brief The `models.labour` section of a scenario.
struct LabourParams {
  int data_year = 2024;              ///< year of labour_cells.csv the start is built from
  double matching_elasticity = 0;    ///< alpha of M = A U^alpha V^(1-alpha)
  double vacancy_duration_days = 0;  ///< completed vacancy duration, all groups, at the start
  std::vector<std::string> duration_groups;  ///< groups with their own duration (health care, ...)
  std::vector<double> duration_days;         ///< their completed vacancy durations
  int vacancy_max_age_months = 12;           ///< vacancies still open at this age are withdrawn
  double replacement_share = 0;              ///< share of employed exits that become vacancies
  double separations_per_month = 0;          ///< inflow into unemployment from employment (persons)
  /// Share of the registered unemployed unemployed for a year or longer: with a constant
  /// hazard, the monthly probability of leaving unemployment is 1 - share^(1/12).
  double long_term_unemployed_share = 0;
  double vacancy_inflow_change_per_year = 0;  ///< trend of the exogenous vacancy inflow
  int vacancy_inflow_change_until_year = 0;   ///< the trend applies to the end of this year
  double discrimination_callback_penalty = 0;
  double language_weight_per_level = 0;
  double partial_recognition_weight = 0;
  std::vector<RegulatedGroup> regulated;  ///< groups that require recognition (share of vacancies)
};

/// @brief Parses `models.labour` (every key required; unknown keys are errors).
/// @brief Reads the section `key` of `r`, a map of occupation group -> days within `bounds`, into
/// `groups` and `days` (in the section's order); the groups are checked against the data at
/// derivation (RegionData::occupation_group).
void read_days_by_group(scenario::Reader& r, std::string_view key, scenario::Bounds bounds,
                        std::vector<std::string>& groups, std::vector<double>& days);

void parse_labour_params(scenario::Reader& r, LabourParams& out);

}  // namespace brocken::migration::labour
