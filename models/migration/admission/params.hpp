#pragma once
/// @file
/// @brief Parameters of the admission pipeline of third-country skilled workers (section
/// `models.arrival.skilled`; docs/model.md "Admission pipeline", sources in docs/parameters.md).
#include <array>
#include <string>
#include <vector>

#include "engine/scenario/reader.hpp"

namespace brocken::migration::admission {

/// @brief The steps of the procedure, in order (docs/model.md "Admission pipeline").
enum class Step : std::uint8_t {
  kRecognition = 0,  ///< recognition of the qualification (vocational, or a regulated occupation)
  kApproval = 1,     ///< approval by the Federal Employment Agency (with a job offer only)
  kAppointment = 2,  ///< visa appointment: the district's immigration office, capacity-limited
  kDecision = 3,     ///< visa decision
  kEntry = 4,        ///< travel and entry
};
inline constexpr int kSteps = 5;
inline constexpr std::array<const char*, kSteps> kStepNames{
    "recognition", "agency_approval", "visa_appointment", "visa_decision", "entry"};

/// @brief One step: mean duration once a case is taken up (exponential), regular and § 81a
/// AufenthG, and the cases the step can take up a month per 100,000 inhabitants of the district
/// (negative: unlimited).
struct StepParams {
  double days = 0;
  double days_accelerated = 0;
  double capacity_per_100k_per_month = -1;
  /// Capacity CALIBRATION instead of a fixed capacity (when wait_months > 0): the capacity per
  /// 100,000 inhabitants at which `share_of_offices` of the districts have a steady-state wait of
  /// at least wait_months (derive_admission).
  double calibrate_wait_months = 0;
  double calibrate_share_of_offices = 0;
};

/// @brief Selection criteria: points of a candidate, and the minimum the agency approval asks
/// for. Points also order capacity-limited queues (§ 81a cases first, then by points).
struct Selection {
  double points_shortage = 0;            ///< occupation group in `shortage_groups`
  double points_academic = 0;            ///< academic qualification
  double points_per_language_level = 0;  ///< per German level above A0
  double points_job_offer = 0;           ///< with a job offer
  double min_points = 0;
};

struct Params {
  double applications_per_year = 0;  ///< full scale, state
  double academic_share = 0;         ///< Blue Card (academic); the rest: sections 18a/b
  double accelerated_share = 0;      ///< cases in the accelerated procedure (§ 81a AufenthG)
  double job_offer_share = 1;        ///< candidates with a job offer
  double abandon_per_month = 0;      ///< chance a waiting case gives up, a month
  double recognition_full = 0;       ///< outcome of a recognition procedure
  double recognition_none = 0;       ///< ... no equivalence: not admitted; the rest partial
  int warmup_months = 0;             ///< months the pipeline runs before the start
  std::vector<std::string> shortage_groups;
  std::array<StepParams, kSteps> steps{};
  Selection selection;
};

/// @brief Reads `models.arrival.skilled`.
void parse(scenario::Reader r, Params& p);

}  // namespace brocken::migration::admission
