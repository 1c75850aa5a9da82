// Parser of the `models.demography` section (params.hpp).
#include "models/migration/demography/params.hpp"

#include <cmath>

namespace brocken::migration {
namespace {
using scenario::Bounds;
using scenario::Reader;
constexpr Bounds kProbability{0.0, 1.0};
}  // namespace

void parse_demography_params(Reader r, DemographyParams& p) {
  r.read("life_table_period", p.life_table_period);
  r.read("tfr_reference", p.tfr_reference);
  {
    Reader ret = r.section("retirement_age_by_birth_year");
    ret.read("first_birth_year", p.retirement_first_birth_year, {1900, 2200});
    std::vector<double> months;
    ret.read("months", months, {50 * 12, 80 * 12});
    if (months.empty() && ret.raw("months") != nullptr) {
      ret.diagnostics().add(ret.raw("months")->pos(), ret.path() + ".months",
                            "expected at least one retirement age");
    }
    for (const double m : months) {
      if (m != std::floor(m)) {
        const scenario::Node* n = ret.raw("months");
        ret.diagnostics().add(n != nullptr ? n->pos() : ret.pos(), ret.path() + ".months",
                              "expected whole months");
        break;
      }
      p.retirement_age_months.push_back(static_cast<int>(m));
    }
    ret.finish();
  }
  r.read("labour_entry_age_years", p.labour_entry_age_years, {14, 30});
  r.read("labour_entry_participation", p.labour_entry_participation, kProbability);
  r.read("district_age_shape_year", p.district_age_shape_year, {1900, 2200});
  r.read("deaths_calibration_period", p.deaths_calibration_period);
  r.read("mortality_old_age_years", p.mortality_old_age_years, {1, 110});
  r.read("births_calibration_period", p.births_calibration_period);
  r.read("asfr_germany_year", p.asfr_germany_year, {1900, 2200});
  {
    Reader t = r.section("mortality_trend");
    t.read("base_year", p.mortality_trend.base_year, {1900, 2200});
    Reader gain = t.section("e0_gain_per_year");
    gain.read("male", p.mortality_trend.e0_gain_male, {-1, 1});
    gain.read("female", p.mortality_trend.e0_gain_female, {-1, 1});
    gain.finish();
    t.read("until_year", p.mortality_trend.until_year, {1900, 2200});
    t.finish();
  }
  {
    Reader t = r.section("fertility_trend");
    t.read("follow_germany_until_year", p.fertility_trend.follow_germany_until_year, {1900, 2200});
    t.read("change_per_year_after", p.fertility_trend.change_per_year_after, {-0.5, 0.5});
    t.read("change_until_year", p.fertility_trend.change_until_year, {1900, 2200});
    t.finish();
  }
  {
    Reader n = r.section("naturalisation");
    n.read("min_residence_months", p.naturalisation.min_residence_months, {0, 1200});
    n.read("calibration_period", p.naturalisation.calibration_period);
    n.read("rate_per_year", p.naturalisation.rate_per_year, kProbability);
    n.finish();
  }
  r.finish();
}

}  // namespace brocken::migration
