#include "models/migration/params.hpp"

#include <cmath>

#include <fmt/format.h>

namespace brocken::migration {
namespace {

using scenario::Bounds;
using scenario::Reader;

constexpr Bounds kProbability{0.0, 1.0};
constexpr Bounds kNonNegative{0.0, 1e12};
constexpr Bounds kPositive{1e-12, 1e12};
constexpr Bounds kCoefficient{-20.0, 20.0};

void read_nationality(Reader& r, std::string_view key, NationalityShares& out) {
  Reader s = r.section(key);
  s.read("german", out[0], kProbability);
  s.read("eu", out[1], kProbability);
  s.read("third_country", out[2], kProbability);
  s.finish();
  const double sum = out[0] + out[1] + out[2];
  if (std::abs(sum - 1.0) > 1e-6 && !s.path().empty()) {
    r.diagnostics().add(s.pos(), s.path(),
                        fmt::format("shares must sum to 1, they sum to {:g}", sum));
  }
}

void parse_skilled(Reader r, SkilledParams& p) {
  r.read("applications_per_year", p.applications_per_year, {0, 1e7});
  r.read("procedure_months", p.procedure_months, {0, 120});
  r.read("office_capacity_per_100k_per_month", p.office_capacity_per_100k_per_month, {0, 1e5});
  r.read("recognition_full", p.recognition_full, kProbability);
  r.read("recognition_none", p.recognition_none, kProbability);
  r.read("academic_share", p.academic_share, kProbability);
  read_bands(r, "age_band_shares", p.age_band_shares, kProbability, true);
  if (p.recognition_full + p.recognition_none > 1.0 + 1e-9) {
    r.diagnostics().add(r.pos(), r.path() + ".recognition_none",
                        "recognition_full + recognition_none must not exceed 1");
  }
  r.finish();
}

void parse_arrival(Reader r, ArrivalParams& p) {
  r.read("from_germany_per_year", p.from_germany_per_year, {0, 1e8});
  r.read("from_abroad_per_year", p.from_abroad_per_year, {0, 1e8});
  read_nationality(r, "from_germany_nationality", p.from_germany_nationality);
  read_nationality(r, "from_abroad_nationality", p.from_abroad_nationality);
  read_bands(r, "age_band_shares", p.age_band_shares, kProbability, true);
  r.read("arrivals_employed_share", p.arrivals_employed_share, kProbability);
  r.read("oldest_arrival_age_years", p.oldest_arrival_age_years, {66, 110});
  parse_skilled(r.section("skilled"), p.skilled);
  r.finish();
}

void parse_integration(Reader r, IntegrationParams& p) {
  r.read("language_months_per_level", p.language_months_per_level, {0.5, 600});
  r.read("language_flattening_months", p.language_flattening_months, {0, 1200});
  r.read("language_flattening_factor", p.language_flattening_factor, kProbability);
  r.read("initial_discrimination_share", p.initial_discrimination_share, kProbability);
  r.read("discrimination_resolution_months", p.discrimination_resolution_months, {0.5, 1200});
  r.read("ties_growth_per_month", p.ties_growth_per_month, kProbability);
  r.read("ties_growth_employed_bonus", p.ties_growth_employed_bonus, kProbability);
  r.read("compensation_months", p.compensation_months, {0.5, 600});
  r.finish();
}

void parse_departure(Reader r, DepartureParams& p) {
  r.read("base_hazard_german", p.base_hazard_german, kProbability);
  r.read("base_hazard_foreign", p.base_hazard_foreign, kProbability);
  read_bands(r, "age_band_multipliers", p.age_band_multipliers, {0, 100}, false);
  r.read("early_years_months", p.early_years_months, {0, 1200});
  r.read("early_years_multiplier", p.early_years_multiplier, {0, 100});
  r.read("coef_employed", p.coef_employed, kCoefficient);
  r.read("coef_unhoused", p.coef_unhoused, kCoefficient);
  r.read("coef_ties", p.coef_ties, kCoefficient);
  r.read("coef_discriminated", p.coef_discriminated, kCoefficient);
  r.read("coef_recognised", p.coef_recognised, kCoefficient);
  r.read("abroad_share_german", p.abroad_share_german, kProbability);
  r.read("abroad_share_foreign", p.abroad_share_foreign, kProbability);
  r.read("away_pool_months", p.away_pool_months, {0, 1200});
  r.read("return_hazard_german", p.return_hazard_german, kProbability);
  r.read("return_hazard_foreign", p.return_hazard_foreign, kProbability);
  r.finish();
}

}  // namespace

void parse_model_params(scenario::Reader& models, ModelParams& out) {
  parse_demography_params(models.section("demography"), out.demography);
  parse_arrival(models.section("arrival"), out.arrival);
  parse_integration(models.section("integration"), out.integration);
  housing::parse_params(models.section("housing"), out.housing);
  {
    Reader labour = models.section("labour");
    labour::parse_labour_params(labour, out.labour);
  }
  parse_departure(models.section("departure"), out.departure);
  relocation::parse_params(models.section("relocation"), out.relocation);
  models.finish();
  (void)kNonNegative;
  (void)kPositive;
}

}  // namespace brocken::migration
