#pragma once
/// @file
/// @brief The labour market behaviour: registered unemployed and registered vacancies per cell
/// (district x occupation group), separations, vacancy inflow with replacement demand and a
/// trend, withdrawal of vacancies open too long, and constant-returns Cobb-Douglas matching per
/// cell with an efficiency A calibrated per occupation group to the observed completed vacancy
/// durations (docs/model.md, "Labour"). Its parameters (LabourParams), state (LabourState),
/// calibration (derive_labour, init_labour), stage (make_labour_stage) and outputs
/// (declare_labour_outputs) live in this folder.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/archive.hpp"
#include "engine/rng/keyed_rng.hpp"
#include "engine/scenario/reader.hpp"
#include "engine/storage/columns.hpp"
#include "models/migration/labour/matching.hpp"
#include "models/migration/labour/params.hpp"
#include "models/migration/person.hpp"

namespace brocken::migration {

struct ModelState;
struct ModelOutputs;

namespace labour {

inline constexpr rng::DecisionId kOccupation = rng::decision("labour.occupation");
/// The month's transition of a person of working age, one number: separation when employed, an
/// unregistered job or inactivity when unemployed, re-entry when inactive.
inline constexpr rng::DecisionId kTransition = rng::decision("labour.transition");
inline constexpr rng::DecisionId kPriority = rng::decision("labour.priority");

/// @brief Flows of one month per cell.
struct CellFlows {
  enum Kind : std::size_t {
    kHires,              ///< matches of registered unemployed and vacancies
    kSeparations,        ///< employed -> unemployed
    kClosed,             ///< vacancies deregistered (filled or withdrawn)
    kClosedMonths,       ///< their completed durations, summed (months)
    kWithdrawn,          ///< vacancies withdrawn unfilled
    kNewVacancies,       ///< new registered vacancies (exogenous and replacement)
    kUnregisteredHires,  ///< unemployed who took a job not registered with the BA
    kCount
  };
};

/// @brief The labour market of one run.
struct LabourState {
  std::size_t districts = 0;
  std::size_t groups = 0;
  std::vector<VacancyStock> vacancies;   ///< [cell]
  std::vector<double> inflow;            ///< exogenous new vacancies a month at the start [cell]
  std::vector<double> carry;             ///< fractional matches carried to the next month [cell]
  std::vector<double> efficiency;        ///< A of the matching function [group]
  std::vector<double> fill_probability;  ///< h at the start [cell] (the calibration's steady state)
  /// Share of a district's open vacancies that arrivals with a job take a month [district]
  /// (the calibration's steady state; the stage takes whole vacancies as arrivals come).
  std::vector<double> take_share;
  double common_duration_days = 0;      ///< calibrated duration of the groups without their own
  std::vector<double> regulated_share;  ///< [group]
  /// Occupation mixes by district and nationality (0 German, 1 foreign): the shares of the
  /// employees and of the unemployed in each group, as cumulative distributions [(d*2+n)*groups+g].
  std::vector<double> employed_cdf;
  std::vector<double> unemployed_cdf;
  std::vector<double> separation_by_group;  ///< monthly probability employed -> unemployed [group]
  double to_job = 0;       ///< monthly probability unemployed -> a job not registered with the BA
  double to_inactive = 0;  ///< monthly probability unemployed -> inactive
  double reentry = 0;      ///< monthly probability inactive -> unemployed (balances at the start)
  std::vector<double> expected_matches;  ///< registered matches in the first month [group]
  std::vector<double> flows;             ///< this month [cell * CellFlows::kCount + kind]

  [[nodiscard]] std::size_t cell(std::size_t d, std::size_t g) const noexcept {
    return d * groups + g;
  }
  [[nodiscard]] double open_in(std::size_t d) const;  ///< open vacancies of a district
  [[nodiscard]] double open_total() const;
  double& flow(std::size_t cell, CellFlows::Kind k) { return flows[cell * CellFlows::kCount + k]; }
  [[nodiscard]] double flow(std::size_t cell, CellFlows::Kind k) const {
    return flows[cell * CellFlows::kCount + k];
  }
  /// @brief A group drawn from a district's mix (`cdf` is employed_cdf or unemployed_cdf).
  [[nodiscard]] std::uint8_t draw_group(const std::vector<double>& cdf, std::size_t d, bool foreign,
                                        double u) const;
  /// @brief An arrival with a job takes one open vacancy of district d, of a group drawn in
  /// proportion to the open vacancies; returns the group. With no open vacancy: a group from the
  /// district's employee mix, and no vacancy is taken.
  std::uint8_t take_vacancy(std::size_t d, bool foreign, double u);
  /// @brief An arrival with a registered job offer in group g takes one open vacancy of the cell
  /// (what it holds, up to one).
  void take_vacancy_in(std::size_t d, std::size_t g);

  void save(io::ArchiveWriter& ar, const std::string& prefix) const;
  /// @brief Restores save(); throws io::ArchiveError on a size or value no run produces.
  void restore(const io::ArchiveReader& ar, const std::string& prefix);
};

/// @brief The labour force of the start, from the region data: employed residents and registered
/// unemployed per district (ModelState::employed_share, unemployed_share), and the qualification
/// shares of adults by status (ModelState::qualification_shares). Throws std::invalid_argument on
/// unusable data.
void derive_residents(ModelState& s);

/// @brief Probabilities, per district and nationality group ([d * 2 + n], n = 0 German, 1
/// foreign), that a person of working age at the start is employed or registered unemployed.
struct StatusProbabilities {
  std::vector<double> employed;
  std::vector<double> unemployed;
};
/// @brief From the working-age population of the start ([district] = {German, foreign}, full
/// scale): the district's employed and unemployed (derive_residents), of which the foreign
/// shares of the labour cells of data_year are foreign. The registered unemployed (a register
/// count) come first; the employed fill what is left of the working-age population; what the
/// foreign working-age population cannot hold goes to the Germans of the district.
StatusProbabilities initial_status_probabilities(
    const ModelState& s, const std::vector<std::array<double, 2>>& working_age);

/// @brief Qualification of an adult with labour-market status `status`, from a uniform `u`
/// (shares in ModelState::qualification_shares: employed, unemployed, everyone else).
std::uint8_t draw_qualification(const ModelState& s, Status status, double u) noexcept;

/// @brief Calibrates the market of `s` from the region's cells (state-independent of persons):
/// vacancies per cell in their steady-state ages, A per group, the exogenous inflow, the
/// separation probability, the occupation mixes. Throws std::invalid_argument on data that
/// cannot be calibrated.
void derive_labour(ModelState& s);

/// @brief After the persons exist: their labour status by nationality and district, their
/// occupation group, the exogenous inflow net of the replacement demand expected at the start,
/// and the re-entry probability that keeps the inactive steady at the start.
void init_labour(ModelState& s, storage::ColumnStore& agents, const rng::RunKey& run);

/// @brief Declares the labour outputs (group `labour`).
void declare_labour_outputs(ModelOutputs& o);

}  // namespace labour
}  // namespace brocken::migration
