// Housing by district (a market stage): usable vacant dwellings reach searchers at a monthly
// rate; searchers (arrivals, returners) compete with weighted keyed priorities, where foreign
// applicants carry the field-experiment discrimination penalty unless a job signal removes it
// (params.md §5, §6). Dwellings released by departures and deaths return to the usable stock.
#include <algorithm>
#include <cmath>

#include "engine/sim/market.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

class HousingStage final : public sim::Stage {
 public:
  explicit HousingStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "housing"; }

  void run(sim::StepContext& ctx) override {
    const PersonRows rows(*ctx.agents, s_.cols);
    const auto& p = s_.params.housing;
    const std::size_t nd = s_.n_districts();
    const rng::DecisionStream s_housingpriority = ctx.stream(decisions::kHousingPriority);
    const double pp = s_.persons_per_dwelling;

    for (std::size_t d = 0; d < nd; ++d) {
      s_.districts[d].dwellings_available += s_.flow(d, MonthFlows::kHousedExits) / pp;
    }
    const double penalised = 1.0 - p.discrimination_penalty;
    market_.gather(ctx, nd, [&](const sched::BlockRange& r, sim::CellMarket::Emitter& emit) {
      // Locals, so that they stay in registers (see PersonRows).
      const PersonRows q = rows;
      const rng::DecisionStream stream = s_housingpriority;
      const bool employed_removes_penalty = p.employed_removes_penalty;
      const double weight_penalised = penalised;
      for (std::size_t i = r.begin; i < r.end; ++i) {
        if (q.residence[i] != static_cast<std::uint8_t>(Residence::kPresent) || q.housed[i] != 0)
          continue;
        double w = 1.0;
        if (q.nationality[i] != static_cast<std::uint8_t>(Nationality::kGerman) &&
            !(employed_removes_penalty &&
              q.status[i] == static_cast<std::uint8_t>(Status::kEmployed))) {
          w = weight_penalised;
        }
        rng::Draw draw = stream(q.key[i]);
        emit(q.district[i], std::log(1.0 - draw.uniform()) / w, q.key[i], i);
      }
    });
    const double offers = p.offer_share_per_month * s_.lever(s_.levers.housing_offers);
    capacity_.assign(nd, 0);
    for (std::size_t d = 0; d < nd; ++d) {
      const double persons = std::max(0.0, s_.districts[d].dwellings_available * offers * pp);
      capacity_[d] = static_cast<std::size_t>(std::floor(persons));
    }
    for (const std::uint32_t row : market_.clear(ctx, capacity_)) {
      rows.housed[row] = 1;
      const std::size_t d = rows.district[row];
      s_.districts[d].dwellings_available -= 1.0 / pp;
      s_.flow(d, MonthFlows::kHoused) += 1.0;
    }
  }

 private:
  ModelState& s_;
  sim::CellMarket market_;
  std::vector<std::size_t> capacity_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_housing_stage(ModelState& state) {
  return std::make_unique<HousingStage>(state);
}

}  // namespace brocken::migration
