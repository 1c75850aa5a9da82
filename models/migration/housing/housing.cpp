// The housing market's state, calibration and outputs (housing.hpp); the monthly stage is in
// stage.cpp.
#include "models/migration/housing/housing.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "models/migration/outputs.hpp"
#include "models/migration/state.hpp"
#include "models/migration/synth.hpp"

namespace brocken::migration::housing {
namespace {

[[noreturn]] void implausible(const std::string& entry, const std::string& what) {
  throw io::ArchiveError(fmt::format("entry '{}' {}", entry, what));
}

/// The latest reference period of a state figure, as a year.
int latest_year(const RegionData& r, const std::string& indicator) {
  const auto it = r.figures.find(indicator);
  if (it == r.figures.end() || it->second.empty()) {
    throw std::invalid_argument(fmt::format("state_figures.csv: no figure '{}'", indicator));
  }
  return std::stoi(it->second.rbegin()->first.substr(0, 4));
}

}  // namespace

double HousingState::construction(std::size_t d, int year, double change_per_year) const {
  const int years = std::max(0, year - construction_data_year);
  return construction_start[d] * std::pow(1.0 + change_per_year, years);
}

void HousingState::save(io::ArchiveWriter& ar, const std::string& prefix) const {
  std::vector<double> stock, occupied, usable, idle;
  for (const auto& d : districts) {
    stock.push_back(d.stock);
    occupied.push_back(d.occupied);
    usable.push_back(d.usable);
    idle.push_back(d.idle);
  }
  ar.put<double>(prefix + "/stock", stock);
  ar.put<double>(prefix + "/occupied", occupied);
  ar.put<double>(prefix + "/usable", usable);
  ar.put<double>(prefix + "/idle", idle);
  ar.put<double>(prefix + "/flows", flows);
}

void HousingState::restore(const io::ArchiveReader& ar, const std::string& prefix) {
  const std::size_t nd = districts.size();
  constexpr double kHuge = 1e15;
  const auto checked = [&](const std::string& name, std::size_t n) {
    auto v = ar.get<double>(prefix + "/" + name, n);
    for (const double x : v) {
      // Stocks are never negative; a few ulps below 0 after subtractions are possible.
      if (!(x >= -1e-6 && x <= kHuge)) implausible(prefix + "/" + name, fmt::format("holds {}", x));
    }
    return v;
  };
  const auto stock = checked("stock", nd);
  const auto occupied = checked("occupied", nd);
  const auto usable = checked("usable", nd);
  const auto idle = checked("idle", nd);
  flows = checked("flows", nd * Flows::kCount);
  for (std::size_t d = 0; d < nd; ++d) {
    const double sum = occupied[d] + usable[d] + idle[d];
    if (std::abs(stock[d] - sum) > 1e-6 * (1.0 + stock[d])) {
      implausible(prefix + "/stock", fmt::format("of district {} is {} but occupied + vacant is {}",
                                                 d, stock[d], sum));
    }
    districts[d].stock = stock[d];
    districts[d].occupied = occupied[d];
    districts[d].usable = usable[d];
    districts[d].idle = idle[d];
  }
}

void derive_housing(ModelState& s) {
  const RegionData& r = *s.region;
  const HousingParams& p = s.params.housing;
  const SyntheticPopulation& synth = *s.synth;
  HousingState& H = s.housing;
  const std::size_t nd = r.districts.size();
  // Zensus 2022: dwellings in residential buildings and their vacant part.
  const double dwellings = r.latest("dwellings_in_residential_buildings");
  const double vacant = r.latest("vacant_dwellings");
  const double occupied = dwellings - vacant;
  if (!(occupied > 0)) {
    throw std::invalid_argument(
        "state_figures.csv: vacant_dwellings must be fewer than "
        "dwellings_in_residential_buildings");
  }
  // Households from persons: children (below household_min_age_years) live in another's
  // household; every adult holds the same share of an occupied dwelling.
  std::vector<double> adults(nd, 0.0);
  double adults_total = 0;
  const auto min_age = static_cast<std::size_t>(p.household_min_age_years);
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::size_t a = min_age; a < synth.ages; ++a) {
      for (std::size_t sx = 0; sx < SyntheticPopulation::kSexes; ++sx) {
        for (std::size_t n = 0; n < SyntheticPopulation::kNationalities; ++n) {
          adults[d] += synth.at(d, a, sx, n);
        }
      }
    }
    adults_total += adults[d];
  }
  if (!(adults_total > 0)) throw std::invalid_argument("the start population has no adults");
  H.dwellings_per_adult = occupied / adults_total;

  // The offer rate: a searcher's monthly probability of an offer is 1 - exp(-scale x u x w) at
  // the usable vacancy rate u; at the state's rate in the data (the Zensus share of vacant
  // dwellings available within three months x the vacancy rate) and w = 1 its mean wait is
  // mean_search_months. The reference is the data's, not the scenario's usable share, so that a
  // scenario with less (more) usable stock has rarer (more frequent) offers.
  const double usable_share_data = r.latest("vacant_available_within_3_months_share") / 100.0;
  H.usable_rate_at_start = usable_share_data * vacant / dwellings;
  if (!(H.usable_rate_at_start > 0)) {
    throw std::invalid_argument(
        "state_figures.csv: with no usable vacant dwellings (vacant_dwellings x "
        "vacant_available_within_3_months_share) the offer rate cannot be calibrated");
  }
  H.offer_scale = -std::log(1.0 - 1.0 / p.mean_search_months) / H.usable_rate_at_start;

  // Demolition: the latest count of demolished dwellings, as a share of the vacant dwellings not
  // available at short notice (demolition takes long-term vacant stock).
  const double idle = (1.0 - p.vacancy_available_share) * vacant;
  H.demolition_per_month = idle > 0 ? r.latest("dwellings_demolished") / idle / 12.0 : 0.0;

  // Completions: the latest year's, spread over the districts like the households (adults).
  H.construction_data_year = latest_year(r, "dwellings_completed");
  const double built = r.latest("dwellings_completed");
  H.construction_start.assign(nd, 0.0);
  for (std::size_t d = 0; d < nd; ++d) {
    H.construction_start[d] = built / 12.0 * adults[d] / adults_total * s.scale;
  }
  H.districts.assign(nd, DistrictHousing{});
  H.flows.assign(nd * Flows::kCount, 0.0);
}

void init_housing(ModelState& s, storage::ColumnStore& agents) {
  const RegionData& r = *s.region;
  const HousingParams& p = s.params.housing;
  HousingState& H = s.housing;
  const std::size_t nd = r.districts.size();
  std::vector<double> own(nd, 0.0);
  const auto housed = agents.span(s.cols.housed);
  const auto district = agents.span(s.cols.district);
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (housed[i] == kOwnCode) own[district[i]] += 1;
  }
  for (std::size_t d = 0; d < nd; ++d) {
    DistrictHousing& h = H.districts[d];
    const double v = r.districts[d].housing_vacancy;
    h.occupied = own[d] * H.dwellings_per_adult;
    const double vacant = v < 1 ? h.occupied * v / (1.0 - v) : 0.0;
    h.usable = p.vacancy_available_share * vacant;
    h.idle = vacant - h.usable;
    h.stock = h.occupied + vacant;
    h.rent = r.districts[d].rent;
  }
  H.flows.assign(nd * Flows::kCount, 0.0);
}

void declare_outputs(ModelOutputs& o) {
  using io::Measure;
  const std::vector<std::string> dims{"district"};
  const auto dwelling_stock = [](double DistrictHousing::*field) {
    return per_district([field](const ReportView& v, std::size_t d) {
      return v.state.housing.districts[d].*field;
    });
  };
  const auto flow = [](Flows::Kind k) {
    return per_district(
        [k](const ReportView& v, std::size_t d) { return v.state.housing.flow(d, k); });
  };
  o.add({"dwellings", "housing", dims, "dwellings",
         "dwellings in residential buildings at the end of the month", Measure::kStock},
        dwelling_stock(&DistrictHousing::stock));
  o.add({"households", "housing", dims, "dwellings",
         "occupied dwellings (households) at the end of the month", Measure::kStock},
        dwelling_stock(&DistrictHousing::occupied));
  o.add({"vacant", "housing", dims, "dwellings", "vacant dwellings at the end of the month",
         Measure::kStock},
        per_district([](const ReportView& v, std::size_t d) {
          return v.state.housing.districts[d].vacant();
        }));
  o.add(
      {"usable_vacant", "housing", dims, "dwellings",
       "vacant dwellings that can be let at short notice at the end of the month", Measure::kStock},
      dwelling_stock(&DistrictHousing::usable));
  o.add({"searchers", "housing", dims, "persons",
         "residents searching a dwelling at the end of the month (in temporary housing or in "
         "another's dwelling)",
         Measure::kStock},
        census_fill(Census::kSearchers));
  o.add({"temporary_housing", "housing", dims, "persons",
         "residents in temporary housing (searching, without a dwelling) at the end of the month",
         Measure::kStock},
        census_fill(Census::kTemporaryHousing));
  o.add({"housed", "housing", dims, "persons", "searchers who found a dwelling during the month",
         Measure::kFlow},
        flow(Flows::kLettings));
  o.add({"search_duration", "housing", dims, "months",
         "mean completed search duration of the searchers who found a dwelling during the month "
         "(0 when none did)",
         Measure::kMean},
        [](const ReportView& v, std::span<double> out) {
          const HousingState& H = v.state.housing;
          for (std::size_t d = 0; d < out.size(); ++d) {
            const double n = H.flow(d, Flows::kLettings);
            out[d] = n > 0 ? H.flow(d, Flows::kSearchMonths) / n : 0.0;
          }
        });
  o.add({"released", "housing", dims, "dwellings",
         "dwellings released during the month by households that ended (deaths, departures, "
         "moves)",
         Measure::kFlow},
        flow(Flows::kReleased));
  o.add({"taken", "housing", dims, "dwellings",
         "dwellings taken during the month by searchers who found one", Measure::kFlow},
        flow(Flows::kTaken));
  o.add({"built", "housing", dims, "dwellings", "dwellings completed during the month",
         Measure::kFlow},
        flow(Flows::kBuilt));
  o.add({"demolished", "housing", dims, "dwellings", "dwellings demolished during the month",
         Measure::kFlow},
        flow(Flows::kDemolished));
  o.add({"rent", "housing", dims, "EUR/m2",
         "net cold rent per m2 and month (Zensus 2022 level, held constant)", Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          for (std::size_t d = 0; d < out.size(); ++d) out[d] = v.state.housing.districts[d].rent;
        });
}

}  // namespace brocken::migration::housing
