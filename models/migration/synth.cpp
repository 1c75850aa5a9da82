#include "models/migration/synth.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace brocken::migration {
namespace {

[[noreturn]] void data_error(const RegionData& r, const std::string& file, const std::string& key,
                             const std::string& message) {
  throw scenario::InputError(
      {scenario::Diagnostic{scenario::SourcePos{(r.dir / file).string(), 0, 0}, key, message}});
}

/// District totals at the start: published where known, the rest by their share of the
/// previous year's totals, scaled so that all districts sum to the state total.
std::vector<double> start_totals(const RegionData& r, double state_total) {
  double known = 0;
  double base_unknown = 0;
  for (const auto& d : r.districts) {
    if (std::isnan(d.population_2023)) {
      base_unknown += d.population_base;
    } else {
      known += d.population_2023;
    }
  }
  std::vector<double> out;
  if (base_unknown == 0) {
    // Every district is published: they must describe the same population as the state table.
    for (const auto& d : r.districts) out.push_back(d.population_2023 * state_total / known);
    return out;
  }
  if (known >= state_total) {
    data_error(r, "districts.csv", "population_2023_12_31",
               fmt::format("published district totals ({:.0f}) leave nothing for the other "
                           "districts of a state of {:.0f}",
                           known, state_total));
  }
  const double factor = (state_total - known) / base_unknown;
  for (const auto& d : r.districts) {
    out.push_back(std::isnan(d.population_2023) ? d.population_base * factor : d.population_2023);
  }
  return out;
}

/// Seed: the district age shapes of the older table, cohorts moved forward by `shift` years,
/// spread over single years like `profile` (the state's current age profile, both sexes).
std::vector<double> seed_by_age(const RegionData& r, const std::vector<double>& profile,
                                int shift) {
  const std::size_t nd = r.districts.size();
  const std::size_t ages = profile.size();
  const auto& groups = r.shape_groups;
  // Group (in the shape year) of each current age, or -1 when born after the shape year.
  std::vector<int> group_of(ages, -1);
  for (std::size_t a = 0; a < ages; ++a) {
    const int then = static_cast<int>(a) - shift;
    if (then < 0) continue;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (then >= groups[g].first && (groups[g].open || then <= groups[g].last)) {
        group_of[a] = static_cast<int>(g);
      }
    }
  }
  // Current-profile weight of each shape group (over the current ages it maps to).
  std::vector<double> group_weight(groups.size(), 0.0);
  for (std::size_t a = 0; a < ages; ++a) {
    if (group_of[a] >= 0) group_weight[static_cast<std::size_t>(group_of[a])] += profile[a];
  }
  // Children born since the shape year: distributed over districts like the youngest group.
  std::vector<double> youngest_share(nd, 0.0);
  double youngest_total = 0;
  for (std::size_t d = 0; d < nd; ++d) youngest_total += r.shape_counts[d][0];
  for (std::size_t d = 0; d < nd; ++d) {
    youngest_share[d] = youngest_total > 0 ? r.shape_counts[d][0] / youngest_total : 0.0;
  }
  std::vector<double> seed(nd * ages, 0.0);
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::size_t a = 0; a < ages; ++a) {
      const int g = group_of[a];
      double v = 0;
      if (g < 0) {
        v = profile[a] * youngest_share[d];
      } else if (group_weight[static_cast<std::size_t>(g)] > 0) {
        v = r.shape_counts[d][static_cast<std::size_t>(g)] * profile[a] /
            group_weight[static_cast<std::size_t>(g)];
      }
      seed[d * ages + a] = v;
    }
  }
  return seed;
}

std::size_t broad_group(std::size_t age) {
  const auto a = static_cast<int>(age);
  return a < kBroadAgeBounds[0] ? 0 : a < kBroadAgeBounds[1] ? 1 : 2;
}

}  // namespace

std::vector<double> foreign_age_profile(const std::array<double, 5>& band_shares, int oldest,
                                        std::size_t ages) {
  constexpr std::array<int, 5> kLower{0, 18, 31, 45, 65};
  std::vector<double> arrival(ages, 0.0);
  for (std::size_t b = 0; b < kLower.size(); ++b) {
    const int lo = kLower[b];
    const int hi = b + 1 < kLower.size() ? kLower[b + 1] : oldest;  // exclusive
    for (int a = lo; a < hi; ++a) {
      const std::size_t at = std::min(static_cast<std::size_t>(a), ages - 1);
      arrival[at] += band_shares[b] / static_cast<double>(hi - lo);
    }
  }
  constexpr int kYears = kStartMonthsSinceArrivalSpread / 12;
  std::vector<double> out(ages, 0.0);
  for (std::size_t a = 0; a < ages; ++a) {
    for (int k = 0; k < kYears; ++k) {
      out[std::min(a + static_cast<std::size_t>(k), ages - 1)] += arrival[a] / kYears;
    }
  }
  const double sum = std::accumulate(out.begin(), out.end(), 0.0);
  for (double& x : out) x = sum > 0 ? x / sum : 0.0;
  return out;
}

SyntheticPopulation synthesize_population(const RegionData& r, int shape_year, int start_year,
                                          const std::vector<double>& foreign_profile) {
  SyntheticPopulation out;
  const std::size_t nd = r.districts.size();
  const std::size_t ages = r.population_age_sex.size();
  out.districts = nd;
  out.ages = ages;
  const int shift = start_year - shape_year;
  if (shift < 0) {
    data_error(r, "district_age_groups_2019.csv", "models.demography.district_age_shape_year",
               fmt::format("the age-shape table ({}) is newer than the start population ({})",
                           shape_year, start_year));
  }
  if (r.shape_counts.size() != nd) {
    data_error(r, "district_age_groups_2019.csv", "ags", "no age shape for every district");
  }

  // Margin 1: state age x sex; the profile (both sexes) for the seed.
  std::vector<double> age_sex(ages * 2);
  std::vector<double> profile(ages);
  for (std::size_t a = 0; a < ages; ++a) {
    age_sex[a * 2] = r.population_age_sex[a][0];
    age_sex[a * 2 + 1] = r.population_age_sex[a][1];
    profile[a] = age_sex[a * 2] + age_sex[a * 2 + 1];
  }
  const double state_total = std::accumulate(profile.begin(), profile.end(), 0.0);
  out.district_totals = start_totals(r, state_total);

  // Margin 2: district x broad age, reconciled with the state's broad-age totals.
  std::vector<double> broad_state(3, 0.0);
  std::vector<std::size_t> broad_bins(ages);
  for (std::size_t a = 0; a < ages; ++a) {
    broad_bins[a] = broad_group(a);
    broad_state[broad_bins[a]] += profile[a];
  }
  std::vector<double> broad(nd * 3);
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::size_t k = 0; k < 3; ++k) {
      broad[d * 3 + k] = out.district_totals[d] * r.districts[d].broad_age_shares[k];
    }
  }
  out.broad_age_reconciliation = fit::ipf(
      broad, {nd, 3},
      {{"district totals", {0}, out.district_totals}, {"state broad age groups", {1}, broad_state}},
      {10000, 1e-13});

  // Margin 3: district x nationality.
  const double eu_listed = r.latest("foreign_population_eu_listed");
  out.eu_share_of_foreign =
      eu_listed / (eu_listed + r.latest("foreign_population_third_country_listed"));
  std::vector<double> nationality(nd * 3);
  for (std::size_t d = 0; d < nd; ++d) {
    const double foreign = out.district_totals[d] * r.districts[d].foreign_share;
    nationality[d * 3 + 0] = out.district_totals[d] - foreign;
    nationality[d * 3 + 1] = foreign * out.eu_share_of_foreign;
    nationality[d * 3 + 2] = foreign * (1.0 - out.eu_share_of_foreign);
  }

  // Seed over the full table, then the fit.
  const std::vector<double> seed = seed_by_age(r, profile, shift);
  out.counts.assign(nd * ages * 2 * 3, 0.0);
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::size_t a = 0; a < ages; ++a) {
      for (std::size_t s = 0; s < 2; ++s) {
        for (std::size_t n = 0; n < 3; ++n) out.counts[out.index(d, a, s, n)] = seed[d * ages + a];
      }
    }
  }
  std::vector<fit::Margin> margins{
      {"state age x sex", {1, 2}, age_sex, {}},
      {"district x broad age group", {0, 1}, broad, {{}, broad_bins}},
      {"district x nationality group", {0, 3}, nationality, {}},
  };
  if (!foreign_profile.empty()) {
    // Margin 4: state age x nationality group. The foreign total of margin 3 by the profile, split
    // into EU and third-country nationals as there; the Germans are the rest of each age.
    if (foreign_profile.size() != ages) {
      data_error(r, "population_age_sex.csv", "age",
                 "the foreign age profile does not cover the table's ages");
    }
    double eu = 0;
    double third = 0;
    for (std::size_t d = 0; d < nd; ++d) {
      eu += nationality[d * 3 + 1];
      third += nationality[d * 3 + 2];
    }
    std::vector<double> age_nat(ages * 3);
    for (std::size_t a = 0; a < ages; ++a) {
      age_nat[a * 3 + 1] = eu * foreign_profile[a];
      age_nat[a * 3 + 2] = third * foreign_profile[a];
      age_nat[a * 3 + 0] = profile[a] - age_nat[a * 3 + 1] - age_nat[a * 3 + 2];
      if (age_nat[a * 3 + 0] < 0) {
        data_error(
            r, "population_age_sex.csv", "age",
            fmt::format("the foreign residents the age profile puts at age {} ({:.0f}) "
                        "exceed the state's residents of that age ({:.0f})",
                        a, eu * foreign_profile[a] + third * foreign_profile[a], profile[a]));
      }
    }
    margins.push_back({"state age x nationality group", {1, 3}, age_nat, {}});
  }
  out.report = fit::ipf(out.counts, out.shape(), margins, {10000, 1e-12});
  return out;
}

}  // namespace brocken::migration
