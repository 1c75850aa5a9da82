// Demography: ageing, mortality, fertility, retirement, labour-market entry and naturalisation
// of residents; ageing, mortality and the bounded follow-up of the away pool (a pass over the
// pool, which the engine keeps as dormant agents, then one over the residents, which also moves
// last month's leavers into the pool). Rates: each calendar year's tables (rates.hpp), Germany's
// life table scaled to the state's life expectancy and Germany's age-specific fertility scaled to
// the state's births (docs/model.md, "Demography").
#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "models/migration/setup.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

/// Months between sweeps. Removing rows compacts the whole agent store (a stable compaction moves
/// every row behind the first removed one), which took 7 % of the baseline's time when done every
/// month; the dead and the leavers wait, marked, for the sweep instead (at most 5 months, about
/// 40,000 rows at full scale, which every pass skips). Results do not depend on it: nothing is
/// keyed on a row.
constexpr std::int32_t kSweepMonths = 6;

class DemographyStage final : public sim::Stage {
 public:
  explicit DemographyStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "demography"; }

  void run(sim::StepContext& ctx) override {
    const PersonRows rows(*ctx.agents, s_.cols);
    const auto& years = s_.demography;
    const std::size_t y = years.index(s_.calendar(ctx.tick).first);
    const auto& nat = s_.params.demography.naturalisation;
    const Rates rates{.death = years.death[y].data(),
                      .max_age = static_cast<int>(years.death[y].size()) - 1,
                      .birth = years.birth[y].data(),
                      .birth_ages = static_cast<int>(years.birth[y].size()),
                      .retirement_months = s_.retirement_table(ctx.tick),
                      .entry = static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0),
                      .participation = s_.params.demography.labour_entry_participation,
                      .pool_months = s_.params.departure.away_pool_months,
                      .male_share = s_.male_birth_share,
                      .naturalisation = s_.naturalisation_prob_month,
                      .naturalisation_after = nat.min_residence_months,
                      .tick = ctx.tick,
                      .sweep = ctx.tick % kSweepMonths == kSweepMonths - 1,
                      .s_death = ctx.stream(decisions::kDeath),
                      .s_birth = ctx.stream(decisions::kBirth),
                      .s_labour_entry = ctx.stream(decisions::kLabourEntry),
                      .s_naturalisation = ctx.stream(decisions::kNaturalisation)};

    // The away pool (the dormant agents) first: those who left since the last sweep join it in a
    // sweep month, in the pass over the residents below, after this month's step of the pool.
    // Until then they are stepped with the residents, as members of the pool.
    const std::size_t n_tallies = s_.n_districts() * MonthFlows::kCount;
    const PersonRows away(*ctx.dormant, s_.cols);
    s_.add_flows(ctx.for_dormant(n_tallies, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
      away_kernel(away, rates, r, fx);
    }));
    s_.add_flows(ctx.for_agents(n_tallies, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
      kernel(rows, rates, r, fx);
    }));
  }

 private:
  /// Everything the kernel reads besides the columns, passed by value into the block function so
  /// that it lives in registers (see PersonRows).
  struct Rates {
    const std::array<double, 2>* death;  ///< by age (years) and sex
    int max_age;
    const double* birth;  ///< by mother's age (years)
    int birth_ages;
    RetirementTable retirement_months;
    int entry;
    double participation;
    int pool_months;
    double male_share;
    double naturalisation;     ///< monthly probability for an eligible foreign resident
    int naturalisation_after;  ///< months of residence before a person is eligible
    std::int32_t tick;
    bool sweep;  ///< this month the gone rows are dropped and the away ones join the pool
    rng::DecisionStream s_death;
    rng::DecisionStream s_birth;
    rng::DecisionStream s_labour_entry;
    rng::DecisionStream s_naturalisation;
  };

  /// One month of a person in the away pool: ageing, death at the state's mortality of their age
  /// and sex, and the end of the follow-up after the pool's bounded time (no state statistics).
  /// Returns false when the person leaves the pool.
  [[gnu::always_inline]] static bool away_month(const PersonRows& p, const Rates& k, std::size_t i,
                                                double u_death, std::span<double> t) {
    if (p.age[i] < INT16_MAX) ++p.age[i];
    const int years = std::min(p.age[i] / 12, k.max_age);
    const std::size_t d = p.district[i];
    if (u_death < k.death[static_cast<std::size_t>(years)][p.sex[i]]) {
      t[d * MonthFlows::kCount + MonthFlows::kAwayDeaths] += 1.0;
      return false;
    }
    if (++p.away[i] >= k.pool_months) {
      t[d * MonthFlows::kCount + MonthFlows::kAwayExpired] += 1.0;
      return false;
    }
    return true;
  }

  /// A resident who died, or a leaver whose follow-up ended before the sweep: dropped now in a
  /// sweep month, otherwise marked gone (every stage skips the row) and dropped at the next one.
  [[gnu::always_inline]] static void gone(const PersonRows& p, const Rates& k, std::size_t i,
                                          sim::BlockEffects& fx) {
    if (k.sweep) {
      fx.remove(i);
    } else {
      p.residence[i] = static_cast<std::uint8_t>(Residence::kGone);
    }
  }

  /// One month of the away pool (the dormant agents). Those who die or whose follow-up ends are
  /// marked gone and dropped at the next sweep, like the residents: removing rows compacts the
  /// whole store, and the pool loses some every month (about 4,000 expiries at full scale).
  void away_kernel(const PersonRows& rows_in, const Rates& rates_in, const sched::BlockRange& r,
                   sim::BlockEffects& fx) const {
    const PersonRows p = rows_in;
    const Rates k = rates_in;
    auto t = fx.tally();
    rng::for_rows_with_first_uniform(
        k.s_death, p.key, r.begin, r.end, [&](std::size_t i, double u_death) {
          if (p.residence[i] == static_cast<std::uint8_t>(Residence::kGone)) {
            if (k.sweep) fx.remove(i);
            return;
          }
          if (!away_month(p, k, i, u_death, t)) gone(p, k, i, fx);
        });
  }

  void kernel(const PersonRows& rows_in, const Rates& rates_in, const sched::BlockRange& r,
              sim::BlockEffects& fx) const {
    const PersonRows p = rows_in;
    const Rates k = rates_in;
    auto t = fx.tally();
    auto add = [&](std::size_t d, MonthFlows::Kind kind) {
      t[d * MonthFlows::kCount + kind] += 1.0;
    };
    // Everyone present draws "death" every month: that number comes pre-filled (u_death).
    rng::for_rows_with_first_uniform(
        k.s_death, p.key, r.begin, r.end, [&](std::size_t i, double u_death) {
          const std::uint8_t residence = p.residence[i];
          if (residence != static_cast<std::uint8_t>(Residence::kPresent)) {
            if (residence == static_cast<std::uint8_t>(Residence::kGone)) {
              if (k.sweep) fx.remove(i);
              return;
            }
            // Left since the last sweep: in the away pool, which the sweep moves them to.
            if (!away_month(p, k, i, u_death, t)) {
              gone(p, k, i, fx);
            } else if (k.sweep) {
              fx.transfer(i);
            }
            return;
          }
          if (p.age[i] < INT16_MAX) ++p.age[i];
          const int years = std::min(p.age[i] / 12, k.max_age);
          const std::size_t d = p.district[i];
          if (p.here[i] >= 0 && p.here[i] < INT16_MAX) ++p.here[i];
          // u_death is the first number of the agent's "death" generator (its bernoulli).
          if (u_death < k.death[static_cast<std::size_t>(years)][p.sex[i]]) {
            add(d, MonthFlows::kDeaths);
            if (p.status[i] == static_cast<std::uint8_t>(Status::kEmployed))
              add(d, MonthFlows::kEmployedExits);
            if (p.housed[i] == housing::kOwnCode) add(d, MonthFlows::kHousedExits);
            gone(p, k, i, fx);
            return;
          }
          // Only where the fertility table is positive (no draw for girls or older women).
          if (p.sex[i] == static_cast<std::uint8_t>(Sex::kFemale) && years < k.birth_ages &&
              k.birth[static_cast<std::size_t>(years)] > 0) {
            rng::Draw birth = k.s_birth(p.key[i]);
            if (birth.bernoulli(k.birth[static_cast<std::size_t>(years)])) {
              spawn_child(fx, p.key[i], k.tick, p.district[i], p.nationality[i], p.ties[i],
                          birth.uniform() < k.male_share);
              add(d, MonthFlows::kBirths);
            }
          }
          if (p.age[i] == k.entry && p.status[i] == static_cast<std::uint8_t>(Status::kChild)) {
            rng::Draw draw = k.s_labour_entry(p.key[i]);
            p.status[i] = static_cast<std::uint8_t>(
                draw.bernoulli(k.participation) ? Status::kUnemployed : Status::kInactive);
            // A qualification as the adult population has it (in reality acquired over the next
            // years; docs/model.md). Arrivals keep the one they came with.
            if (p.qualification[i] == static_cast<std::uint8_t>(Qualification::kUnknown)) {
              p.qualification[i] =
                  labour::draw_qualification(s_, Status::kInactive, draw.uniform());
            }
          }
          // Naturalisation: foreign residents past the residence minimum (persons here since
          // birth, months_here < 0, never: they are German or take the mother's nationality).
          if (p.nationality[i] != static_cast<std::uint8_t>(Nationality::kGerman) &&
              p.here[i] >= k.naturalisation_after) {
            rng::Draw draw = k.s_naturalisation(p.key[i]);
            if (draw.bernoulli(k.naturalisation)) {
              p.nationality[i] = static_cast<std::uint8_t>(Nationality::kGerman);
              add(d, MonthFlows::kNaturalisations);
            }
          }
          if (p.status[i] != static_cast<std::uint8_t>(Status::kRetired) &&
              p.status[i] != static_cast<std::uint8_t>(Status::kChild) &&
              p.age[i] >= k.retirement_months(p.age[i])) {
            if (p.status[i] == static_cast<std::uint8_t>(Status::kEmployed))
              add(d, MonthFlows::kEmployedExits);
            p.status[i] = static_cast<std::uint8_t>(Status::kRetired);
          }
        });
  }

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
    sp.span(c.housed)[j] = housing::kDependentCode;
    sp.span(c.language)[j] = 4;
    sp.span(c.channel)[j] = static_cast<std::uint8_t>(Channel::kBorn);
  }

  ModelState& s_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_demography_stage(ModelState& state) {
  return std::make_unique<DemographyStage>(state);
}

}  // namespace brocken::migration
