#pragma once
/// @file
/// @brief The migration model's outputs, declared once (engine/io/output_table.hpp): each output's
/// name, group, dimensions, units, long name, stock or flow, and the function that computes its
/// values at the end of a month from the month's census of the persons and the model's state.
/// The series a run keeps, what a checkpoint stores, the memory estimate and the HDF5 variables
/// are all derived from this table.
#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "engine/io/output_table.hpp"
#include "models/migration/state.hpp"

namespace brocken::migration {

/// @brief Person counts of one month (or of the start) per district, from one reduction over all
/// persons (the report stage). Counts are of simulated persons (not weighted).
struct Census {
  /// Values per district, then the age band x sex x nationality counts.
  enum Slot : std::size_t {
    kPopulation,
    kForeign,
    kEmployed,
    kUnemployed,
    kWorkingAge,        ///< from the labour-entry age to below the cohort's retirement age
    kSearchers,         ///< searching a dwelling (housing::searching)
    kTemporaryHousing,  ///< searching without a dwelling (housing::Housing::kTemporary)
    kOwnHousehold,      ///< in a household of their own (housing::Housing::kOwn)
    kForeignUnemployed,
    kNewcomersBelowB1,  ///< foreign, here for less than 36 months, German below B1
    kAgeMonthsSum,      ///< sum of ages in completed months
    kQualification,     ///< 4 slots: unknown, low, vocational, academic
    kForeignLanguage = kQualification + 4,       ///< 5 slots: foreign residents by German level
    kForeignRecognition = kForeignLanguage + 5,  ///< 5 slots: foreign residents by recognition
    kForeignDiscriminated = kForeignRecognition + kRecognitionStates,  ///< experiencing it
    kBands,
  };
  std::size_t districts = 0;
  std::size_t age_bands = 0;
  std::size_t groups = 0;     ///< occupation groups
  std::vector<double> cells;  ///< [district][per_district()]
  double away = 0;            ///< persons in the away pool
  /// Persons who first arrived during the run, by arrival cohort (calendar year of the first
  /// arrival, from the start year), channel, qualification and whereabouts (kWhereabouts):
  /// [((cohort * kChannels + channel) * 4 + qualification) * kWhereabouts + where]. The dead are
  /// not counted.
  std::vector<double> cohorts;

  /// @brief Offset of the (occupation group x {employed, unemployed}) counts in a district.
  [[nodiscard]] std::size_t occupation_offset() const noexcept { return kBands + age_bands * 6; }
  /// @brief Offset of the employed by nationality group (3 slots) in a district.
  [[nodiscard]] std::size_t employed_nationality_offset() const noexcept {
    return occupation_offset() + groups * 2;
  }
  /// @brief Offset of the skilled workers (vocational or academic qualification, employed) by
  /// occupation group x nationality group (groups x 3 slots) in a district.
  [[nodiscard]] std::size_t skilled_offset() const noexcept {
    return employed_nationality_offset() + 3;
  }
  [[nodiscard]] std::size_t per_district() const noexcept { return skilled_offset() + groups * 3; }
  [[nodiscard]] double at(std::size_t district, std::size_t slot) const {
    return cells[district * per_district() + slot];
  }
  /// @brief Counts of `district` by age band, sex and nationality ([band][sex][nationality]).
  [[nodiscard]] const double* bands(std::size_t district) const {
    return cells.data() + district * per_district() + kBands;
  }
};

/// @brief Where a member of an arrival cohort is: resident, or in the away pool in the rest of
/// Germany or abroad (output dimension "whereabouts").
inline constexpr std::size_t kWhereabouts = 3;

/// @brief Calendar years a run of `months` months starting in `start` covers (its arrival
/// cohorts).
[[nodiscard]] std::size_t cohort_years(const scenario::YearMonth& start, int months) noexcept;

/// @brief What an output's values are computed from.
struct ReportView {
  const ModelState& state;
  const Census& census;
  /// This month's spending (EUR) by policy instance, district and cost category
  /// (policy::LeverBoard::spending()).
  std::span<const double> spending;
  std::int32_t tick = -1;  ///< the month reported (-1: the start)
};

/// @brief Writes one month's values of an output (already weighted to full scale), row-major
/// over its dimensions.
using OutputFill = std::function<void(const ReportView&, std::span<double>)>;

/// @brief A (district) output from a per-district value in simulated persons, weighted to full
/// scale.
template <class F>
OutputFill per_district(F f) {
  return [f](const ReportView& v, std::span<double> out) {
    for (std::size_t d = 0; d < out.size(); ++d) out[d] = f(v, d) * v.state.weight;
  };
}
/// @brief A (district) output of one census slot.
OutputFill census_fill(Census::Slot slot);
/// @brief A (district) output of one of the month's flows.
OutputFill flow_fill(MonthFlows::Kind kind);

/// @brief The output table and, per output, its fill function.
struct ModelOutputs {
  io::OutputTable table;
  std::vector<OutputFill> fill;
  io::OutputId add(io::OutputSpec spec, OutputFill f);
};

/// @brief The migration model's outputs (built once, on first use).
const ModelOutputs& model_outputs();

/// @brief Sizes of the output dimensions for a run: district, age_band, sex, nationality,
/// qualification, occupation, policy, cost_category, channel, cohort, whereabouts, language,
/// recognition.
io::DimensionSizes output_sizes(std::size_t districts, std::size_t age_bands,
                                std::size_t occupations, std::size_t policies, std::size_t cohorts);

/// @brief Appends one month's values of every output to `series` (`start`: records the stocks'
/// state at the start instead).
void record_outputs(const ReportView& view, const io::DimensionSizes& sizes, io::Series& series,
                    bool start);

}  // namespace brocken::migration
