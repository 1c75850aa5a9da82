// Relocation: moves between the districts of the state (one agent-local kernel). Districts whose
// net internal migration balance is below the state's average send people, at a monthly hazard
// that gives their annual net loss; movers go to the districts above the average, in proportion
// to their annual net gain. Gross flows equal net flows: nothing in the data gives more
// (docs/model.md, "Relocation"). The age pattern weights who moves; it is normalised over each
// sending district's initial population so that the expected totals are kept.

#include <algorithm>
#include <cmath>

#include "models/migration/stages.hpp"

namespace brocken::migration {

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
        if (housed[i] == housing::kOwnCode) {
          // Gives up the dwelling and searches one in the new district.
          housed[i] = housing::kSharedCode;
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
