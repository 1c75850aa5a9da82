#pragma once
/// @file
/// @brief Integration (language, ties, discrimination, recognition; the stage is
/// make_integration_stage in stages.hpp): the state of the foreign residents of the start.
#include <cstdint>

#include "engine/rng/keyed_rng.hpp"
#include "models/migration/params.hpp"

namespace brocken::migration {

/// @brief Result of a German course of the programme `integration.language_course` (kCourseMonths
/// long): B1 with this probability (61 % of general-course takers reach B1: [BAMF-DTZ-2019],
/// docs/parameters.md), otherwise, for those below A2, A2 with kCourseA2 / (1 - kCourseB1) (31 % of
/// all takers reach A2).
inline constexpr double kCourseB1 = 0.61;
inline constexpr double kCourseA2 = 0.31;

/// @brief Integration state of a foreign resident of the start population.
struct InitialIntegration {
  std::int16_t months_here = 0;
  float ties = 0;
  std::uint8_t language = 0;
  std::uint8_t discriminated = 0;
};

/// @brief Time since arrival is not in the data: uniform over the last ten years
/// (kStartMonthsSinceArrivalSpread), capped by the age (assumption, docs/model.md). Ties,
/// language and discrimination follow from it as if the integration rules had run since
/// arrival. Takes two numbers from `draw` (the months, then discrimination).
InitialIntegration initial_integration(const IntegrationParams& p, int age_months, rng::Draw& draw);

}  // namespace brocken::migration
