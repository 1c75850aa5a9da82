#pragma once
/// @file
/// @brief State shared by the migration model's stages: parameters, region data, derived monthly
/// rates, levers, per-district market state, and the counters of the current month.
#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "engine/policy/policy.hpp"
#include "engine/rng/keyed_rng.hpp"
#include "engine/scenario/reader.hpp"
#include "models/migration/admission/pipeline.hpp"
#include "models/migration/demography/rates.hpp"
#include "models/migration/housing/housing.hpp"
#include "models/migration/labour/labour.hpp"
#include "models/migration/params.hpp"
#include "models/migration/person.hpp"
#include "models/migration/region.hpp"
#include "models/migration/synth.hpp"

namespace brocken::migration {

/// @brief Decision names (each its own random stream; see engine/rng/keyed_rng.hpp).
namespace decisions {
inline constexpr rng::DecisionId kInitAttributes = rng::decision("init.attributes");
/// One draw per district (key: the district's index) for sampling whole persons.
inline constexpr rng::DecisionId kInitSample = rng::decision("init.sample");
inline constexpr rng::DecisionId kDeath = rng::decision("demography.death");
inline constexpr rng::DecisionId kBirth = rng::decision("demography.birth");
inline constexpr rng::DecisionId kLabourEntry = rng::decision("demography.labour_entry");
inline constexpr rng::DecisionId kNaturalisation = rng::decision("demography.naturalisation");
inline constexpr rng::DecisionId kArrivalAttributes = rng::decision("arrival.attributes");
/// A person's month in integration: a language level (first number), discrimination (second).
inline constexpr rng::DecisionId kIntegrationMonth = rng::decision("integration.month");
inline constexpr rng::DecisionId kRecognition = rng::decision("integration.recognition");
/// Language course programme: the priority of an eligible person for a place, and the result at
/// the end of the course.
inline constexpr rng::DecisionId kCourse = rng::decision("integration.course");
/// Federal integration course of the baseline: the decision to attend (once, course_wait_months
/// after arrival) and the result at the end.
inline constexpr rng::DecisionId kBaseCourse = rng::decision("integration.base_course");
inline constexpr rng::DecisionId kLeave = rng::decision("departure.leave");
inline constexpr rng::DecisionId kRelocate = rng::decision("relocation.move");
static_assert(rng::distinct(std::array{kInitAttributes,
                                       kInitSample,
                                       kDeath,
                                       kBirth,
                                       kLabourEntry,
                                       kNaturalisation,
                                       kArrivalAttributes,
                                       kIntegrationMonth,
                                       kRecognition,
                                       kCourse,
                                       kBaseCourse,
                                       housing::kSearch,
                                       kLeave,
                                       kRelocate,
                                       labour::kOccupation,
                                       labour::kTransition,
                                       labour::kPriority,
                                       admission::decisions::kApplication,
                                       admission::decisions::kDuration[0],
                                       admission::decisions::kDuration[1],
                                       admission::decisions::kDuration[2],
                                       admission::decisions::kDuration[3],
                                       admission::decisions::kDuration[4],
                                       admission::decisions::kOutcome,
                                       admission::decisions::kAbandon}),
              "two decision names hash to the same id: rename one");
}  // namespace decisions

/// @brief Flow counters of one month per district (model units, i.e. simulated persons).
struct MonthFlows {
  enum Kind : std::size_t {
    kBirths,
    kDeaths,
    kArrivals,  ///< across the state border, including returns
    kReturns,
    kDeparturesGermany,
    kDeparturesAbroad,
    kArrivalsSkilled,
    kEmployedExits,  ///< employed persons who died, retired or left: replacement demand
    kHousedExits,    ///< persons in a household of their own who died, left or moved
    kHires,
    kMovesIn,              ///< from another district of the state
    kMovesOut,             ///< to another district of the state
    kNaturalisations,      ///< foreign residents who became German
    kAwayDeaths,           ///< deaths in the away pool (former residents; not the state's deaths)
    kAwayExpired,          ///< away persons no longer followed (the pool's bounded time has passed)
    kReturnsGermany,       ///< returns of persons who had moved to the rest of Germany
    kReturnsAbroad,        ///< returns of persons who had moved abroad
    kArrivalsForeign,      ///< arrivals (including returns) of foreign nationals
    kDeparturesForeign,    ///< departures of foreign nationals
    kCourseStarts,         ///< German courses started (federal integration courses and programme)
    kCourseCompletions,    ///< German courses completed (with their result)
    kCourseCompletionsB1,  ///< of which with B1 or above
    kRecognitionApplications,  ///< applications for recognition filed (at arrival)
    kRecognitionsFull,         ///< recognition decisions: full equivalence
    kRecognitionsPartial,      ///< recognition decisions: partial, compensation measure needed
    kRecognitionsNone,         ///< recognition decisions: no equivalence
    kCompensationsCompleted,   ///< compensation measures completed: partial -> full
    kDiscriminationLabour,     ///< discrimination events: a job application rejected
    kDiscriminationHousing,    ///< discrimination events: a dwelling application rejected
    kDiscriminationEveryday,   ///< discrimination events outside the two markets
    kNewcomerHires,            ///< hires (matching) of foreign residents here for under 5 years
    kNewcomerHiresNetwork,     ///< of which through their social network (expected number)
    kCount
  };
};

/// @brief Flow counters of one month per channel of the first arrival (state-wide), kept after
/// the district flows in ModelState::flows.
struct ChannelFlows {
  enum Kind : std::size_t {
    kArrivals,  ///< first arrivals (newcomers; returns are counted under kReturns)
    kReturns,
    kDeparturesGermany,
    kDeparturesAbroad,
    kCount
  };
};

/// @brief Arrival state of one district (the admission pipeline is ModelState::admission).
struct DistrictState {
  std::array<double, 2> arrival_carry{};  ///< fractional arrivals per stream
};

/// @brief Lever ids the model declares (names in docs/model.md, "Levers").
struct Levers {
  policy::LeverId language_pace;              ///< multiplies the pace of language learning
  policy::LeverId discrimination_resolution;  ///< multiplies the monthly chance discrimination ends
  policy::LeverId ties_growth;                ///< multiplies the growth of social ties
  policy::LeverId course_participation;       ///< multiplies the share of newcomers taking a course
  policy::LeverId recognition_speed;          ///< multiplies the monthly chance of a decision
  policy::LeverId discrimination_incidence;   ///< multiplies the incidence of discrimination
  policy::LeverId skilled_applications;       ///< multiplies skilled applications
  policy::LeverId office_capacity;      ///< multiplies the capacity of the visa appointment step
  policy::LeverId accelerated_share;    ///< added to the share of cases in § 81a AufenthG
  policy::LeverId points_shortage;      ///< selection points added for a shortage occupation
  policy::LeverId min_points;           ///< added to the points the agency approval asks for
  policy::LeverId matching_efficiency;  ///< multiplies A of the matching function
  policy::LeverId housing_offers;       ///< multiplies the offer rate of searchers
  policy::LeverId departure_hazard;     ///< multiplies the departure hazard of foreign residents
  policy::LeverId return_hazard;        ///< multiplies the return hazard of the away pool
  policy::ProgrammeId language_course;  ///< funded German course places (integration.cpp)
  policy::StockId dwellings;            ///< dwellings added by policies (housing/stage.cpp)
};

/// @brief Indicator ids the model publishes at the end of each month.
struct Indicators {
  policy::IndicatorId population, foreign_population, arrivals, arrivals_skilled, departures,
      returns, unemployed, unemployed_foreign, vacancies, newcomers_below_b1, away_pool,
      course_participants;
};

/// @brief ModelState::retirement_months() of one month, copied by value into kernels (see
/// PersonRows): the same numbers without reaching the parameters through memory on every row.
struct RetirementTable {
  const int* months;     ///< statutory retirement age (months) by cohort
  int cohorts;           ///< entries in `months`
  int first_birth_year;  ///< cohort of months[0]
  int month_index;       ///< month index of the tick; minus the age = month of birth
  [[nodiscard]] int operator()(int age_months) const noexcept {
    return cohort_retirement_months(months, cohorts, first_birth_year,
                                    (month_index - age_months) / 12);
  }
};

struct ModelState {
  ModelParams params;
  const RegionData* region = nullptr;
  const SyntheticPopulation* synth = nullptr;  ///< the fitted starting population
  PersonColumns cols;
  double scale = 1.0;   ///< simulated persons per real person
  double weight = 1.0;  ///< real persons per simulated person
  scenario::YearMonth start;

  // Derived monthly rates (demography/rates.hpp): the calibration year's tables, and every
  // simulated year's along the trends.
  std::vector<std::array<double, 2>> death_prob_month;  ///< by age (years) and sex
  std::array<double, 2> mortality_scale{};  ///< factor on Germany's qx below the old age, by sex
  double mortality_scale_old = 0;           ///< factor from mortality_old_age_years on (both sexes)
  double fertility_scale = 0;               ///< factor on Germany's age-specific fertility
  std::vector<double> birth_prob_month;     ///< by mother's age (years), 0 outside 15-49
  demography::YearRates demography;         ///< the tables of each calendar year
  double naturalisation_prob_month = 0;     ///< of an eligible foreign resident
  double male_birth_share = 0.5;
  /// Share of each district in the free arrival streams (population) and in skilled-worker
  /// applications (registered vacancies).
  std::vector<double> arrival_share;
  std::vector<double> application_share;
  /// Relocation: monthly hazard per person of leaving each district for another district of the
  /// state (already divided by the district's initial mean age multiplier), and the cumulative
  /// distribution of destinations.
  std::vector<double> relocation_net_per_year;  ///< target net moves per district (full scale)
  std::vector<double> relocation_hazard;
  std::vector<double> relocation_destination_cdf;
  /// Qualification (low, vocational, academic) of adults at the start and of labour-market
  /// entrants: shares among the employed, the unemployed, and all other adults.
  std::array<std::array<double, 3>, 3> qualification_shares{};
  std::vector<double> employed_share;    ///< employed residents at the start, by district (persons)
  std::vector<double> unemployed_share;  ///< registered unemployed at the start, by district
  std::array<double, 2> departure_norm{
      1.0, 1.0};  ///< mean departure multiplier (German, foreign) at the start

  policy::LeverBoard board;
  Levers levers;
  Indicators indicators;

  std::vector<DistrictState> districts;
  labour::LabourState labour;     ///< the labour market (models/migration/labour/)
  admission::State admission;     ///< the admission pipeline (models/migration/admission/)
  housing::HousingState housing;  ///< the housing market (models/migration/housing/)
  /// Persons in a language course per district (simulated persons, after the month's
  /// integration stage; derived from the `course` column again on a restore).
  std::vector<double> course_enrolled;
  /// Mean processing time of a recognition application (months), by occupation group
  /// (integration.cpp, derive_integration).
  std::vector<double> recognition_months;
  /// Flows of the current month: [district * MonthFlows::kCount + kind], then the flows by
  /// channel [channel_offset() + kind * kChannels + channel] (ChannelFlows).
  std::vector<double> flows;

  [[nodiscard]] std::size_t n_districts() const noexcept { return districts.size(); }
  double& flow(std::size_t district, MonthFlows::Kind kind) {
    return flows[district * MonthFlows::kCount + kind];
  }
  [[nodiscard]] double flow(std::size_t district, MonthFlows::Kind kind) const {
    return flows[district * MonthFlows::kCount + kind];
  }
  /// @brief Offset of the flows by channel in `flows` (and in stage tallies of flows.size()).
  [[nodiscard]] std::size_t channel_offset() const noexcept {
    return districts.size() * MonthFlows::kCount;
  }
  /// @brief Size of `flows`: the district flows and the flows by channel.
  [[nodiscard]] std::size_t flow_slots() const noexcept {
    return channel_offset() + ChannelFlows::kCount * kChannels;
  }
  double& channel_flow(ChannelFlows::Kind kind, std::size_t channel) {
    return flows[channel_offset() + kind * kChannels + channel];
  }
  [[nodiscard]] double channel_flow(ChannelFlows::Kind kind, std::size_t channel) const {
    return flows[channel_offset() + kind * kChannels + channel];
  }
  /// @brief A state-wide lever's value (policy::Extent::kState).
  [[nodiscard]] double lever(policy::LeverId id) const noexcept { return board.lever(id); }
  /// @brief A regional lever's value in a district.
  [[nodiscard]] double lever(policy::LeverId id, std::size_t district) const noexcept {
    return board.lever(id, district);
  }
  /// @brief Statutory retirement age (months) of a person aged `age_months` in month `tick`
  /// (tick -1 = the start population's month), from the person's year of birth.
  [[nodiscard]] int retirement_months(std::int32_t tick, int age_months) const noexcept {
    return retirement_table(tick)(age_months);
  }
  /// @brief retirement_months() for every age in month `tick`, as a small value for kernels.
  [[nodiscard]] RetirementTable retirement_table(std::int32_t tick) const noexcept {
    const auto& months = params.demography.retirement_age_months;
    return {months.data(), static_cast<int>(months.size()),
            params.demography.retirement_first_birth_year, start.index() + tick};
  }
  /// @brief Calendar year and month (1..12) of a tick.
  [[nodiscard]] std::pair<int, int> calendar(std::int32_t tick) const noexcept {
    const int idx = start.index() + tick;
    return {idx / 12, idx % 12 + 1};
  }
  /// @brief Adds block tallies laid out like `flows` (the district flows, and optionally the
  /// flows by channel after them) to the month's flows.
  void add_flows(const std::vector<double>& tallies) {
    for (std::size_t i = 0; i < tallies.size(); ++i) flows[i] += tallies[i];
  }
};

}  // namespace brocken::migration
