// Departure across the state border and return from the away pool (one agent-local kernel).
//
// Leaving: h = base[group] * m_i / M[group], with m_i = age_band[band] * early * exp(b'x_i) and
// M[group] the mean of m over the group's members in the initial population (computed once in
// model set-up), so that the base hazard is the group's observed outflow rate at the start
// (docs/model.md, "Departure"). Covariates x: employed, unhoused, ties, discriminated, recognised.
#include "models/migration/departure.hpp"

#include <cmath>

#include "models/migration/stages.hpp"

namespace brocken::migration {

double departure_multiplier(const DepartureParams& p, int age_months, int months_here,
                            bool employed, bool unhoused, float ties, bool discriminated,
                            bool recognised) noexcept {
  const int band = age_band_of(age_months / 12);
  double m = p.age_band_multipliers[static_cast<std::size_t>(band)];
  if (months_here >= 0 && months_here < p.early_years_months) m *= p.early_years_multiplier;
  const double x =
      p.coef_employed * (employed ? 1.0 : 0.0) + p.coef_unhoused * (unhoused ? 1.0 : 0.0) +
      p.coef_ties * static_cast<double>(ties) + p.coef_discriminated * (discriminated ? 1.0 : 0.0) +
      p.coef_recognised * (recognised ? 1.0 : 0.0);
  return m * std::exp(x);
}

namespace {

class DepartureStage final : public sim::Stage {
 public:
  explicit DepartureStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "departure"; }

  void run(sim::StepContext& ctx) override {
    auto& a = *ctx.agents;
    const auto& c = s_.cols;
    auto key = a.span(c.key);
    auto age = a.span(c.age_months);
    auto here = a.span(c.months_here);
    auto away = a.span(c.away_months);
    auto arrival_tick = a.span(c.arrival_tick);
    auto ties = a.span(c.ties);
    auto district = a.span(c.district);
    auto nationality = a.span(c.nationality);
    auto status = a.span(c.status);
    auto residence = a.span(c.residence);
    auto housed = a.span(c.housed);
    auto recognition = a.span(c.recognition);
    auto discriminated = a.span(c.discriminated);
    auto before = a.span(c.lived_here_before);
    const auto& p = s_.params.departure;
    const double lever_leave = s_.lever(s_.levers.departure_hazard);
    const double lever_return = s_.lever(s_.levers.return_hazard);
    const std::array<double, 2> base{p.base_hazard_german / s_.departure_norm[0],
                                     p.base_hazard_foreign / s_.departure_norm[1]};
    const std::array<double, 2> abroad{p.abroad_share_german, p.abroad_share_foreign};
    const std::array<double, 2> ret{p.return_hazard_german, p.return_hazard_foreign};
    const int entry = static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0);
    const std::size_t nd = s_.n_districts();
    const int tick = ctx.tick;
    const rng::DecisionStream s_return = ctx.stream(decisions::kReturn);
    const rng::DecisionStream s_leave = ctx.stream(decisions::kLeave);

    auto tallies = ctx.for_agents(nd * MonthFlows::kCount, [&](const sched::BlockRange& r,
                                                               sim::BlockEffects& fx) {
      auto t = fx.tally();
      auto add = [&](std::size_t d, MonthFlows::Kind k) { t[d * MonthFlows::kCount + k] += 1.0; };
      for (std::size_t i = r.begin; i < r.end; ++i) {
        const std::size_t d = district[i];
        const std::size_t g =
            nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
        if (residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) {
          rng::Draw draw = s_return(key[i]);
          if (!draw.bernoulli(ret[g] * lever_return)) continue;
          residence[i] = static_cast<std::uint8_t>(Residence::kPresent);
          away[i] = 0;
          here[i] = 0;
          arrival_tick[i] = static_cast<std::int16_t>(tick);
          housed[i] = 0;
          before[i] = 1;
          if (age[i] >= entry && age[i] < s_.retirement_months(ctx.tick, age[i])) {
            status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
          }
          add(d, MonthFlows::kArrivals);
          add(d, MonthFlows::kReturns);
          continue;
        }
        const bool employed = status[i] == static_cast<std::uint8_t>(Status::kEmployed);
        const double m = departure_multiplier(
            p, age[i], here[i], employed, housed[i] == 0, ties[i], discriminated[i] != 0,
            recognition[i] == static_cast<std::uint8_t>(Recognition::kFull));
        const double lever = g == 1 ? lever_leave : 1.0;
        rng::Draw draw = s_leave(key[i]);
        if (!draw.bernoulli(base[g] * m * lever)) continue;
        const bool to_abroad = draw.uniform() < abroad[g];
        residence[i] =
            static_cast<std::uint8_t>(to_abroad ? Residence::kAwayAbroad : Residence::kAwayGermany);
        away[i] = 0;
        add(d, to_abroad ? MonthFlows::kDeparturesAbroad : MonthFlows::kDeparturesGermany);
        if (employed) {
          add(d, MonthFlows::kEmployedExits);
          status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
        }
        if (housed[i] != 0) add(d, MonthFlows::kHousedExits);
        housed[i] = 0;
      }
    });
    s_.add_flows(tallies);
  }

 private:
  ModelState& s_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_departure_stage(ModelState& state) {
  return std::make_unique<DepartureStage>(state);
}

}  // namespace brocken::migration
