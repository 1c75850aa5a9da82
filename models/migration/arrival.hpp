#pragma once
/// @file
/// @brief Arrival (the free streams and the skilled-worker admission pipeline; the stage is
/// make_arrival_stage in stages.hpp): what it derives from the region data at load.
#include "models/migration/state.hpp"

namespace brocken::migration {

/// @brief Where arrivals go: the free streams by population (ModelState::arrival_share),
/// skilled-worker applications by registered vacancies, where the jobs are
/// (ModelState::application_share; by population where no district reports vacancies).
void derive_arrival(ModelState& s);

}  // namespace brocken::migration
