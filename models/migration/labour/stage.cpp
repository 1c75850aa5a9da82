// The labour market's monthly stage (a market stage, engine/sim/market.hpp):
//  1. agent-local: labour-market entrants get an occupation group; separations (employed ->
//     unemployed), exits of the unemployed into inactivity and re-entry of the inactive; the
//     employed are counted per cell (for the replacement demand); in the same pass, the
//     unemployed are gathered per cell with weighted keyed priorities (social network; for
//     foreign applicants language and recognition, regulated groups need recognition); a foreign
//     applicant's month is rejected because of discrimination with the chance that gives the
//     field experiment's callback penalty (an event: the applicant stays a candidate, behind all
//     others, and experiences discrimination; integration.hpp);
//  2. per cell: new vacancies (the exogenous inflow with its trend, plus the registered share of
//     the employed who retired, died or left this month, spread over the district's cells like
//     its employment);
//  3. clear: matches per cell from M = A_g U^alpha V^(1-alpha), A_g x the matching lever;
//  4. apply: the winners are employed, their vacancies filled; vacancies reaching the maximum age
//     are withdrawn.
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "engine/sim/market.hpp"
#include "models/migration/integration.hpp"
#include "models/migration/labour/labour.hpp"
#include "models/migration/stages.hpp"

namespace brocken::migration {
namespace {

using labour::CellFlows;

/// Foreign residents here for less than this count as newcomers in the network share of hires.
constexpr int kNewcomerMonths = 60;

class LabourStage final : public sim::Stage {
 public:
  explicit LabourStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "labour"; }

  void run(sim::StepContext& ctx) override {
    auto& a = *ctx.agents;
    const PersonRows rows(a, s_.cols);
    labour::LabourState& L = s_.labour;
    const auto& p = s_.params.labour;
    const std::size_t nd = L.districts;
    const std::size_t ng = L.groups;
    const std::size_t cells = nd * ng;
    constexpr auto kPresent = static_cast<std::uint8_t>(Residence::kPresent);
    constexpr auto kEmployed = static_cast<std::uint8_t>(Status::kEmployed);
    constexpr auto kUnemployed = static_cast<std::uint8_t>(Status::kUnemployed);
    constexpr auto kInactive = static_cast<std::uint8_t>(Status::kInactive);
    constexpr auto kGerman = static_cast<std::uint8_t>(Nationality::kGerman);

    // 1. Entrants' occupations, separations, inactivity flows (agent-local); employed per cell;
    // and in the same pass over the rows, the unemployed of the month's end list themselves as
    // candidates of their cell with weighted keyed priorities (the matching in 4 needs only the
    // counts and the vacancies of 2).
    const rng::DecisionStream s_occupation = ctx.stream(labour::kOccupation);
    const rng::DecisionStream s_transition = ctx.stream(labour::kTransition);
    const rng::DecisionStream s_priority = ctx.stream(labour::kPriority);
    const int entry = static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0);
    // The trend of labour demand (registered vacancy inflow) from the start to the end of
    // vacancy_inflow_change_until_year: it scales the exogenous registered vacancies and, as
    // registered vacancies are a fixed share of all, the jobs not registered with the BA that the
    // unemployed take.
    const int start_index = s_.start.index();
    const int until_index = (p.vacancy_inflow_change_until_year + 1) * 12;  // January after
    const int trend_months =
        std::max(0, std::min(start_index + ctx.tick, until_index) - start_index);
    const double trend =
        std::pow(1.0 + p.vacancy_inflow_change_per_year, static_cast<double>(trend_months) / 12.0);
    const double to_job = L.to_job * trend;
    const double to_inactive = to_job + L.to_inactive;  // cumulative: u < to_job, then inactivity
    const double reentry = L.reentry;
    const double lw = p.language_weight_per_level;
    const double partial = p.partial_recognition_weight;
    const double tw = s_.params.integration.ties_job_weight;
    // The discrimination event's chance per district (the lever integration.discrimination_
    // incidence scales it), and its tally after the cells' (cells * 3 + district).
    rejected_.assign(nd, 0.0);
    for (std::size_t d = 0; d < nd; ++d) {
      rejected_[d] =
          std::min(1.0, labour_discrimination_chance(p.discrimination_callback_penalty) *
                            std::max(0.0, s_.lever(s_.levers.discrimination_incidence, d)));
    }
    const double* const rejected = rejected_.data();
    constexpr auto kPendingCode = static_cast<std::uint8_t>(Recognition::kPending);
    constexpr auto kPartialCode = static_cast<std::uint8_t>(Recognition::kPartial);
    constexpr auto kNoneCode = static_cast<std::uint8_t>(Recognition::kNone);
    const auto& counts = market_.gather(
        ctx, cells, cells * 3 + nd,
        [&](const sched::BlockRange& r, sim::CellMarket::Emitter& emit, std::span<double> t) {
          const PersonRows q = rows;
          // Most rows draw the month's transition: the numbers come pre-filled (u).
          rng::for_rows_with_first_uniform(
              s_transition, q.key, r.begin, r.end, [&](std::size_t i, double u) {
                if (q.residence[i] != kPresent) return;
                const bool foreign = q.nationality[i] != kGerman;
                // Entrants this month get a target group from the district's mix of the
                // unemployed.
                if (q.age[i] == entry) {
                  q.occupation[i] = L.draw_group(L.unemployed_cdf, q.district[i], foreign,
                                                 s_occupation(q.key[i]).uniform());
                }
                const std::size_t g = q.occupation[i];
                const std::size_t cl = L.cell(q.district[i], g);
                const std::uint8_t st = q.status[i];
                if (st == kEmployed) {
                  if (u < L.separation_by_group[g]) {
                    q.status[i] = kUnemployed;
                    t[cl * 2 + 1] += 1;
                  } else {
                    t[cl * 2] += 1;
                  }
                } else if (st == kUnemployed) {
                  if (u < to_job) {
                    q.status[i] = kEmployed;
                    t[cells * 2 + cl] += 1;
                  } else if (u < to_inactive) {
                    q.status[i] = kInactive;
                  }
                } else if (st == kInactive) {
                  if (u < reentry) q.status[i] = kUnemployed;
                }
                if (q.status[i] != kUnemployed) return;
                double w = ties_weight(tw, network_ties(q.ties[i], q.coethnic[i]));
                if (foreign) {
                  w *= (1.0 + lw * q.language[i]) / (1.0 + lw * 4.0);
                  const std::uint8_t rec = q.recognition[i];
                  if (rec == kPartialCode || rec == kNoneCode || rec == kPendingCode) {
                    // Regulated jobs need a recognised qualification: only the other share is
                    // open.
                    w *= partial * (1.0 - L.regulated_share[g]);
                  }
                }
                if (!(w > 0)) return;
                rng::Draw draw = s_priority(q.key[i]);
                double priority = std::log(1.0 - draw.uniform()) / w;
                if (foreign && draw.uniform() < rejected[q.district[i]]) {
                  // Rejected because of discrimination: behind every other candidate.
                  priority = -std::numeric_limits<double>::infinity();
                  q.discriminated[i] = 1;
                  t[cells * 3 + q.district[i]] += 1;
                }
                emit(static_cast<std::uint32_t>(cl), priority, q.key[i], i);
              });
        });
    const std::vector<double>& tallies = market_.tallies();

    for (std::size_t d = 0; d < nd; ++d)
      s_.flow(d, MonthFlows::kDiscriminationLabour) += tallies[cells * 3 + d];

    // 2. New vacancies per cell.
    for (std::size_t d = 0; d < nd; ++d) {
      double employed_d = 0;
      for (std::size_t g = 0; g < ng; ++g) employed_d += tallies[L.cell(d, g) * 2];
      const double replacement = p.replacement_share * s_.flow(d, MonthFlows::kEmployedExits);
      for (std::size_t g = 0; g < ng; ++g) {
        const std::size_t cl = L.cell(d, g);
        const double share =
            employed_d > 0 ? tallies[cl * 2] / employed_d : 1.0 / static_cast<double>(ng);
        const double fresh = L.inflow[cl] * trend + replacement * share;
        L.vacancies[cl].add(fresh);
        L.flow(cl, CellFlows::kNewVacancies) += fresh;
        L.flow(cl, CellFlows::kSeparations) += tallies[cl * 2 + 1];
        L.flow(cl, CellFlows::kUnregisteredHires) += tallies[cells * 2 + cl];
      }
    }

    // 3. Clear: matches per cell.
    const double alpha = p.matching_elasticity;
    capacity_.assign(cells, 0);
    for (std::size_t cl = 0; cl < cells; ++cl) {
      const double lever = s_.lever(s_.levers.matching_efficiency, cl / ng);
      const double u = static_cast<double>(counts[cl]);
      const double v = L.vacancies[cl].total();
      double m = labour::matches(L.efficiency[cl % ng] * lever, alpha, u, v);
      m = std::min({m + L.carry[cl], u, v});
      const double whole = std::floor(m);
      L.carry[cl] = m - whole;
      capacity_[cl] = static_cast<std::size_t>(whole);
    }
    const auto& winners = market_.clear(ctx, capacity_);

    // 4. Apply: hires fill vacancies; then the month ends for the vacancies.
    std::vector<double>& hired = hired_;
    hired.assign(cells, 0.0);
    for (const std::uint32_t row : winners) {
      rows.status[row] = kEmployed;
      const std::size_t d = rows.district[row];
      hired[L.cell(d, rows.occupation[row])] += 1.0;
      s_.flow(d, MonthFlows::kHires) += 1.0;
      if (rows.nationality[row] != kGerman && rows.here[row] >= 0 &&
          rows.here[row] < kNewcomerMonths) {
        // The hiring weight's network part (tw n of 1 + tw n) is the chance that the job came
        // through the network (competing channels: formal 1, network tw n).
        const double x = tw * static_cast<double>(network_ties(rows.ties[row], rows.coethnic[row]));
        s_.flow(d, MonthFlows::kNewcomerHires) += 1.0;
        s_.flow(d, MonthFlows::kNewcomerHiresNetwork) += x / (1.0 + x);
      }
    }
    const int max_age = p.vacancy_max_age_months;
    for (std::size_t cl = 0; cl < cells; ++cl) {
      L.flow(cl, CellFlows::kHires) += hired[cl];
      L.flow(cl, CellFlows::kClosedMonths) += L.vacancies[cl].fill(hired[cl]);
      const double withdrawn = L.vacancies[cl].age_one_month();
      L.flow(cl, CellFlows::kWithdrawn) += withdrawn;
      L.flow(cl, CellFlows::kClosed) += hired[cl] + withdrawn;
      L.flow(cl, CellFlows::kClosedMonths) += withdrawn * max_age;
    }
  }

 private:
  ModelState& s_;
  sim::CellMarket market_;
  std::vector<std::size_t> capacity_;
  std::vector<double> hired_;
  std::vector<double> rejected_;
};

}  // namespace

std::unique_ptr<sim::Stage> make_labour_stage(ModelState& state) {
  return std::make_unique<LabourStage>(state);
}

}  // namespace brocken::migration
