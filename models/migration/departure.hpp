#pragma once
/// @file
/// @brief The departure hazard's individual multiplier (shared by the stage and by set-up, which
/// normalises the base hazards over the initial population).
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "models/migration/params.hpp"

namespace brocken::migration {

/// @brief age_band * early-years factor * exp(b'x) for one person.
double departure_multiplier(const DepartureParams& p, int age_months, int months_here,
                            bool employed, bool unhoused, float ties, bool discriminated,
                            bool recognised) noexcept;

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
                                  float ties, bool discriminated, bool recognised) noexcept;

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
                                               (k & 8U) != 0);
    }
  }
  [[nodiscard]] double operator()(bool employed, bool unhoused, float ties, bool discriminated,
                                  bool recognised) noexcept {
    const std::uint64_t flags = (employed ? 1U : 0U) | (unhoused ? 2U : 0U) |
                                (discriminated ? 4U : 0U) | (recognised ? 8U : 0U);
    if (ties == 1.0F) return settled_[flags];
    const std::uint64_t tag =
        ((std::uint64_t{std::bit_cast<std::uint32_t>(ties)} << 4U) | flags) + 1;
    const std::size_t slot = static_cast<std::size_t>((tag * 0x9e3779b97f4a7c15ULL) >> kShift);
    if (tag_[slot] != tag) {
      tag_[slot] = tag;
      value_[slot] =
          departure_covariate_factor(*p_, employed, unhoused, ties, discriminated, recognised);
    }
    return value_[slot];
  }

 private:
  static constexpr unsigned kBits = 9;
  static constexpr unsigned kShift = 64 - kBits;
  const DepartureParams* p_;
  std::array<double, 16> settled_{};                          ///< at ties == 1, by flags
  std::array<std::uint64_t, std::size_t{1} << kBits> tag_{};  ///< 0 = empty
  std::array<double, std::size_t{1} << kBits> value_{};
};

}  // namespace brocken::migration
