#pragma once
/// @file
/// @brief Plain parameter structs of the migration model, one per module, parsed from a scenario
/// once before anything runs. Defaults live in scenarios/migration/default.yaml with sources.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/scenario/reader.hpp"
#include "models/migration/age_bands.hpp"
#include "models/migration/demography/params.hpp"
#include "models/migration/housing/params.hpp"
#include "models/migration/labour/params.hpp"
#include "models/migration/relocation/params.hpp"

namespace brocken::migration {

struct SkilledParams {
  double applications_per_year = 0;
  int procedure_months = 0;
  double office_capacity_per_100k_per_month = 0;
  double recognition_full = 0;
  double recognition_none = 0;
  double academic_share = 0;
  AgeBandShares age_band_shares{};
};

struct ArrivalParams {
  double from_germany_per_year = 0;
  double from_abroad_per_year = 0;
  NationalityShares from_germany_nationality{};
  NationalityShares from_abroad_nationality{};
  AgeBandShares age_band_shares{};
  double arrivals_employed_share = 0;
  int oldest_arrival_age_years = 0;  ///< upper end (exclusive) of the open oldest arrival band
  SkilledParams skilled;
};

struct IntegrationParams {
  double language_months_per_level = 0;
  int language_flattening_months = 0;
  double language_flattening_factor = 0;
  double initial_discrimination_share = 0;
  double discrimination_resolution_months = 0;
  double ties_growth_per_month = 0;
  double ties_growth_employed_bonus = 0;
  double compensation_months = 0;
};

struct DepartureParams {
  double base_hazard_german = 0;
  double base_hazard_foreign = 0;
  AgeBandShares age_band_multipliers{};
  int early_years_months = 0;
  double early_years_multiplier = 0;
  double coef_employed = 0;
  double coef_unhoused = 0;
  double coef_ties = 0;
  double coef_discriminated = 0;
  double coef_recognised = 0;
  double abroad_share_german = 0;
  double abroad_share_foreign = 0;
  int away_pool_months = 0;
  double return_hazard_german = 0;
  double return_hazard_foreign = 0;
};

struct ModelParams {
  DemographyParams demography;
  ArrivalParams arrival;
  IntegrationParams integration;
  housing::HousingParams housing;
  labour::LabourParams labour;
  DepartureParams departure;
  RelocationParams relocation;
};

/// @brief Parses `models:` (every module required; unknown keys are errors).
void parse_model_params(scenario::Reader& models, ModelParams& out);

}  // namespace brocken::migration
