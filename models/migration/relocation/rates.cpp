// The relocation behaviour's derived rates (rates.hpp).
#include "models/migration/relocation/rates.hpp"

#include <algorithm>
#include <cmath>

#include "models/migration/state.hpp"

namespace brocken::migration {

std::vector<double> relocation_targets(const std::vector<double>& balance_per_10k,
                                       const std::vector<double>& population,
                                       double outlier_iqr_factor, std::vector<bool>& outliers) {
  const std::size_t n = balance_per_10k.size();
  outliers.assign(n, false);
  std::vector<double> net(n, 0.0);
  if (n == 0) return net;
  std::vector<double> sorted = balance_per_10k;
  std::sort(sorted.begin(), sorted.end());
  const auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(n - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, n - 1);
    return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
  };
  const double q1 = quantile(0.25);
  const double q3 = quantile(0.75);
  const double iqr = q3 - q1;
  double weighted = 0;
  double pop = 0;
  for (std::size_t d = 0; d < n; ++d) {
    const double b = balance_per_10k[d];
    outliers[d] = b < q1 - outlier_iqr_factor * iqr || b > q3 + outlier_iqr_factor * iqr;
    if (outliers[d]) continue;
    weighted += b * population[d];
    pop += population[d];
  }
  const double mean = pop > 0 ? weighted / pop : 0.0;
  for (std::size_t d = 0; d < n; ++d) {
    if (!outliers[d]) net[d] = (balance_per_10k[d] - mean) * population[d] / 1e4;
  }
  return net;
}

namespace relocation {

void derive(ModelState& s) {
  // Target net moves per year from the net balances (full scale).
  const RegionData& r = *s.region;
  const ModelParams& p = s.params;
  std::vector<double> balance;
  std::vector<double> population;
  for (const auto& d : r.districts) {
    balance.push_back(d.internal_migration_balance);
    population.push_back(d.population_base);
  }
  std::vector<bool> outliers;
  s.relocation_net_per_year =
      relocation_targets(balance, population, p.relocation.outlier_iqr_factor, outliers);
  double gains = 0;
  for (const double n : s.relocation_net_per_year) gains += std::max(n, 0.0);
  s.relocation_hazard.assign(r.districts.size(), 0.0);
  s.relocation_destination_cdf.assign(r.districts.size(), 1.0);
  double acc = 0;
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    const double n = s.relocation_net_per_year[d];
    // Per person and month; divided by the initial mean age multiplier in build_population.
    if (n < 0) s.relocation_hazard[d] = -n / 12.0 / r.districts[d].population_base;
    acc += gains > 0 ? std::max(n, 0.0) / gains : 0.0;
    s.relocation_destination_cdf[d] = acc;
  }
  if (!r.districts.empty()) s.relocation_destination_cdf.back() = 1.0;
}

void normalise(ModelState& s, const storage::ColumnStore& agents) {
  const ModelParams& p = s.params;
  const std::size_t nd = s.n_districts();
  const auto district = agents.span(s.cols.district);
  const auto age = agents.span(s.cols.age_months);
  std::vector<double> msum(nd, 0.0);
  std::vector<double> mcount(nd, 0.0);
  for (std::size_t j = 0; j < agents.size(); ++j) {
    msum[district[j]] +=
        p.relocation.age_band_multipliers[static_cast<std::size_t>(age_band_of(age[j] / 12))];
    mcount[district[j]] += 1;
  }
  for (std::size_t d = 0; d < nd; ++d) {
    if (msum[d] > 0) s.relocation_hazard[d] *= mcount[d] / msum[d];
  }
}

}  // namespace relocation
}  // namespace brocken::migration
