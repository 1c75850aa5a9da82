#pragma once
/// @file
/// @brief Arrival (the free streams and the skilled-worker admission pipeline; the stage is
/// make_arrival_stage in stages.hpp): what it derives from the region data at load.
#include "models/migration/state.hpp"

namespace brocken::migration {

/// @brief Where arrivals go: the free streams by population (ModelState::arrival_share),
/// skilled-worker applications by registered vacancies, where the jobs are
/// (ModelState::application_share; by population where no district reports vacancies); then the
/// admission pipeline's derived values (admission::derive_admission).
void derive_arrival(ModelState& s);

/// @brief Full-scale newcomers a year of a free-stream channel: its stream's volume times its
/// share (0 for the pipeline channels, the start population and births).
[[nodiscard]] double channel_per_year(const ArrivalParams& p, Channel c) noexcept;

/// @brief Share of a channel's arrivals of working age in the first month (ages uniform within
/// each age band).
[[nodiscard]] double channel_working_age_share(const ModelState& s, Channel c);

/// @brief The age-band mix of the free streams' foreign newcomers (weights: newcomers a year):
/// the arrival profile behind the start population's foreign age structure (synth.hpp).
[[nodiscard]] AgeBandShares foreign_arrival_age_bands(const ArrivalParams& p) noexcept;

}  // namespace brocken::migration
