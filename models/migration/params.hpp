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
#include "models/migration/admission/params.hpp"
#include "models/migration/age_bands.hpp"
#include "models/migration/demography/params.hpp"
#include "models/migration/housing/params.hpp"
#include "models/migration/labour/params.hpp"
#include "models/migration/person.hpp"
#include "models/migration/relocation/params.hpp"

namespace brocken::migration {

/// @brief Who arrives through one channel (models/migration/arrival.cpp). Free-stream channels
/// take a share of their stream (from the rest of Germany or from abroad); the pipeline channels
/// (Blue Card, skilled-worker visa) come out of the admission pipeline.
struct ChannelParams {
  double share = 0;     ///< of its stream's newcomers (free streams only)
  double eu_share = 0;  ///< foreign_from_germany: EU citizens among them (the rest: third country)
  AgeBandShares age_band_shares{};
  /// Qualification of adults (low, vocational, academic); unused when qualification_as_residents.
  std::array<double, 3> qualification{};
  /// Adults' qualification drawn like residents' of the same labour status (German channels).
  bool qualification_as_residents = false;
  std::array<double, 5> language{};  ///< German level A0, A1, A2, B1, B2+ of foreign arrivals
  double employed_share = 0;         ///< working-age arrivals with a job (free streams only)
};

/// @brief The free stream of a channel's newcomers: 0 from the rest of Germany, 1 from abroad, -1
/// none (the pipeline channels, the start population, births).
constexpr int channel_stream(Channel c) noexcept {
  switch (c) {
    case Channel::kGermanFromGermany:
    case Channel::kForeignFromGermany:
      return 0;
    case Channel::kGermanFromAbroad:
    case Channel::kEuFreeMovement:
    case Channel::kTrainingStudy:
    case Channel::kFamily:
    case Channel::kHumanitarian:
      return 1;
    default:
      return -1;
  }
}

/// @brief Nationality group of a channel's arrivals; `eu` decides for foreign nationals from the
/// rest of Germany (ChannelParams::eu_share). Initial and born: not defined (German returned).
constexpr Nationality channel_nationality(Channel c, bool eu) noexcept {
  switch (c) {
    case Channel::kForeignFromGermany:
      return eu ? Nationality::kEu : Nationality::kThirdCountry;
    case Channel::kEuFreeMovement:
      return Nationality::kEu;
    case Channel::kBlueCard:
    case Channel::kSkilledVisa:
    case Channel::kTrainingStudy:
    case Channel::kFamily:
    case Channel::kHumanitarian:
      return Nationality::kThirdCountry;
    default:
      return Nationality::kGerman;
  }
}

struct ArrivalParams {
  double from_germany_per_year = 0;
  double from_abroad_per_year = 0;
  int oldest_arrival_age_years = 0;  ///< upper end (exclusive) of the open oldest arrival band
  std::array<ChannelParams, kChannels> channels{};  ///< by Channel (initial and born unused)
  admission::Params skilled;  ///< the admission pipeline (admission/params.hpp)
};

struct IntegrationParams {
  // Language (docs/model.md, "Integration").
  double self_study_months_per_level = 0;  ///< mean months per level outside a course
  double employed_learning_factor = 0;     ///< factor on that pace for the employed
  int language_flattening_months = 0;
  double language_flattening_factor = 0;
  std::array<double, 2> course_participation{};  ///< newcomers below B1 who take a course, by sex
  int course_wait_months = 0;                    ///< months after arrival when the course starts
  double course_b1_share = 0;                    ///< course takers who reach B1
  double course_a2_share = 0;                    ///< course takers who reach A2 (not B1)
  // Discrimination.
  double initial_discrimination_share = 0;
  double discrimination_resolution_months = 0;
  double everyday_discrimination_per_month = 0;  ///< incidence outside the markets
  // Social ties.
  double ties_growth_per_month = 0;  ///< native ties
  double ties_growth_employed_bonus = 0;
  double coethnic_ties_growth_per_month = 0;
  double ties_job_weight = 0;      ///< hiring priority: (1 + w x network) / (1 + w)
  double ties_housing_weight = 0;  ///< dwelling-offer rate: (1 + w x network) / (1 + w)
  // Recognition.
  double recognition_application_share = 0;
  double recognition_days = 0;  ///< mean processing time, groups not listed below
  std::vector<std::string> recognition_day_groups;
  std::vector<double> recognition_days_by_group;
  double recognition_full = 0;
  double recognition_none = 0;
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
  double coef_language = 0;  ///< per German level above A0 (0..4), foreign residents
  /// Factor on the hazard by channel of the first arrival (Channel; initial and born: 1).
  std::array<double, kChannels> channel_multipliers{};
  double abroad_share_german = 0;
  double abroad_share_foreign = 0;
  int away_pool_months = 0;
  double seed_leavers_per_year = 0;  ///< leavers a year before the start, seeding the away pool
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
