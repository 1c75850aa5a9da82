#pragma once
/// @file
/// @brief The departure hazard's individual multiplier (shared by the stage and by set-up, which
/// normalises the base hazards over the initial population).
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "models/migration/params.hpp"
#include "models/migration/state.hpp"

namespace brocken::migration {

/// @brief What the departure hazard of one person depends on besides the month.
struct DepartureCase {
  int age_months = 0;
  int months_here = -1;
  std::uint8_t channel = 0;   ///< Channel of the first arrival
  std::uint8_t language = 4;  ///< German level 0..4
  bool employed = false;
  bool unhoused = false;
  float ties = 1.0F;
  bool discriminated = false;
  bool recognised = false;
};

/// @brief Seeds the away pool at the start with the former residents who left in the
/// away_pool_months before it and have not returned (docs/model.md, "Away pool"): month m before
/// the start lost seed_leavers_per_year / 12 persons (scaled), each a copy of a resident drawn in
/// proportion to the resident's departure hazard at the start (so leavers have the age, sex,
/// nationality, district and qualification mix of the model's own leavers), aged by m months,
/// away for m months, in the rest of Germany or abroad by the group's abroad share, and still
/// away with probability (1 - return hazard)^m. Deaths before the start are not modelled.
/// Every draw is keyed by the seeded person's key (month, sequence), so the pool does not depend
/// on threads. Appends to `away` (declared like `residents`).
void seed_away_pool(const ModelState& s, const storage::ColumnStore& residents,
                    storage::ColumnStore& away, const rng::RunKey& run);

/// @brief age_band * early-years factor * channel factor * exp(b'x) for one person.
double departure_multiplier(const DepartureParams& p, const DepartureCase& c) noexcept;

class DepartureCovariates;

/// @brief departure_multiplier() of the rows of a store, for set-up code (kernels read
/// PersonRows): the normalisation, the labour market's expected exits, the away pool's seeding.
/// Exact (DepartureCovariates memoises the covariate factor); not thread-safe.
class StoreDepartureMultiplier {
 public:
  StoreDepartureMultiplier(const DepartureParams& p, const storage::ColumnStore& store,
                           const PersonColumns& c);
  [[nodiscard]] double operator()(std::size_t i) noexcept;

 private:
  const DepartureParams* p_;
  std::unique_ptr<DepartureCovariates> covariates_;
  std::span<const std::int16_t> age_, here_;
  std::span<const std::uint8_t> channel_, language_, status_, housed_, discriminated_, recognition_;
  std::span<const float> ties_;
  std::span<const float> coethnic_;
};

/// @brief The age-band and early-years part of departure_multiplier().
[[nodiscard]] inline double departure_age_factor(const DepartureParams& p, int age_months,
                                                 int months_here) noexcept {
  const int band = age_band_of(age_months / 12);
  double m = p.age_band_multipliers[static_cast<std::size_t>(band)];
  if (months_here >= 0 && months_here < p.early_years_months) m *= p.early_years_multiplier;
  return m;
}

/// @brief The covariate part exp(b'x) of departure_multiplier().
double departure_covariate_factor(const DepartureParams& p, bool employed, bool unhoused,
                                  float ties, bool discriminated, bool recognised,
                                  std::uint8_t language) noexcept;

/// @brief departure_covariate_factor() memoised by its exact arguments. Ties take few distinct
/// values (1 for everyone settled; arrivals of one month share a trajectory), so most persons
/// reuse the exp() computed for someone before. Exact: every value is departure_covariate_factor()
/// of the same arguments; the 16 values at ties == 1 are computed up front. Not thread-safe:
/// kernels make one per block.
class DepartureCovariates {
 public:
  explicit DepartureCovariates(const DepartureParams& p) : p_(&p) {
    for (unsigned k = 0; k < settled_.size(); ++k) {
      settled_[k] = departure_covariate_factor(p, (k & 1U) != 0, (k & 2U) != 0, 1.0F, (k & 4U) != 0,
                                               (k & 8U) != 0, static_cast<std::uint8_t>(k >> 4U));
    }
  }
  [[nodiscard]] double operator()(bool employed, bool unhoused, float ties, bool discriminated,
                                  bool recognised, std::uint8_t language) noexcept {
    const std::uint64_t flags = (employed ? 1U : 0U) | (unhoused ? 2U : 0U) |
                                (discriminated ? 4U : 0U) | (recognised ? 8U : 0U) |
                                (std::uint64_t{language} << 4U);
    if (ties == 1.0F) return settled_[flags];
    const std::uint64_t tag =
        ((std::uint64_t{std::bit_cast<std::uint32_t>(ties)} << 7U) | flags) + 1;
    const std::size_t slot = static_cast<std::size_t>((tag * 0x9e3779b97f4a7c15ULL) >> kShift);
    if (tag_[slot] != tag) {
      tag_[slot] = tag;
      value_[slot] = departure_covariate_factor(*p_, employed, unhoused, ties, discriminated,
                                                recognised, language);
    }
    return value_[slot];
  }

 private:
  static constexpr unsigned kBits = 9;
  static constexpr unsigned kShift = 64 - kBits;
  const DepartureParams* p_;
  std::array<double, 80> settled_{};                          ///< at ties == 1, by flags
  std::array<std::uint64_t, std::size_t{1} << kBits> tag_{};  ///< 0 = empty
  std::array<double, std::size_t{1} << kBits> value_{};
};

}  // namespace brocken::migration
