#pragma once
/// @file
/// @brief Moves between the districts of the state, from net balances alone (no gross flows
/// exist in the data): the annual net moves each district should gain or lose, and who moves.
#include <vector>

#include "models/migration/params.hpp"

namespace brocken::migration {

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

}  // namespace brocken::migration
