// Relocation: moves between the districts of the state (one agent-local kernel). Districts whose
// net internal migration balance is below the state's average send people, at a monthly hazard
// that gives their annual net loss; movers go to the districts above the average, in proportion
// to their annual net gain. Gross flows equal net flows: nothing in the data gives more
// (docs/model.md, "Relocation"). The age pattern weights who moves; it is normalised over each
// sending district's initial population so that the expected totals are kept.
#include "models/migration/relocation.hpp"

#include <algorithm>
#include <cmath>

#include "models/migration/stages.hpp"

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

namespace {

class RelocationStage final : public sim::Stage {
 public:
  explicit RelocationStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "relocation"; }

  void run(sim::StepContext& ctx) override {
    if (!s_.params.relocation.enabled) return;
    auto& a = *ctx.agents;
    const auto& c = s_.cols;
    auto key = a.span(c.key);
    auto age = a.span(c.age_months);
    auto district = a.span(c.district);
    auto residence = a.span(c.residence);
    auto housed = a.span(c.housed);
    const std::size_t nd = s_.n_districts();
    const auto& hazard = s_.relocation_hazard;
    const auto& cdf = s_.relocation_destination_cdf;
    const auto& mult = s_.params.relocation.age_band_multipliers;
    const rng::DecisionStream s_move = ctx.stream(decisions::kRelocate);
    // Tallies per district: moves out, moves in, dwellings released at the origin.
    const auto t = ctx.for_agents(nd * 3, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
      auto tl = fx.tally();
      for (std::size_t i = r.begin; i < r.end; ++i) {
        if (residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) continue;
        const std::size_t d = district[i];
        if (hazard[d] <= 0) continue;
        const auto band = static_cast<std::size_t>(age_band_of(age[i] / 12));
        rng::Draw draw = s_move(key[i]);
        if (!draw.bernoulli(hazard[d] * mult[band])) continue;
        const double u = draw.uniform();
        std::size_t to = 0;
        while (to + 1 < nd && u >= cdf[to]) ++to;
        district[i] = static_cast<std::uint8_t>(to);
        tl[d * 3] += 1;
        tl[to * 3 + 1] += 1;
        if (housed[i] != 0) {
          housed[i] = 0;  // searches for a dwelling in the new district
          tl[d * 3 + 2] += 1;
        }
      }
    });
    for (std::size_t d = 0; d < nd; ++d) {
      s_.flow(d, MonthFlows::kMovesOut) += t[d * 3];
      s_.flow(d, MonthFlows::kMovesIn) += t[d * 3 + 1];
      s_.flow(d, MonthFlows::kHousedExits) += t[d * 3 + 2];
    }
  }

 private:
  ModelState& s_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_relocation_stage(ModelState& state) {
  return std::make_unique<RelocationStage>(state);
}

}  // namespace brocken::migration
