// Labour market by district (a market stage): separations (agent-local), replacement demand and
// vacancy inflow, then matching with a constant-returns Cobb-Douglas function
// M = A * U^alpha * V^(1-alpha) (params.md §7), A set so that the mean vacancy duration at the
// start equals the observed completed vacancy time. Who of the unemployed is hired is decided by
// weighted keyed priorities (language, recognition, callback penalty for foreign applicants).
#include <algorithm>
#include <cmath>

#include "engine/sim/market.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

class LabourStage final : public sim::Stage {
 public:
  explicit LabourStage(ModelState& s) : s_(s), carry_(s.n_districts(), 0.0) {}
  [[nodiscard]] std::string_view name() const override { return "labour"; }

  void run(sim::StepContext& ctx) override {
    auto& a = *ctx.agents;
    const auto& c = s_.cols;
    auto key = a.span(c.key);
    auto district = a.span(c.district);
    auto nationality = a.span(c.nationality);
    auto status = a.span(c.status);
    auto residence = a.span(c.residence);
    auto language = a.span(c.language);
    auto recognition = a.span(c.recognition);
    const auto& p = s_.params.labour;
    const std::size_t nd = s_.n_districts();
    const rng::DecisionStream s_separation = ctx.stream(decisions::kSeparation);
    const rng::DecisionStream s_jobpriority = ctx.stream(decisions::kJobPriority);
    constexpr auto kPresent = static_cast<std::uint8_t>(Residence::kPresent);
    constexpr auto kEmployed = static_cast<std::uint8_t>(Status::kEmployed);
    constexpr auto kUnemployed = static_cast<std::uint8_t>(Status::kUnemployed);

    // 1. Separations (agent-local). Separated persons search in the same month.
    const double sep = s_.separation_rate;
    ctx.for_agents(0, [&](const sched::BlockRange& r, sim::BlockEffects& /*fx*/) {
      for (std::size_t i = r.begin; i < r.end; ++i) {
        if (residence[i] != kPresent || status[i] != kEmployed) continue;
        rng::Draw draw = s_separation(key[i]);
        if (draw.bernoulli(sep)) status[i] = kUnemployed;
      }
    });

    // 2. Vacancies: exogenous inflow (steady state at the start) plus replacement demand.
    for (std::size_t d = 0; d < nd; ++d) {
      s_.districts[d].vacancies += s_.districts[d].vacancy_inflow +
                                   p.replacement_share * s_.flow(d, MonthFlows::kEmployedExits);
    }

    // 3. Gather searchers with weighted keyed priorities.
    const double lw = p.language_weight_per_level;
    const double callback = 1.0 / (1.0 + p.discrimination_callback_penalty);
    const auto& counts =
        market_.gather(ctx, nd, [&](const sched::BlockRange& r, sim::CellMarket::Emitter& emit) {
          for (std::size_t i = r.begin; i < r.end; ++i) {
            if (residence[i] != kPresent || status[i] != kUnemployed) continue;
            double w = 1.0;
            if (nationality[i] != static_cast<std::uint8_t>(Nationality::kGerman)) {
              w = callback * (1.0 + lw * language[i]) / (1.0 + lw * 4.0);
              const auto rec = static_cast<Recognition>(recognition[i]);
              if (rec == Recognition::kPartial || rec == Recognition::kNone)
                w *= p.partial_recognition_weight;
            }
            rng::Draw draw = s_jobpriority(key[i]);
            emit(district[i], std::log(1.0 - draw.uniform()) / w, key[i], i);
          }
        });

    // 4. Clear: matches per district from the matching function.
    const double alpha = p.matching_elasticity;
    const double efficiency = s_.matching_a * s_.lever(s_.levers.matching_efficiency);
    capacity_.assign(nd, 0);
    for (std::size_t d = 0; d < nd; ++d) {
      const double u = static_cast<double>(counts[d]);
      const double v = s_.districts[d].vacancies;
      double m = 0;
      if (u > 0 && v > 0) m = efficiency * std::pow(u, alpha) * std::pow(v, 1.0 - alpha);
      m = std::min({m + carry_[d], u, v});
      const double whole = std::floor(m);
      carry_[d] = m - whole;
      capacity_[d] = static_cast<std::size_t>(whole);
    }
    const auto& winners = market_.clear(ctx, capacity_);

    // 5. Apply.
    for (const std::uint32_t row : winners) {
      status[row] = kEmployed;
      const std::size_t d = district[row];
      s_.districts[d].vacancies -= 1.0;
      s_.flow(d, MonthFlows::kHires) += 1.0;
    }
  }

 private:
  ModelState& s_;
  sim::CellMarket market_;
  std::vector<double> carry_;
  std::vector<std::size_t> capacity_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_labour_stage(ModelState& state) {
  return std::make_unique<LabourStage>(state);
}

}  // namespace brocken::migration
