#pragma once
/// @file
/// @brief Integration (language, ties, discrimination, recognition; the stage is
/// make_integration_stage in stages.hpp): the rules shared with the other stages, and the state
/// of the foreign residents of the start. docs/model.md, "Integration".
#include <cstddef>
#include <cstdint>

#include "engine/rng/keyed_rng.hpp"
#include "models/migration/params.hpp"
#include "models/migration/person.hpp"

namespace brocken::migration {

struct ModelState;

/// @brief A person's social network in the region, 0..1: the chance of a contact through either
/// kind of ties, 1 - (1 - native)(1 - co-ethnic) (exactly `native` without co-ethnic ties: the
/// Germans). It raises the job-offer and dwelling-offer rates
/// (ties_weight) and lowers the departure hazard (departure.coef_ties).
inline float network_ties(float native, float coethnic) noexcept {
  return coethnic == 0.0F ? native : 1.0F - (1.0F - native) * (1.0F - coethnic);
}

/// @brief Factor of the social network on an offer rate or a hiring priority: (1 + w n) / (1 + w),
/// 1 for a person with a full network (the settled population), 1 / (1 + w) without one.
inline double ties_weight(double w, float network) noexcept {
  return (1.0 + w * static_cast<double>(network)) / (1.0 + w);
}

/// @brief Chance that an application of a foreign applicant is rejected because of
/// discrimination (the event), so that the applicants' mean chance is the field experiment's:
/// a German name raises callbacks by `callback_penalty` (relative) [Kaas-Manger-2012]:
/// 1 - 1 / (1 + penalty).
inline double labour_discrimination_chance(double callback_penalty) noexcept {
  return 1.0 - 1.0 / (1.0 + callback_penalty);
}

/// @brief Recognition state of a foreign newcomer of a free stream (arrival.cpp; the pipeline's
/// entrants have theirs from the pre-entry procedure). Only a vocational or academic
/// qualification in a regulated occupation group needs recognition: with the group's regulated
/// share (labour.regulated_groups); of those, recognition_application_share apply at once
/// (kPending, decided by the integration stage), the others stay kNone. One uniform `u`.
/// `flows` counts the application (MonthFlows::kRecognitionApplications).
Recognition newcomer_recognition(ModelState& s, bool foreign, Qualification qualification,
                                 std::size_t group, std::size_t district, double u);

/// @brief Mean processing times (months) by occupation group from recognition_days and
/// recognition_days_by_group (unknown group names are errors). Part of derive_rates.
void derive_integration(ModelState& s);

/// @brief Integration state of a foreign resident of the start population.
struct InitialIntegration {
  std::int16_t months_here = 0;
  float ties = 0;
  float coethnic = 0;
  std::uint8_t language = 0;
  std::uint8_t discriminated = 0;
};

/// @brief Time since arrival is not in the data: uniform over the last ten years
/// (kStartMonthsSinceArrivalSpread), capped by the age (assumption, docs/model.md). Ties,
/// language and discrimination follow from it as if the integration rules had run since
/// arrival, from A0: an integration course (course_participation, result course_b1_share /
/// course_a2_share, else A1) once it was course_wait_months + kCourseMonths ago, and the
/// expected levels of self-study (pace x employed_learning_factor for the employed, flattened
/// after language_flattening_months), rounded up with the chance of the fraction. Takes five
/// numbers from `draw` (the months, discrimination, course, course result, self-study).
InitialIntegration initial_integration(const IntegrationParams& p, int age_months, Sex sex,
                                       bool employed, rng::Draw& draw);

}  // namespace brocken::migration
