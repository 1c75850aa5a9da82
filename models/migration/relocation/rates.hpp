#pragma once
/// @file
/// @brief The relocation behaviour's derived rates: moves between the districts of the state from
/// net balances alone (no gross flows exist in the data): the annual net moves each district
/// should gain or lose, the monthly hazard of leaving a sending district, and the destinations.
#include <vector>

#include "engine/storage/columns.hpp"

namespace brocken::migration {

struct ModelState;

/// @brief Net moves per year within the state for each district (> 0 gains, < 0 loses; they sum
/// to zero): (b_d - mean b) * population_d / 10,000, where b_d is the district's net internal
/// migration balance per 10,000 and the mean is population-weighted. A balance outside
/// [Q1 - k IQR, Q3 + k IQR] of all districts' balances (k = outlier_iqr_factor; quartiles by
/// linear interpolation) is treated as unknown, i.e. as the mean: such a district neither sends
/// nor receives.
/// @param outliers set to true for every district whose balance was ignored.
std::vector<double> relocation_targets(const std::vector<double>& balance_per_10k,
                                       const std::vector<double>& population,
                                       double outlier_iqr_factor, std::vector<bool>& outliers);

namespace relocation {

/// @brief s.relocation_net_per_year, s.relocation_hazard (per person and month, before the age
/// normalisation) and s.relocation_destination_cdf from the region data (needs s.params, s.region).
void derive(ModelState& s);

/// @brief Divides each sending district's hazard by the mean age multiplier of its initial
/// residents (`agents`, whose columns are s.cols), so that the expected movers match the target.
void normalise(ModelState& s, const storage::ColumnStore& agents);

}  // namespace relocation
}  // namespace brocken::migration
