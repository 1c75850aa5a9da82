#pragma once
/// @file
/// @brief The relocation behaviour's parameters: the `models.relocation` section of a scenario.
#include "engine/scenario/reader.hpp"
#include "models/migration/age_bands.hpp"

namespace brocken::migration {

/// @brief The `models.relocation` section of a scenario.
struct RelocationParams {
  bool enabled = false;
  AgeBandShares age_band_multipliers{};
  double outlier_iqr_factor = 0;  ///< balances this many IQRs outside the quartiles are ignored
};

namespace relocation {

/// @brief Parses `models.relocation` (every key required; unknown keys are errors).
void parse_params(scenario::Reader r, RelocationParams& p);

}  // namespace relocation
}  // namespace brocken::migration
