// The demography behaviour's outputs (outputs.hpp).
#include "models/migration/demography/outputs.hpp"

#include <span>
#include <string>
#include <vector>

#include "models/migration/outputs.hpp"

namespace brocken::migration::demography {

void declare_outputs(ModelOutputs& o) {
  using io::Measure;
  o.add({"population_by_age_sex",
         "demography",
         {"district", "age_band", "sex"},
         "persons",
         "residents at the end of the month by age band and sex",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          const std::size_t nb = v.census.age_bands;
          std::size_t i = 0;
          for (std::size_t d = 0; d < v.census.districts; ++d) {
            const double* c = v.census.bands(d);
            for (std::size_t k = 0; k < nb * 2; ++k) {
              out[i++] = (c[k * 3] + c[k * 3 + 1] + c[k * 3 + 2]) * v.state.weight;
            }
          }
        });
  o.add({"population_by_nationality",
         "demography",
         {"district", "nationality"},
         "persons",
         "residents at the end of the month by nationality group",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          const std::size_t nb = v.census.age_bands;
          for (std::size_t d = 0; d < v.census.districts; ++d) {
            const double* c = v.census.bands(d);
            for (std::size_t n = 0; n < 3; ++n) {
              double sum = 0;
              for (std::size_t k = 0; k < nb * 2; ++k) sum += c[k * 3 + n];
              out[d * 3 + n] = sum * v.state.weight;
            }
          }
        });
  o.add({"population_by_age_sex_nationality",
         "demography",
         {"district", "age_band", "sex", "nationality"},
         "persons",
         "residents at the end of the month by age band, sex and nationality group",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          const std::size_t per = v.census.age_bands * 6;
          for (std::size_t d = 0; d < v.census.districts; ++d) {
            const double* c = v.census.bands(d);
            for (std::size_t k = 0; k < per; ++k) out[d * per + k] = c[k] * v.state.weight;
          }
        });
  o.add({"population_by_qualification",
         "demography",
         {"district", "qualification"},
         "persons",
         "residents at the end of the month by highest qualification (unknown: children, and "
         "arrivals of the free streams)",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          for (std::size_t d = 0; d < v.census.districts; ++d) {
            for (std::size_t q = 0; q < 4; ++q) {
              out[d * 4 + q] = v.census.at(d, Census::kQualification + q) * v.state.weight;
            }
          }
        });
  o.add({"mean_age",
         "demography",
         {"district"},
         "years",
         "mean age of the residents at the end of the month",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          for (std::size_t d = 0; d < v.census.districts; ++d) {
            const double n = v.census.at(d, Census::kPopulation);
            // Ages are kept in completed months: add half a month.
            out[d] = n > 0 ? (v.census.at(d, Census::kAgeMonthsSum) / n + 0.5) / 12.0 : 0.0;
          }
        });
  o.add(
      {"away_pool",
       "demography",
       {},
       "persons",
       "former residents followed for a possible return",
       Measure::kStock},
      [](const ReportView& v, std::span<double> out) { out[0] = v.census.away * v.state.weight; });
  o.add({"naturalisations",
         "demography",
         {"district"},
         "persons",
         "foreign residents who became German during the month",
         Measure::kFlow},
        flow_fill(MonthFlows::kNaturalisations));
  o.add({"away_deaths",
         "demography",
         {"district"},
         "persons",
         "deaths in the away pool during the month, by district of former residence (not counted "
         "in `deaths`, which are the state's)",
         Measure::kFlow},
        flow_fill(MonthFlows::kAwayDeaths));
  o.add({"away_expired",
         "demography",
         {"district"},
         "persons",
         "persons leaving the away pool during the month because its bounded follow-up time has "
         "passed, by district of former residence",
         Measure::kFlow},
        flow_fill(MonthFlows::kAwayExpired));
  o.add({"life_expectancy",
         "demography",
         {"sex"},
         "years",
         "life expectancy at birth of the month's mortality (the scenario's trend)",
         Measure::kMean},
        [](const ReportView& v, std::span<double> out) {
          const auto& y = v.state.demography;
          const auto& e0 = y.e0[y.index(v.state.calendar(v.tick).first)];
          out[0] = e0[0];
          out[1] = e0[1];
        });
  o.add({"total_fertility_rate",
         "demography",
         {},
         "children per woman",
         "total fertility rate of the month's fertility (the scenario's trend)",
         Measure::kMean},
        [](const ReportView& v, std::span<double> out) {
          const auto& y = v.state.demography;
          out[0] = y.tfr[y.index(v.state.calendar(v.tick).first)];
        });
}

}  // namespace brocken::migration::demography
