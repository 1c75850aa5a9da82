#pragma once
/// @file
/// @brief The admission pipeline of third-country skilled workers, free of agents: candidates
/// (persons abroad who applied, with the attributes the steps and the selection read) pass the
/// steps of the procedure (params.hpp, Step), each a queue with a monthly capacity (or none) and
/// an exponential duration once a case is taken up; cases in the accelerated procedure (§ 81a
/// AufenthG) are taken up first, then by selection points, then in order of arrival in the queue.
/// A waiting case gives up with a monthly chance. The stage (arrival.cpp) turns the cases that
/// complete the entry step into persons. Every number is drawn from the case's key.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/archive.hpp"
#include "engine/rng/keyed_rng.hpp"
#include "models/migration/admission/params.hpp"

namespace brocken::migration::admission {

namespace decisions {
/// Attributes of a new application (academic, § 81a, job offer, occupation, recognition need,
/// German level).
inline constexpr rng::DecisionId kApplication = rng::decision("admission.application");
/// The duration of a step once taken up (one stream per step).
inline constexpr std::array<rng::DecisionId, kSteps> kDuration{
    rng::decision("admission.duration.recognition"), rng::decision("admission.duration.approval"),
    rng::decision("admission.duration.appointment"), rng::decision("admission.duration.decision"),
    rng::decision("admission.duration.entry")};
inline constexpr rng::DecisionId kOutcome = rng::decision("admission.recognition_outcome");
inline constexpr rng::DecisionId kAbandon = rng::decision("admission.abandon");
}  // namespace decisions

/// @brief Bits of Candidate::flags.
inline constexpr std::uint8_t kAcademic = 1U;
inline constexpr std::uint8_t kAccelerated = 2U;
inline constexpr std::uint8_t kNeedsRecognition = 4U;
inline constexpr std::uint8_t kJobOffer = 8U;
inline constexpr std::uint8_t kShortage = 16U;

/// @brief Outcome of the recognition step (as Recognition in person.hpp: 0 not needed, 3 full,
/// 2 partial; none ends the case).
inline constexpr std::uint8_t kRecognitionNotNeeded = 0;
inline constexpr std::uint8_t kRecognitionPartial = 2;
inline constexpr std::uint8_t kRecognitionFull = 3;

/// @brief Days of a month (365.25 / 12); day 0 is the first day of tick 0.
inline constexpr double kDaysPerMonth = 30.4375;

/// @brief One application in the pipeline.
struct Candidate {
  std::uint64_t key = 0;     ///< agent key of the person it becomes
  double ready = 0;          ///< day the case reached its step's queue (waiting) or leaves it
  std::int16_t applied = 0;  ///< tick of the application
  std::uint8_t step = 0;     ///< Step
  std::uint8_t in_service = 0;
  std::uint8_t occupation = 0;  ///< occupation group of the job offer (or of the search)
  std::uint8_t language = 0;    ///< German level 0..4
  std::uint8_t flags = 0;       ///< bits kAcademic ... kShortage
  std::uint8_t recognition = kRecognitionNotNeeded;
};

/// @brief Monthly counters of one district (model units).
struct DistrictFlows {
  double applications = 0;
  double abandoned = 0;
  double entered = 0;
  double procedure_days = 0;  ///< sum over the entered of days from application to entry
  std::array<double, kSteps> started{};
  std::array<double, kSteps> wait_days{};  ///< sum over the started of days waited in the queue
  std::array<double, kSteps> passed{};
  std::array<double, kSteps> rejected{};
  std::vector<double> entered_by_group;  ///< [occupation group], sized on first use
};

/// @brief One district's cases and carries.
struct DistrictPipeline {
  std::vector<Candidate> cases;
  double application_carry = 0;
  std::array<double, kSteps> capacity_carry{};
  DistrictFlows flows;
};

/// @brief The month's rules of one district (parameters with the district's levers applied).
struct MonthRules {
  std::int32_t tick = 0;
  std::array<double, kSteps> capacity{};  ///< cases a step can take up this month; < 0 unlimited
  std::array<double, kSteps> days{};
  std::array<double, kSteps> days_accelerated{};
  double abandon = 0;
  double recognition_full = 0;
  double recognition_none = 0;
  Selection selection;
};

/// @brief The first step a case needs from `from` on (recognition only with kNeedsRecognition,
/// the agency approval only with a job offer); kSteps when none is left.
[[nodiscard]] int next_step(const Candidate& c, int from) noexcept;

/// @brief Selection points of a case under `sel` (params.hpp, Selection).
[[nodiscard]] double points(const Candidate& c, const Selection& sel) noexcept;

/// @brief Advances a district's pipeline by one month: abandonment of cases waiting since
/// before the month, then step by step (in order, so that a case may pass several short steps in
/// a month) the take-up of waiting cases within the capacity (a limited step takes its whole
/// capacity c of the month up at the slots month_start + (k + 1/2) / c months, an unlimited one
/// at once) and the completion of cases whose duration ends within the month. Cases that complete
/// the entry step are appended to `entered` (in order of completion) and leave the pipeline.
/// Counters go to p.flows (added).
void advance(DistrictPipeline& p, const MonthRules& rules, const rng::RunKey& run,
             std::vector<Candidate>& entered);

/// @brief All districts' pipelines (ModelState::admission).
struct State {
  std::vector<DistrictPipeline> districts;
  /// Resolved capacity of each step per 100,000 inhabitants a month (negative: unlimited): the
  /// parameter, or the calibrated value (derive_admission).
  std::array<double, kSteps> capacity_per_100k{};
  /// 1 for the occupation groups of `shortage_groups` (derive_admission).
  std::vector<std::uint8_t> shortage;

  void clear_flows() noexcept;
  [[nodiscard]] std::size_t cases() const noexcept;
  void save(io::ArchiveWriter& ar, const std::string& prefix) const;
  /// @brief Restores save(); throws io::ArchiveError on a size or value no run produces.
  void restore(const io::ArchiveReader& ar, const std::string& prefix, std::size_t districts,
               std::size_t groups);
};

}  // namespace brocken::migration::admission
