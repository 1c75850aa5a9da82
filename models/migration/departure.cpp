// Departure across the state border (a pass over the residents) and return from the away pool (a
// pass over the engine's dormant agents, which moves returners back among the residents).
//
// Leaving: h = base[group] * m_i / M[group], with m_i = age_band[band] * early * channel[c] *
// exp(b'x_i) and M[group] the mean of m over the group's members in the initial population
// (computed once in model set-up, where everyone's channel is "initial", factor 1), so that the
// base hazard is the group's observed outflow rate at the start (docs/model.md, "Departure").
// Covariates x: employed, unhoused, ties, discriminated, recognised, German level.
#include "models/migration/departure.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <vector>

#include "models/migration/integration.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {

double departure_covariate_factor(const DepartureParams& p, bool employed, bool unhoused,
                                  float ties, bool discriminated, bool recognised,
                                  std::uint8_t language) noexcept {
  const double x =
      p.coef_employed * (employed ? 1.0 : 0.0) + p.coef_unhoused * (unhoused ? 1.0 : 0.0) +
      p.coef_ties * static_cast<double>(ties) + p.coef_discriminated * (discriminated ? 1.0 : 0.0) +
      p.coef_recognised * (recognised ? 1.0 : 0.0) + p.coef_language * language;
  return std::exp(x);
}

double departure_multiplier(const DepartureParams& p, const DepartureCase& c) noexcept {
  return departure_age_factor(p, c.age_months, c.months_here) *
         p.channel_multipliers[std::min<std::size_t>(c.channel, kChannels - 1)] *
         departure_covariate_factor(p, c.employed, c.unhoused, c.ties, c.discriminated,
                                    c.recognised, c.language);
}

StoreDepartureMultiplier::StoreDepartureMultiplier(const DepartureParams& p,
                                                   const storage::ColumnStore& store,
                                                   const PersonColumns& c)
    : p_(&p),
      covariates_(std::make_unique<DepartureCovariates>(p)),
      age_(store.span(c.age_months)),
      here_(store.span(c.months_here)),
      channel_(store.span(c.channel)),
      language_(store.span(c.language)),
      status_(store.span(c.status)),
      housed_(store.span(c.housed)),
      discriminated_(store.span(c.discriminated)),
      recognition_(store.span(c.recognition)),
      ties_(store.span(c.ties)),
      coethnic_(store.span(c.ties_coethnic)) {}

double StoreDepartureMultiplier::operator()(std::size_t i) noexcept {
  // departure_multiplier() with the memoised covariate factor (the same values).
  return departure_age_factor(*p_, age_[i], here_[i]) *
         p_->channel_multipliers[std::min<std::size_t>(channel_[i], kChannels - 1)] *
         (*covariates_)(status_[i] == static_cast<std::uint8_t>(Status::kEmployed), housed_[i] == 0,
                        network_ties(ties_[i], coethnic_[i]), discriminated_[i] != 0,
                        recognition_[i] == static_cast<std::uint8_t>(Recognition::kFull),
                        language_[i]);
}

namespace {

class DepartureStage final : public sim::Stage {
 public:
  explicit DepartureStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "departure"; }

  void run(sim::StepContext& ctx) override {
    const PersonRows rows(*ctx.agents, s_.cols);
    const auto& p = s_.params.departure;
    // The levers by district (a policy may move them in some districts only).
    const std::size_t nd = s_.n_districts();
    lever_leave_.resize(nd);
    lever_return_.resize(nd);
    double leave_max = 0, return_max = 0;
    for (std::size_t d = 0; d < nd; ++d) {
      lever_leave_[d] = s_.lever(s_.levers.departure_hazard, d);
      lever_return_[d] = s_.lever(s_.levers.return_hazard, d);
      leave_max = std::max(leave_max, lever_leave_[d]);
      return_max = std::max(return_max, lever_return_[d]);
    }
    Rates rates{.p = p,
                .lever_leave = lever_leave_.data(),
                .lever_return = lever_return_.data(),
                .lever_leave_max = leave_max,
                .lever_return_max = return_max,
                .base = {p.base_hazard_german / s_.departure_norm[0],
                         p.base_hazard_foreign / s_.departure_norm[1]},
                .abroad = {p.abroad_share_german, p.abroad_share_foreign},
                .ret = {p.return_hazard_german, p.return_hazard_foreign},
                .entry = static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0),
                .tick = ctx.tick,
                .s_leave = ctx.stream(decisions::kLeave),
                .bound = 0,
                .channel_at = s_.channel_offset()};
    rates.bound = std::max(hazard_bound(rates), std::max(rates.ret[0], rates.ret[1]) *
                                                    rates.lever_return_max * (1 + 1e-9));
    const std::size_t n_tallies = s_.flow_slots();
    s_.add_flows(ctx.for_agents(n_tallies, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
      kernel(rows, rates, r, fx);
    }));
    // Returns from the away pool (the dormant agents) after the departures, so that nobody
    // returns and leaves in the same month; returners join the residents (appended).
    const PersonRows away(*ctx.dormant, s_.cols);
    s_.add_flows(ctx.for_dormant(n_tallies, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
      return_kernel(away, rates, r, fx);
    }));
  }

 private:
  /// Everything the kernel reads besides the columns, copied into the block function so that it
  /// lives in registers (see PersonRows).
  struct Rates {
    DepartureParams p;
    const double* lever_leave;   ///< departure.foreign_hazard by district
    const double* lever_return;  ///< departure.return_hazard by district
    double lever_leave_max;      ///< their largest values
    double lever_return_max;
    std::array<double, 2> base;
    std::array<double, 2> abroad;
    std::array<double, 2> ret;
    int entry;
    std::int32_t tick;
    rng::DecisionStream s_leave;
    double bound;            ///< no resident's monthly hazard exceeds it (hazard_bound)
    std::size_t channel_at;  ///< offset of the flows by channel in the tallies
  };

  /// An upper bound of every resident's leaving hazard this month: the largest base hazard times
  /// its lever, the largest age-band multiplier, the early-years multiplier and the largest
  /// covariate factor (each covariate lies in [0, 1], so exp(sum of the positive coefficients)).
  /// A resident whose number of the month is above it stays, whatever the other columns say, so
  /// the kernel reads them only for the few below it. Slightly enlarged against rounding.
  static double hazard_bound(const Rates& r) {
    const DepartureParams& p = r.p;
    double band = 0;
    for (const double m : p.age_band_multipliers) band = std::max(band, m);
    const double covariates =
        std::exp(std::max(0.0, p.coef_employed) + std::max(0.0, p.coef_unhoused) +
                 std::max(0.0, p.coef_ties) + std::max(0.0, p.coef_discriminated) +
                 std::max(0.0, p.coef_recognised) + std::max(0.0, 4.0 * p.coef_language));
    double channel = 0;
    for (const double m : p.channel_multipliers) channel = std::max(channel, m);
    const double base = std::max(r.base[0], r.base[1] * r.lever_leave_max);
    return base * band * std::max(1.0, p.early_years_multiplier) * channel * covariates *
           (1 + 1e-9);
  }

  void kernel(const PersonRows& rows_in, const Rates& rates, const sched::BlockRange& r,
              sim::BlockEffects& fx) const {
    const PersonRows p = rows_in;
    const double* const lever_leave = rates.lever_leave;
    const std::array<double, 2> base = rates.base;
    const std::array<double, 2> abroad = rates.abroad;
    DepartureCovariates covariates(rates.p);
    const AgeBandShares band_multiplier = rates.p.age_band_multipliers;
    const std::array<double, kChannels> channel_multiplier = rates.p.channel_multipliers;
    const int early_months = rates.p.early_years_months;
    const double early_multiplier = rates.p.early_years_multiplier;
    const rng::DecisionStream s_leave = rates.s_leave;
    const double bound = rates.bound;
    const std::size_t channel_at = rates.channel_at;
    auto t = fx.tally();
    auto add = [&](std::size_t d, MonthFlows::Kind k) { t[d * MonthFlows::kCount + k] += 1.0; };
    // Every resident draws one number a month here (the away pool draws it in return_kernel): it
    // comes pre-filled (u_leave).
    rng::for_rows_with_first_uniform(
        s_leave, p.key, r.begin, r.end, [&](std::size_t i, double u_leave) {
          if (!(u_leave < bound)) return;  // stays, whatever the hazard (hazard_bound)
          const std::uint8_t residence = p.residence[i];
          if (residence != static_cast<std::uint8_t>(Residence::kPresent)) {
            // In the away pool but not yet moved to it (the demography stage's sweep): the
            // return decision, as for the pool (return_kernel). The gone do nothing.
            if (is_away(residence)) (void)comes_back(p, rates, i, u_leave, t);
            return;
          }
          const std::size_t d = p.district[i];
          const std::size_t g =
              p.nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
          const bool employed = p.status[i] == static_cast<std::uint8_t>(Status::kEmployed);
          // departure_age_factor() on the local copies.
          double age_factor = band_multiplier[static_cast<std::size_t>(age_band_of(p.age[i] / 12))];
          if (p.here[i] >= 0 && p.here[i] < early_months) age_factor *= early_multiplier;
          const double m =
              age_factor * channel_multiplier[p.channel[i]] *
              covariates(employed, p.housed[i] == 0, network_ties(p.ties[i], p.coethnic[i]),
                         p.discriminated[i] != 0,
                         p.recognition[i] == static_cast<std::uint8_t>(Recognition::kFull),
                         p.language[i]);
          const double lever = g == 1 ? lever_leave[d] : 1.0;
          // u_leave is the first number of the agent's "leave" generator (its bernoulli).
          if (!(u_leave < base[g] * m * lever)) return;
          rng::Draw draw = s_leave(p.key[i]);
          (void)draw.uniform();
          const bool to_abroad = draw.uniform() < abroad[g];
          p.residence[i] = static_cast<std::uint8_t>(to_abroad ? Residence::kAwayAbroad
                                                               : Residence::kAwayGermany);
          p.away[i] = 0;
          add(d, to_abroad ? MonthFlows::kDeparturesAbroad : MonthFlows::kDeparturesGermany);
          if (g == 1) add(d, MonthFlows::kDeparturesForeign);
          t[channel_at +
            (to_abroad ? ChannelFlows::kDeparturesAbroad : ChannelFlows::kDeparturesGermany) *
                kChannels +
            p.channel[i]] += 1.0;
          if (employed) {
            add(d, MonthFlows::kEmployedExits);
            p.status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
          }
          if (p.housed[i] == housing::kOwnCode) add(d, MonthFlows::kHousedExits);
          p.housed[i] = housing::kTemporaryCode;
        });
  }

  /// Returns from the away pool: the person's number of the month (the first of its "leave"
  /// generator, one decision per person and month: leave when present, return when away).
  void return_kernel(const PersonRows& rows_in, const Rates& rates, const sched::BlockRange& r,
                     sim::BlockEffects& fx) const {
    const PersonRows p = rows_in;
    auto t = fx.tally();
    rng::for_rows_with_first_uniform(
        rates.s_leave, p.key, r.begin, r.end, [&](std::size_t i, double u_leave) {
          // The gone (died or follow-up ended) wait for the demography stage's sweep.
          if (is_away(p.residence[i]) && comes_back(p, rates, i, u_leave, t)) fx.transfer(i);
        });
  }

  /// The return decision of a person in the away pool with the month's number u_leave; on a
  /// return, the person becomes a resident again (a newcomer in temporary housing, unemployed
  /// if of working age). Returns true on a return.
  bool comes_back(const PersonRows& p, const Rates& rates, std::size_t i, double u_leave,
                  std::span<double> t) const {
    const std::size_t g =
        p.nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
    const std::size_t d = p.district[i];
    if (!(u_leave < rates.ret[g] * rates.lever_return[d])) return false;
    auto add = [&](MonthFlows::Kind k) { t[d * MonthFlows::kCount + k] += 1.0; };
    add(p.residence[i] == static_cast<std::uint8_t>(Residence::kAwayAbroad)
            ? MonthFlows::kReturnsAbroad
            : MonthFlows::kReturnsGermany);
    p.residence[i] = static_cast<std::uint8_t>(Residence::kPresent);
    p.away[i] = 0;
    p.here[i] = 0;  // the stay starts again; arrival_tick keeps the first arrival (cohorts)
    p.housed[i] = housing::kTemporaryCode;
    p.before[i] = 1;
    // Of working age: searching; past the cohort's retirement age (reached while away): retired.
    if (p.age[i] >= rates.entry) {
      p.status[i] = static_cast<std::uint8_t>(p.age[i] < s_.retirement_months(rates.tick, p.age[i])
                                                  ? Status::kUnemployed
                                                  : Status::kRetired);
    }
    add(MonthFlows::kArrivals);
    add(MonthFlows::kReturns);
    if (g == 1) add(MonthFlows::kArrivalsForeign);
    t[rates.channel_at + ChannelFlows::kReturns * kChannels + p.channel[i]] += 1.0;
    return true;
  }

  ModelState& s_;
  std::vector<double> lever_leave_;   ///< departure.foreign_hazard by district, this month
  std::vector<double> lever_return_;  ///< departure.return_hazard by district, this month
};

}  // namespace

void seed_away_pool(const ModelState& s, const storage::ColumnStore& residents,
                    storage::ColumnStore& away, const rng::RunKey& run) {
  const auto& p = s.params.departure;
  const auto& c = s.cols;
  const std::size_t n = residents.size();
  const auto nationality = residents.span(c.nationality);
  const auto age = residents.span(c.age_months);
  // Each resident's departure hazard at the start (the stage's formula without levers), summed.
  std::vector<double> cumulative(n, 0.0);
  {
    StoreDepartureMultiplier multiplier(p, residents, c);
    const std::array<double, 2> base{p.base_hazard_german / s.departure_norm[0],
                                     p.base_hazard_foreign / s.departure_norm[1]};
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t g =
          nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
      total += base[g] * multiplier(i);
      cumulative[i] = total;
    }
  }
  if (n == 0 || !(cumulative.back() > 0) || p.seed_leavers_per_year <= 0) return;
  // Every seeded person's numbers, in (month, sequence) order: the point on the cumulative
  // hazard that picks its template, whether it is still away, whether abroad.
  struct Drawn {
    double target;
    double u_stay;
    double u_abroad;
    std::uint64_t key;
    std::int16_t months;
  };
  std::vector<Drawn> drawn;
  const double per_month = p.seed_leavers_per_year / 12.0 * s.scale;
  constexpr std::uint64_t kSeedStream = 0xffffU;  // not a key stream of arrival.cpp (< 2^16)
  const rng::DecisionStream stream(run, -1, decisions::kInitAttributes);
  double carry = 0;
  for (int m = 1; m < p.away_pool_months; ++m) {
    const double total = carry + per_month;
    const auto whole = static_cast<std::uint64_t>(std::floor(total));
    carry = total - static_cast<double>(whole);
    for (std::uint64_t k = 0; k < whole; ++k) {
      const std::uint64_t key = rng::agent_key::arrival(kSeedStream, -m, k);
      rng::Draw draw = stream(key);
      const double target = draw.uniform() * cumulative.back();
      const double u_stay = draw.uniform();
      const double u_abroad = draw.uniform();
      drawn.push_back({target, u_stay, u_abroad, key, static_cast<std::int16_t>(m)});
    }
  }
  // Templates: the first row whose cumulative hazard exceeds the target (as upper_bound), found
  // in one sweep over the rows for the targets in ascending order (a binary search per person
  // misses the cache on every step).
  std::vector<std::pair<double, std::size_t>> order(drawn.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = {drawn[k].target, k};
  std::sort(order.begin(), order.end());
  std::vector<std::size_t> template_row(drawn.size(), 0);
  std::size_t row = 0;
  for (const auto& [target, k] : order) {
    while (row + 1 < n && !(target < cumulative[row])) ++row;
    template_row[k] = row;
  }
  // Still away after m months: (1 - return hazard)^m, by group and month.
  std::array<std::vector<double>, 2> keep;
  for (std::size_t g = 0; g < 2; ++g) {
    const double ret = g == 0 ? p.return_hazard_german : p.return_hazard_foreign;
    keep[g].resize(static_cast<std::size_t>(std::max(1, p.away_pool_months)));
    for (std::size_t m = 0; m < keep[g].size(); ++m)
      keep[g][m] = std::pow(1.0 - ret, static_cast<double>(m));
  }
  // Who is still away (a resident's row may be drawn more than once), in (month, sequence) order.
  struct Seeded {
    std::size_t row;
    std::int16_t months;
    std::uint64_t key;
    bool abroad;
  };
  std::vector<Seeded> seeded;
  seeded.reserve(drawn.size());
  for (std::size_t k = 0; k < drawn.size(); ++k) {
    const Drawn& x = drawn[k];
    const std::size_t r = template_row[k];
    const std::size_t g = nationality[r] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
    if (!(x.u_stay < keep[g][static_cast<std::size_t>(x.months)])) continue;  // returned before
    if (static_cast<int>(age[r]) + x.months > INT16_MAX) continue;
    seeded.push_back({r, x.months, x.key,
                      x.u_abroad < (g == 0 ? p.abroad_share_german : p.abroad_share_foreign)});
  }
  std::vector<std::size_t> rows;
  rows.reserve(seeded.size());
  for (const auto& x : seeded) rows.push_back(x.row);
  const std::size_t first = away.size();
  away.append_rows_of(residents, rows);
  auto key = away.span(c.key);
  auto away_age = away.span(c.age_months);
  auto away_months = away.span(c.away_months);
  auto residence = away.span(c.residence);
  auto status = away.span(c.status);
  auto housed = away.span(c.housed);
  const int entry = static_cast<int>(s.params.demography.labour_entry_age_years * 12.0);
  for (std::size_t k = 0; k < seeded.size(); ++k) {
    const std::size_t i = first + k;
    key[i] = seeded[k].key;
    away_age[i] = static_cast<std::int16_t>(away_age[i] + seeded[k].months);
    away_months[i] = seeded[k].months;
    residence[i] = static_cast<std::uint8_t>(seeded[k].abroad ? Residence::kAwayAbroad
                                                              : Residence::kAwayGermany);
    // As the departure stage leaves them: no job in the state, no dwelling in it; aged m months
    // since (a child may have reached working age, an adult the retirement age).
    const int a = away_age[i];
    if (a < entry) {
      status[i] = static_cast<std::uint8_t>(Status::kChild);
    } else if (a >= s.retirement_months(-1, a)) {
      status[i] = static_cast<std::uint8_t>(Status::kRetired);
    } else {
      status[i] = static_cast<std::uint8_t>(Status::kUnemployed);
    }
    housed[i] = housing::kTemporaryCode;
  }
}

std::unique_ptr<sim::Stage> make_departure_stage(ModelState& state) {
  return std::make_unique<DepartureStage>(state);
}

}  // namespace brocken::migration
