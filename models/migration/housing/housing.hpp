#pragma once
/// @file
/// @brief The housing market behaviour (docs/model.md, "Housing"): per district a dwelling stock
/// with construction and demolition, households approximated from persons, vacant dwellings of
/// which a usable part can be let at short notice, and searchers (arrivals, returners, movers,
/// young adults leaving the parental home) who receive offers at a rate that rises with the usable
/// vacancy rate and falls with the discrimination penalty. Without a dwelling a person stays in
/// temporary housing, which the departure stage reads. Its parameters (params.hpp), state
/// (HousingState), calibration (derive_housing, init_housing), stage (make_housing_stage in
/// stages.hpp) and outputs (declare_outputs) live in this folder.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/archive.hpp"
#include "engine/rng/keyed_rng.hpp"
#include "engine/storage/columns.hpp"
#include "models/migration/housing/params.hpp"

namespace brocken::migration {
struct ModelState;
struct ModelOutputs;
namespace housing {

inline constexpr rng::DecisionId kSearch = rng::decision("housing.search");

/// @brief A person's housing situation (the `housed` person column).
enum class Housing : std::uint8_t {
  kTemporary = 0,  ///< searching, in temporary housing (arrivals, returners)
  kOwn = 1,        ///< in a household of their own (holds HousingState::dwellings_per_adult)
  kShared = 2,     ///< searching while living in another's dwelling (young adults, movers)
  kDependent = 3,  ///< a child in another's household: needs no dwelling of their own
};
inline constexpr auto kTemporaryCode = static_cast<std::uint8_t>(Housing::kTemporary);
inline constexpr auto kOwnCode = static_cast<std::uint8_t>(Housing::kOwn);
inline constexpr auto kSharedCode = static_cast<std::uint8_t>(Housing::kShared);
inline constexpr auto kDependentCode = static_cast<std::uint8_t>(Housing::kDependent);

/// @brief True for the codes of a person who searches a dwelling (temporary or shared).
[[nodiscard]] constexpr bool searching(std::uint8_t housed) noexcept {
  return (housed & 1U) == 0;
}

/// @brief Flows of one month per district.
struct Flows {
  enum Kind : std::size_t {
    kLettings,      ///< searchers who found a dwelling (persons)
    kSearchMonths,  ///< their completed search durations, summed (months)
    kReleased,      ///< dwellings released by households that ended (deaths, departures, moves)
    kTaken,         ///< dwellings taken by searchers who found one
    kBuilt,         ///< dwellings completed
    kDemolished,    ///< dwellings demolished
    kNewSearchers,  ///< young adults who began to search a dwelling of their own
    kCount
  };
};

/// @brief The dwelling stock of one district (model units, i.e. dwellings x scale).
struct DistrictHousing {
  double stock = 0;     ///< dwellings
  double occupied = 0;  ///< dwellings held by households (= households)
  double usable = 0;    ///< vacant dwellings that can be let at short notice
  double idle = 0;      ///< other vacant dwellings (long-term vacant, in need of renovation)
  double rent = 0;      ///< net cold rent, EUR per m2 and month (held at the data's level)
  [[nodiscard]] double vacant() const noexcept { return usable + idle; }
};

/// @brief The housing market of one run.
struct HousingState {
  std::vector<DistrictHousing> districts;
  /// Dwellings a person in a household of their own holds on average: occupied dwellings per
  /// adult at the start (households from persons; docs/model.md, "Housing").
  double dwellings_per_adult = 0;
  /// Offer rate scale: a searcher's monthly hazard of an offer is scale x usable vacancy rate x
  /// weight (calibrated so that mean_search_months holds at the state's start rate).
  double offer_scale = 0;
  double usable_rate_at_start = 0;         ///< state usable vacant / stock in the data (Zensus)
  double demolition_per_month = 0;         ///< share of the idle vacant stock demolished a month
  std::vector<double> construction_start;  ///< dwellings completed a month at the start [district]
  int construction_data_year = 0;          ///< the year of the completions figure
  std::vector<double> flows;               ///< this month [district * Flows::kCount + kind]

  double& flow(std::size_t d, Flows::Kind k) { return flows[d * Flows::kCount + k]; }
  [[nodiscard]] double flow(std::size_t d, Flows::Kind k) const {
    return flows[d * Flows::kCount + k];
  }
  /// @brief Dwellings completed a month in district d in calendar year `year`.
  [[nodiscard]] double construction(std::size_t d, int year, double change_per_year) const;

  void save(io::ArchiveWriter& ar, const std::string& prefix) const;
  /// @brief Restores save(); throws io::ArchiveError on a size or value no run produces.
  void restore(const io::ArchiveReader& ar, const std::string& prefix);
};

/// @brief Calibrates what does not depend on the persons: dwellings per adult (occupied dwellings
/// of the Zensus 2022 per adult of the fitted start population), the offer-rate scale, the
/// demolition rate, completions by district. Throws std::invalid_argument on unusable data.
void derive_housing(ModelState& s);
/// @brief After the persons exist: each district's households from its adults, its vacant stock
/// from the district vacancy rate, split into usable and idle.
void init_housing(ModelState& s, storage::ColumnStore& agents);
/// @brief Declares the housing outputs (group `housing`).
void declare_outputs(ModelOutputs& o);

}  // namespace housing
}  // namespace brocken::migration
