// Parser of the `models.labour` section (params.hpp).
#include "models/migration/labour/params.hpp"

namespace brocken::migration::labour {

using scenario::Reader;

void read_days_by_group(Reader& r, std::string_view key, scenario::Bounds bounds,
                        std::vector<std::string>& groups, std::vector<double>& days) {
  Reader by = r.section(key);
  for (const std::string& g : by.keys()) {
    double d = 0;
    by.read(g, d, bounds);
    groups.push_back(g);
    days.push_back(d);
  }
  by.finish();
}

void parse_labour_params(Reader& r, LabourParams& p) {
  r.read("data_year", p.data_year, {1900, 2200});
  r.read("matching_elasticity", p.matching_elasticity, {0.05, 0.95});
  r.read("vacancy_duration_days", p.vacancy_duration_days, {16, 3650});
  read_days_by_group(r, "vacancy_duration_days_by_group", {16, 3650}, p.duration_groups,
                     p.duration_days);
  r.read("vacancy_max_age_months", p.vacancy_max_age_months, {2, 120});
  r.read("replacement_share", p.replacement_share, {0, 1});
  r.read("separations_per_month", p.separations_per_month, {0, 1e9});
  r.read("long_term_unemployed_share", p.long_term_unemployed_share, {0.001, 0.999});
  r.read("vacancy_inflow_change_per_year", p.vacancy_inflow_change_per_year, {-0.9, 10});
  r.read("vacancy_inflow_change_until_year", p.vacancy_inflow_change_until_year, {1900, 2200});
  r.read("discrimination_callback_penalty", p.discrimination_callback_penalty, {0, 10});
  r.read("language_weight_per_level", p.language_weight_per_level, {0, 10});
  r.read("partial_recognition_weight", p.partial_recognition_weight, {0.01, 1});
  {
    Reader reg = r.section("regulated_groups");
    for (const std::string& g : reg.keys()) {
      double share = 0;
      reg.read(g, share, {0, 1});
      p.regulated.push_back({g, share});
    }
    reg.finish();
  }
  r.finish();
}

}  // namespace brocken::migration::labour
