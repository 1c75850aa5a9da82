#pragma once
/// @file
/// @brief The housing market's parameters: the `models.housing` section of a scenario
/// (docs/parameters.md, "Housing"). Kept apart from housing.hpp so that the scenario fuzz target
/// compiles the parser without the market's state and stage.
#include "engine/scenario/reader.hpp"

namespace brocken::migration::housing {

/// @brief The `models.housing` section of a scenario.
struct HousingParams {
  /// Share of the vacant dwellings that can be let at short notice (available within three
  /// months, Zensus 2022): the usable vacant stock tends to this share of all vacant dwellings.
  double vacancy_available_share = 0;
  /// Months over which the usable share of the vacant stock returns to vacancy_available_share
  /// (usable dwellings left unlet fall out of use; others are made ready).
  double usable_adjustment_months = 0;
  /// Mean months a searcher without the discrimination penalty searches at the state's usable
  /// vacancy rate of the start: fixes the offer rate's scale.
  double mean_search_months = 0;
  /// Relative change of dwelling completions per year after the data year (0 = held).
  double construction_change_per_year = 0;
  /// Age (years) from which a person heads or shares a household of their own; younger persons
  /// live in another's household and need no dwelling.
  int household_min_age_years = 18;
  /// Fewer positive responses for foreign applicants (multiplies the offer rate by 1 - penalty).
  double discrimination_penalty = 0;
  /// A job signal removes the penalty.
  bool employed_removes_penalty = true;
};

/// @brief Parses `models.housing` (every key required; unknown keys are errors).
void parse_params(scenario::Reader r, HousingParams& out);

}  // namespace brocken::migration::housing
