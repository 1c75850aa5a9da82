// The housing market's monthly stage (a market stage, engine/sim/market.hpp):
//  1. per district: dwellings released by households that ended this month (deaths, departures,
//     moves, counted by those stages as MonthFlows::kHousedExits) return to the usable stock;
//     completions add to it; demolition takes a share of the idle vacant stock; the usable part of
//     the vacant stock moves towards vacancy_available_share;
//  2. gather: children reaching the household age begin to search a dwelling of their own; every
//     searcher receives an offer with probability 1 - exp(-scale x usable vacancy rate x weight),
//     weight = the social network's (integration.hpp, ties_weight); a foreign applicant without
//     a job signal is rejected because of discrimination with the chance of the field
//     experiment's penalty (an event: no offer this month, and the applicant experiences
//     discrimination);
//  3. clear: at most as many searchers per district as its usable stock can house take a dwelling,
//     in the order of keyed random priorities;
//  4. apply: adults take dwellings_per_adult each (children move in with their household).
#include <algorithm>
#include <cmath>

#include "engine/sim/market.hpp"
#include "models/migration/housing/housing.hpp"
#include "models/migration/integration.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

using housing::Flows;

class HousingStage final : public sim::Stage {
 public:
  explicit HousingStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "housing"; }

  void run(sim::StepContext& ctx) override {
    const PersonRows rows(*ctx.agents, s_.cols);
    housing::HousingState& H = s_.housing;
    const auto& p = s_.params.housing;
    const std::size_t nd = s_.n_districts();
    const double per_adult = H.dwellings_per_adult;
    const int year = s_.calendar(ctx.tick).first;
    std::fill(H.flows.begin(), H.flows.end(), 0.0);

    // 1. The stock.
    for (std::size_t d = 0; d < nd; ++d) {
      housing::DistrictHousing& h = H.districts[d];
      const double released = per_adult * s_.flow(d, MonthFlows::kHousedExits);
      h.occupied -= released;
      h.usable += released;
      double built = H.construction(d, year, p.construction_change_per_year);
      // Dwellings that policies added (stock lever housing.dwellings, in dwellings at full
      // scale) join the stock as completions when they become effective; what a policy removes
      // (an expiry, a negative amount) leaves as demolitions of vacant dwellings, usable first.
      const double policy_change = s_.board.stock_change(s_.levers.dwellings, d) * s_.scale;
      if (policy_change > 0.0) built += policy_change;
      h.stock += built;
      h.usable += built;
      double demolished = H.demolition_per_month * h.idle;
      h.idle -= demolished;
      h.stock -= demolished;
      if (policy_change < 0.0) {
        const double gone = std::min(-policy_change, h.usable + h.idle);
        const double from_usable = std::min(gone, h.usable);
        h.usable -= from_usable;
        h.idle -= gone - from_usable;
        h.stock -= gone;
        demolished += gone;
      }
      const double made_usable =
          (p.vacancy_available_share * h.vacant() - h.usable) / p.usable_adjustment_months;
      h.usable += made_usable;
      h.idle -= made_usable;
      H.flow(d, Flows::kReleased) += released;
      H.flow(d, Flows::kBuilt) += built;
      H.flow(d, Flows::kDemolished) += demolished;
    }

    // 2. Searchers and their offers.
    rate_.assign(nd, 0.0);
    for (std::size_t d = 0; d < nd; ++d) {
      const double lever = std::max(0.0, s_.lever(s_.levers.housing_offers, d));
      const housing::DistrictHousing& h = H.districts[d];
      rate_[d] = h.stock > 0 ? H.offer_scale * std::max(0.0, h.usable) / h.stock * lever : 0.0;
    }
    const rng::DecisionStream s_search = ctx.stream(housing::kSearch);
    const int adult_months = p.household_min_age_years * 12;
    const bool employed_removes_penalty = p.employed_removes_penalty;
    const double tw = s_.params.integration.ties_housing_weight;
    rejected_.assign(nd, 0.0);
    for (std::size_t d = 0; d < nd; ++d) {
      rejected_[d] =
          std::min(1.0, p.discrimination_penalty *
                            std::max(0.0, s_.lever(s_.levers.discrimination_incidence, d)));
    }
    market_.gather(
        ctx, nd, nd,
        [&](const sched::BlockRange& r, sim::CellMarket::Emitter& emit, std::span<double> events) {
          // Locals, so that they stay in registers (see PersonRows).
          const PersonRows q = rows;
          const rng::DecisionStream stream = s_search;
          const double* const rate = rate_.data();
          const double* const rejected = rejected_.data();
          for (std::size_t i = r.begin; i < r.end; ++i) {
            if (q.residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) {
              if (q.search[i] != 0) q.search[i] = 0;  // a search ends with the move away
              continue;
            }
            std::uint8_t h = q.housed[i];
            if (h == housing::kDependentCode && q.age[i] >= adult_months) {
              h = housing::kSharedCode;  // leaves the parental home: searches a dwelling
              q.housed[i] = h;
            }
            if (!housing::searching(h)) continue;
            if (q.search[i] < UINT8_MAX) ++q.search[i];
            const double w = ties_weight(tw, network_ties(q.ties[i], q.coethnic[i]));
            const std::size_t d = q.district[i];
            rng::Draw draw = stream(q.key[i]);
            if (!(draw.uniform() < -std::expm1(-rate[d] * w))) continue;
            if (q.nationality[i] != static_cast<std::uint8_t>(Nationality::kGerman) &&
                !(employed_removes_penalty &&
                  q.status[i] == static_cast<std::uint8_t>(Status::kEmployed)) &&
                draw.uniform() < rejected[d]) {
              // The offer is withheld because of discrimination.
              q.discriminated[i] = 1;
              events[d] += 1;
              continue;
            }
            emit(static_cast<std::uint32_t>(d), draw.uniform(), q.key[i], i);
          }
        });

    for (std::size_t d = 0; d < nd; ++d)
      s_.flow(d, MonthFlows::kDiscriminationHousing) += market_.tallies()[d];

    // 3. At most as many as the usable stock can house (adults hold per_adult dwellings).
    capacity_.assign(nd, 0);
    for (std::size_t d = 0; d < nd; ++d) {
      const double fits = std::max(0.0, H.districts[d].usable) / per_adult;
      capacity_[d] = static_cast<std::size_t>(std::floor(fits));
    }
    // 4. Apply.
    for (const std::uint32_t row : market_.clear(ctx, capacity_)) {
      const std::size_t d = rows.district[row];
      H.flow(d, Flows::kLettings) += 1.0;
      H.flow(d, Flows::kSearchMonths) += rows.search[row];
      rows.search[row] = 0;
      if (rows.age[row] >= adult_months) {
        rows.housed[row] = housing::kOwnCode;
        H.districts[d].usable -= per_adult;
        H.districts[d].occupied += per_adult;
        H.flow(d, Flows::kTaken) += per_adult;
      } else {
        rows.housed[row] = housing::kDependentCode;
      }
    }
  }

 private:
  ModelState& s_;
  sim::CellMarket market_;
  std::vector<std::size_t> capacity_;
  std::vector<double> rate_;
  std::vector<double> rejected_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_housing_stage(ModelState& state) {
  return std::make_unique<HousingStage>(state);
}

}  // namespace brocken::migration
