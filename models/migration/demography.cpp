// Demography: ageing, mortality, fertility, retirement and labour-market entry (one agent-local
// kernel). Rates: Germany's life table scaled to the state's life expectancy, Germany's
// age-specific fertility scaled to the state's total fertility rate
// (data/sachsen-anhalt/README.md).
#include <algorithm>

#include "models/migration/setup.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

class DemographyStage final : public sim::Stage {
 public:
  explicit DemographyStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "demography"; }

  void run(sim::StepContext& ctx) override {
    auto& a = *ctx.agents;
    const auto& c = s_.cols;
    auto key = a.span(c.key);
    auto age = a.span(c.age_months);
    auto here = a.span(c.months_here);
    auto away = a.span(c.away_months);
    auto sex = a.span(c.sex);
    auto district = a.span(c.district);
    auto nationality = a.span(c.nationality);
    auto status = a.span(c.status);
    auto residence = a.span(c.residence);
    auto housed = a.span(c.housed);
    auto ties = a.span(c.ties);
    auto qualification = a.span(c.qualification);
    const auto max_age = static_cast<int>(s_.death_prob_month.size()) - 1;
    const int entry = static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0);
    const double participation = s_.params.demography.labour_entry_participation;
    const int pool_months = s_.params.departure.away_pool_months;
    const double male_share = s_.male_birth_share;
    const std::size_t nd = s_.n_districts();
    const int tick = ctx.tick;
    const rng::DecisionStream s_death = ctx.stream(decisions::kDeath);
    const rng::DecisionStream s_birth = ctx.stream(decisions::kBirth);
    const rng::DecisionStream s_labourentry = ctx.stream(decisions::kLabourEntry);

    auto tallies = ctx.for_agents(nd * MonthFlows::kCount, [&](const sched::BlockRange& r,
                                                               sim::BlockEffects& fx) {
      auto t = fx.tally();
      auto add = [&](std::size_t d, MonthFlows::Kind k) { t[d * MonthFlows::kCount + k] += 1.0; };
      for (std::size_t i = r.begin; i < r.end; ++i) {
        if (age[i] < INT16_MAX) ++age[i];
        if (residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) {
          // The away pool: followed for a bounded time, then dropped (no state statistics).
          if (++away[i] >= pool_months) fx.remove(i);
          continue;
        }
        if (here[i] >= 0 && here[i] < INT16_MAX) ++here[i];
        const int years = std::min(age[i] / 12, max_age);
        const std::size_t d = district[i];
        rng::Draw death = s_death(key[i]);
        if (death.bernoulli(s_.death_prob_month[static_cast<std::size_t>(years)][sex[i]])) {
          add(d, MonthFlows::kDeaths);
          if (status[i] == static_cast<std::uint8_t>(Status::kEmployed))
            add(d, MonthFlows::kEmployedExits);
          if (housed[i] != 0) add(d, MonthFlows::kHousedExits);
          fx.remove(i);
          continue;
        }
        if (sex[i] == static_cast<std::uint8_t>(Sex::kFemale) &&
            static_cast<std::size_t>(years) < s_.birth_prob_month.size()) {
          rng::Draw birth = s_birth(key[i]);
          if (birth.bernoulli(s_.birth_prob_month[static_cast<std::size_t>(years)])) {
            spawn_child(fx, key[i], tick, district[i], nationality[i], ties[i],
                        birth.uniform() < male_share);
            add(d, MonthFlows::kBirths);
          }
        }
        if (age[i] == entry && status[i] == static_cast<std::uint8_t>(Status::kChild)) {
          rng::Draw draw = s_labourentry(key[i]);
          status[i] = static_cast<std::uint8_t>(draw.bernoulli(participation) ? Status::kUnemployed
                                                                              : Status::kInactive);
          // A qualification as the adult population has it (in reality acquired over the next
          // years; docs/model.md). Arrivals keep the one they came with.
          if (qualification[i] == static_cast<std::uint8_t>(Qualification::kUnknown)) {
            qualification[i] = draw_qualification(s_, Status::kInactive, draw.uniform());
          }
        }
        if (age[i] >= s_.retirement_months(tick, age[i]) &&
            status[i] != static_cast<std::uint8_t>(Status::kRetired) &&
            status[i] != static_cast<std::uint8_t>(Status::kChild)) {
          if (status[i] == static_cast<std::uint8_t>(Status::kEmployed))
            add(d, MonthFlows::kEmployedExits);
          status[i] = static_cast<std::uint8_t>(Status::kRetired);
        }
      }
    });
    s_.add_flows(tallies);
  }

 private:
  void spawn_child(sim::BlockEffects& fx, std::uint64_t mother, std::int32_t tick,
                   std::uint8_t district, std::uint8_t nationality, float mother_ties,
                   bool male) const {
    auto& sp = fx.spawned();
    const auto& c = s_.cols;
    const std::size_t j = fx.spawn();
    sp.span(c.key)[j] = rng::agent_key::birth(mother, tick, 0);
    sp.span(c.age_months)[j] = 0;
    sp.span(c.months_here)[j] = -1;
    sp.span(c.arrival_tick)[j] = -1;
    sp.span(c.sex)[j] = static_cast<std::uint8_t>(male ? Sex::kMale : Sex::kFemale);
    sp.span(c.district)[j] = district;
    // The child takes the mother's nationality group (a simplification: § 4 (3) StAG makes some
    // children of foreign parents German at birth; no state figure on how many was found).
    sp.span(c.nationality)[j] = nationality;
    // The child grows up in the mother's social network: it starts with her ties to the region
    // (1 for the settled population). Without this, children born here would start with no ties
    // and, being "since birth" residents, never build any (the integration stage follows only
    // people who arrived).
    sp.span(c.ties)[j] = mother_ties;
    sp.span(c.status)[j] = static_cast<std::uint8_t>(Status::kChild);
    sp.span(c.residence)[j] = static_cast<std::uint8_t>(Residence::kPresent);
    sp.span(c.housed)[j] = 1;
    sp.span(c.language)[j] = 4;
    sp.span(c.origin)[j] = static_cast<std::uint8_t>(Origin::kBorn);
  }

  ModelState& s_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_demography_stage(ModelState& state) {
  return std::make_unique<DemographyStage>(state);
}

}  // namespace brocken::migration
