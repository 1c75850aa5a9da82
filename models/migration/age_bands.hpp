#pragma once
/// @file
/// @brief The five age bands that arrival, departure and relocation parameters are given in,
/// and the reader of such a list from a scenario.
#include <array>
#include <string_view>

#include "engine/scenario/reader.hpp"

namespace brocken::migration {

inline constexpr int kAgeBands = 5;  ///< 0-17, 18-30, 31-44, 45-64, 65+ (arrival and departure)
using AgeBandShares = std::array<double, kAgeBands>;
using NationalityShares = std::array<double, 3>;  ///< german, eu, third_country

/// @brief Lower bound (years) of age band b.
constexpr int age_band_lower(int band) noexcept {
  constexpr std::array<int, kAgeBands + 1> kBounds{0, 18, 31, 45, 65, 100};
  return kBounds[static_cast<std::size_t>(band)];
}
/// @brief Band of an age in years.
constexpr int age_band_of(int age_years) noexcept {
  return age_years < 18 ? 0 : age_years < 31 ? 1 : age_years < 45 ? 2 : age_years < 65 ? 3 : 4;
}

/// @brief Reads a list of kAgeBands numbers at `key`; `sum_to_one` also checks that they are
/// shares (an error names the key).
void read_bands(scenario::Reader& r, std::string_view key, AgeBandShares& out,
                scenario::Bounds bounds, bool sum_to_one);

}  // namespace brocken::migration
