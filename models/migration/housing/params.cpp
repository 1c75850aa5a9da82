#include "models/migration/housing/params.hpp"

namespace brocken::migration::housing {

void parse_params(scenario::Reader r, HousingParams& p) {
  constexpr scenario::Bounds kProbability{0.0, 1.0};
  r.read("vacancy_available_share", p.vacancy_available_share, kProbability);
  r.read("usable_adjustment_months", p.usable_adjustment_months, {1.0, 1200.0});
  r.read("mean_search_months", p.mean_search_months, {1.01, 600.0});
  r.read("construction_change_per_year", p.construction_change_per_year, {-1.0, 1.0});
  r.read("household_min_age_years", p.household_min_age_years, {10, 30});
  r.read("discrimination_penalty", p.discrimination_penalty, kProbability);
  r.read("employed_removes_penalty", p.employed_removes_penalty);
  r.finish();
}

}  // namespace brocken::migration::housing
