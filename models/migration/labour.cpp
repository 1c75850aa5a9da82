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
  explicit LabourStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "labour"; }

  void run(sim::StepContext& ctx) override {
    auto& a = *ctx.agents;
    const PersonRows rows(a, s_.cols);
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
      // Locals, so that they stay in registers (see PersonRows).
      const PersonRows q = rows;
      const rng::DecisionStream stream = s_separation;
      const double rate = sep;
      // About half the rows are employed and draw: the numbers come pre-filled (vectorised),
      // cheaper than one draw per employed. Branch-free (employment is scattered over the rows,
      // a branch would mispredict); u is the first number of the "separation" generator.
      rng::for_rows_with_first_uniform(stream, q.key, r.begin, r.end, [&](std::size_t i, double u) {
        const bool separates =
            (q.residence[i] == kPresent) & (q.status[i] == kEmployed) & (u < rate);
        q.status[i] = separates ? kUnemployed : q.status[i];
      });
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
          const PersonRows q = rows;
          const rng::DecisionStream stream = s_jobpriority;
          for (std::size_t i = r.begin; i < r.end; ++i) {
            if (q.residence[i] != kPresent || q.status[i] != kUnemployed) continue;
            double w = 1.0;
            if (q.nationality[i] != static_cast<std::uint8_t>(Nationality::kGerman)) {
              w = callback * (1.0 + lw * q.language[i]) / (1.0 + lw * 4.0);
              const auto rec = static_cast<Recognition>(q.recognition[i]);
              if (rec == Recognition::kPartial || rec == Recognition::kNone)
                w *= p.partial_recognition_weight;
            }
            rng::Draw draw = stream(q.key[i]);
            emit(q.district[i], std::log(1.0 - draw.uniform()) / w, q.key[i], i);
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
      m = std::min({m + s_.districts[d].match_carry, u, v});
      const double whole = std::floor(m);
      s_.districts[d].match_carry = m - whole;
      capacity_[d] = static_cast<std::size_t>(whole);
    }
    const auto& winners = market_.clear(ctx, capacity_);

    // 5. Apply.
    for (const std::uint32_t row : winners) {
      rows.status[row] = kEmployed;
      const std::size_t d = rows.district[row];
      s_.districts[d].vacancies -= 1.0;
      s_.flow(d, MonthFlows::kHires) += 1.0;
    }
  }

 private:
  ModelState& s_;
  sim::CellMarket market_;
  std::vector<std::size_t> capacity_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_labour_stage(ModelState& state) {
  return std::make_unique<LabourStage>(state);
}

}  // namespace brocken::migration
