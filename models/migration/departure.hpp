#pragma once
/// @file
/// @brief The departure hazard's individual multiplier (shared by the stage and by set-up, which
/// normalises the base hazards over the initial population).
#include "models/migration/params.hpp"

namespace brocken::migration {

/// @brief age_band * early-years factor * exp(b'x) for one person.
double departure_multiplier(const DepartureParams& p, int age_months, int months_here,
                            bool employed, bool unhoused, float ties, bool discriminated,
                            bool recognised) noexcept;

}  // namespace brocken::migration
