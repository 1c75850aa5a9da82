#pragma once
/// @file
/// @brief The synthetic starting population: expected persons by district x single year of age
/// x sex x nationality group at the end of the year before the start month, fitted by iterative
/// proportional fitting (engine/fit/ipf.hpp) to the region's published tables. Everything comes
/// from the region data; docs/model.md ("Initialisation") and data/sachsen-anhalt/README.md
/// (assumptions (a) and (b)) give the reasoning.
///
/// Seed: each district's age profile from the older census table (district_age_groups_*.csv),
/// moved forward by the years between that table and the start (a cohort aged 30-34 then is
/// 34-38 now), spread over single years like the state's current age profile; independent of
/// sex and nationality.
/// Margins (all consistent, so the fit converges to within rounding):
///  1. state age x sex at the start (population_age_sex.csv);
///  2. district x broad age group (under 18, 18-64, 65+): the Deutschlandatlas shares times the
///     district totals, reconciled first (a small 2-d IPF) with the state's own broad-age totals
///     from margin 1, so that both hold;
///  3. district x nationality group: the district's foreign share (Deutschlandatlas) times its
///     total; foreigners split into EU and third-country nationals by the state's register
///     (listed citizenships);
///  4. state age x nationality group: the foreign residents (margin 3's state total) spread over
///     ages by foreign_age_profile(), the Germans the rest of each age (margin 1).
/// District totals at the start: published values where the data has them, the others by
/// their share of the previous year's total, scaled to the state total (README rule (b)).
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/fit/ipf.hpp"
#include "models/migration/region.hpp"

namespace brocken::migration {

/// @brief Months since arrival of the starting population's foreign residents are not in the
/// data: uniform over the last this many months, capped by age (assumption, docs/model.md
/// "Initialisation"). Set-up draws them so; the naturalisation calibration and the foreign age
/// profile use the same assumption.
inline constexpr int kStartMonthsSinceArrivalSpread = 120;

struct SyntheticPopulation {
  static constexpr std::size_t kSexes = 2;
  static constexpr std::size_t kNationalities = 3;  ///< order of the Nationality enum
  std::size_t districts = 0;
  std::size_t ages = 0;        ///< single years 0..ages-1; the last is open ("and over")
  std::vector<double> counts;  ///< [district][age][sex][nationality], persons at full scale
  std::vector<double> district_totals;  ///< the start totals the fit was given
  double eu_share_of_foreign = 0;
  fit::IpfReport report;
  fit::IpfReport broad_age_reconciliation;

  [[nodiscard]] std::vector<std::size_t> shape() const {
    return {districts, ages, kSexes, kNationalities};
  }
  [[nodiscard]] std::size_t index(std::size_t d, std::size_t a, std::size_t s,
                                  std::size_t n) const noexcept {
    return ((d * ages + a) * kSexes + s) * kNationalities + n;
  }
  [[nodiscard]] double at(std::size_t d, std::size_t a, std::size_t s, std::size_t n) const {
    return counts[index(d, a, s, n)];
  }
};

/// @brief Fits the starting population. `shape_year` is the reference year (31.12.) of the
/// district age-shape table, `start_year` the year whose 31.12. population the run starts from.
/// @throws scenario::InputError (naming the data file) when the data cannot give a fit, e.g. the
/// shape table is newer than the start or a published total exceeds the state total.
/// `foreign_age_profile` (shares by single year of age, summing to 1; see foreign_age_profile())
/// adds margin 4, state age x nationality group; empty: no such margin (nationality independent
/// of age within a district).
SyntheticPopulation synthesize_population(const RegionData& region, int shape_year, int start_year,
                                          const std::vector<double>& foreign_age_profile = {});

/// @brief Age profile (shares by single year 0..ages-1) of foreign residents at the start, from
/// the arrivals' age bands (`band_shares`: 0-17, 18-30, 31-44, 45-64, 65 to below `oldest`, each
/// spread evenly over its single years) aged by the months since arrival
/// (kStartMonthsSinceArrivalSpread: 0 to 9 whole years, equally likely). The data has no age
/// structure of the foreign population; this is the model's own assumption about how it came
/// about (docs/model.md, "Initialisation").
std::vector<double> foreign_age_profile(const std::array<double, 5>& band_shares, int oldest,
                                        std::size_t ages);

}  // namespace brocken::migration
