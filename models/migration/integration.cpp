// Integration of foreign residents (one agent-local kernel): German language level, social ties,
// experienced discrimination and recognition of a foreign qualification (params.md §3-§5).
#include "models/migration/integration.hpp"

#include <algorithm>
#include <cmath>

#include "models/migration/stages.hpp"
#include "models/migration/synth.hpp"

namespace brocken::migration {
namespace {

class IntegrationStage final : public sim::Stage {
 public:
  explicit IntegrationStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "integration"; }

  void run(sim::StepContext& ctx) override {
    const PersonRows rows(*ctx.agents, s_.cols);
    const auto& p = s_.params.integration;
    const double pace = s_.lever(s_.levers.language_pace);
    const double p_level = std::min(1.0, pace / p.language_months_per_level);
    const double p_level_late = std::min(1.0, p_level * p.language_flattening_factor);
    const double p_resolve = std::min(
        1.0, s_.lever(s_.levers.discrimination_resolution) / p.discrimination_resolution_months);
    const double ties_lever = s_.lever(s_.levers.ties_growth);
    const float g = static_cast<float>(std::min(1.0, p.ties_growth_per_month * ties_lever));
    const float g_emp = static_cast<float>(
        std::min(1.0, (p.ties_growth_per_month + p.ties_growth_employed_bonus) * ties_lever));
    const double p_compensated = 1.0 / p.compensation_months;
    const int flatten = p.language_flattening_months;
    const rng::DecisionStream s_language = ctx.stream(decisions::kLanguage);
    const rng::DecisionStream s_discrimination = ctx.stream(decisions::kDiscrimination);
    const rng::DecisionStream s_recognition = ctx.stream(decisions::kRecognition);

    ctx.for_agents(0, [&](const sched::BlockRange& r, sim::BlockEffects& /*fx*/) {
      // Locals, so that they stay in registers (see PersonRows).
      const PersonRows q = rows;
      const rng::DecisionStream language = s_language;
      const rng::DecisionStream discrimination = s_discrimination;
      const rng::DecisionStream recognition = s_recognition;
      const double level = p_level;
      const double level_late = p_level_late;
      const double resolve = p_resolve;
      const double compensated = p_compensated;
      const float growth = g;
      const float growth_employed = g_emp;
      const int flatten_months = flatten;
      for (std::size_t i = r.begin; i < r.end; ++i) {
        if (q.residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) continue;
        if (q.nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) && q.here[i] < 0)
          continue;
        const bool employed = q.status[i] == static_cast<std::uint8_t>(Status::kEmployed);
        const float gi = employed ? growth_employed : growth;
        q.ties[i] += gi * (1.0F - q.ties[i]);
        if (q.language[i] < 4) {
          rng::Draw draw = language(q.key[i]);
          const bool late = q.here[i] >= flatten_months;
          if (draw.bernoulli(late ? level_late : level)) ++q.language[i];
        }
        if (q.discriminated[i] != 0) {
          rng::Draw draw = discrimination(q.key[i]);
          if (draw.bernoulli(resolve)) q.discriminated[i] = 0;
        }
        if (q.recognition[i] == static_cast<std::uint8_t>(Recognition::kPartial)) {
          rng::Draw draw = recognition(q.key[i]);
          if (draw.bernoulli(compensated))
            q.recognition[i] = static_cast<std::uint8_t>(Recognition::kFull);
        }
      }
    });
  }

 private:
  ModelState& s_;
};

}  // namespace

InitialIntegration initial_integration(const IntegrationParams& p, int age_months,
                                       rng::Draw& draw) {
  InitialIntegration out;
  const int months =
      std::min(static_cast<int>(draw.below(kStartMonthsSinceArrivalSpread)), age_months);
  out.months_here = static_cast<std::int16_t>(months);
  out.ties = static_cast<float>(1.0 - std::pow(1.0 - p.ties_growth_per_month, months));
  out.language = static_cast<std::uint8_t>(
      std::min(4.0, std::floor(static_cast<double>(months) / p.language_months_per_level)));
  const double still = p.initial_discrimination_share *
                       std::pow(1.0 - 1.0 / p.discrimination_resolution_months, months);
  out.discriminated = static_cast<std::uint8_t>(draw.uniform() < still ? 1 : 0);
  return out;
}

std::unique_ptr<sim::Stage> make_integration_stage(ModelState& state) {
  return std::make_unique<IntegrationStage>(state);
}

}  // namespace brocken::migration
