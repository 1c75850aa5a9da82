// The admission pipeline in the model (admission.hpp).
#include "models/migration/admission/admission.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/migration/outputs.hpp"
#include "models/migration/state.hpp"

namespace brocken::migration::admission {
namespace {

double per_100k(const ModelState& s, std::size_t d) {
  return s.region->districts[d].population_base / 1e5 * s.scale;
}

/// Applications a month to district d (model units) without levers.
double demand(const ModelState& s, std::size_t d) {
  return s.params.arrival.skilled.applications_per_year / 12.0 * s.scale * s.application_share[d];
}

/// The group of an employer's job offer in district d: in proportion to the district's open
/// registered vacancies (the employers who look for staff), or like the foreign employed where
/// none is open.
std::uint8_t offer_group(const ModelState& s, std::size_t d, double u) {
  const auto& L = s.labour;
  const double open = L.open_in(d);
  if (!(open > 0)) return L.draw_group(L.employed_cdf, d, true, u);
  double acc = 0;
  std::size_t g = 0;
  for (; g + 1 < L.groups; ++g) {
    acc += L.vacancies[L.cell(d, g)].total() / open;
    if (u < acc) break;
  }
  return static_cast<std::uint8_t>(g);
}

/// One new application to district d in month `tick`, all numbers from its key.
Candidate apply(const ModelState& s, std::size_t d, std::int32_t tick, std::uint64_t key,
                const rng::RunKey& run, double accelerated_share) {
  const auto& p = s.params.arrival.skilled;
  rng::Draw draw(run, key, tick, decisions::kApplication);
  Candidate c;
  c.key = key;
  c.applied = static_cast<std::int16_t>(tick);
  c.ready = (static_cast<double>(tick) + draw.uniform()) * kDaysPerMonth;
  const bool academic = draw.uniform() < p.academic_share;
  const bool accelerated = draw.uniform() < accelerated_share;
  const bool offer = draw.uniform() < p.job_offer_share;
  c.occupation = offer_group(s, d, draw.uniform());
  // Recognition: every vocational qualification (a section 18a visa needs a recognised one);
  // an academic one in a regulated occupation (the group's regulated share).
  const double u_regulated = draw.uniform();
  const bool regulated =
      !s.labour.regulated_share.empty() && u_regulated < s.labour.regulated_share[c.occupation];
  const Channel channel = academic ? Channel::kBlueCard : Channel::kSkilledVisa;
  const auto& lang = s.params.arrival.channels[static_cast<std::size_t>(channel)].language;
  const double u_lang = draw.uniform();
  double acc = 0;
  c.language = 4;
  for (std::uint8_t k = 0; k < 4; ++k) {
    acc += lang[k];
    if (u_lang < acc) {
      c.language = k;
      break;
    }
  }
  const bool shortage = !s.admission.shortage.empty() && s.admission.shortage[c.occupation] != 0;
  unsigned flags = 0;
  if (academic) flags |= kAcademic;
  if (accelerated) flags |= kAccelerated;
  if (!academic || regulated) flags |= kNeedsRecognition;
  if (offer) flags |= kJobOffer;
  if (shortage) flags |= kShortage;
  c.flags = static_cast<std::uint8_t>(flags);
  c.step = static_cast<std::uint8_t>(next_step(c, 0));
  return c;
}

MonthRules rules_for(const ModelState& s, std::size_t d, std::int32_t tick) {
  const auto& p = s.params.arrival.skilled;
  MonthRules r;
  r.tick = tick;
  for (int k = 0; k < kSteps; ++k) {
    const auto ku = static_cast<std::size_t>(k);
    r.capacity[ku] = capacity(s, d, static_cast<Step>(k));
    if (k == static_cast<int>(Step::kAppointment) && r.capacity[ku] >= 0)
      r.capacity[ku] *= s.lever(s.levers.office_capacity, d);
    r.days[ku] = p.steps[ku].days;
    r.days_accelerated[ku] = p.steps[ku].days_accelerated;
  }
  r.abandon = p.abandon_per_month;
  r.recognition_full = p.recognition_full;
  r.recognition_none = p.recognition_none;
  r.selection = p.selection;
  r.selection.points_shortage += s.lever(s.levers.points_shortage, d);
  r.selection.min_points += s.lever(s.levers.min_points, d);
  return r;
}

}  // namespace

void derive_admission(ModelState& s) {
  const auto& p = s.params.arrival.skilled;
  const RegionData& r = *s.region;
  const std::size_t nd = r.districts.size();
  s.admission.districts.assign(nd, DistrictPipeline{});
  s.admission.shortage.assign(r.occupation_groups.size(), 0);
  for (const auto& name : p.shortage_groups)
    s.admission.shortage[r.occupation_group(name, "models.arrival.skilled.shortage_groups")] = 1;
  for (int k = 0; k < kSteps; ++k) {
    const StepParams& sp = p.steps[static_cast<std::size_t>(k)];
    double c = sp.capacity_per_100k_per_month;
    if (sp.calibrate_wait_months > 0) {
      // Demand reaching the step per 100,000 inhabitants, highest first: the applications less
      // those refused at recognition (vocational ones, and academic ones in a regulated group
      // in proportion to the district's registered vacancies by group, labour_cells.csv).
      const auto& cells = r.labour_year(s.params.labour.data_year);
      const std::size_t ng = r.occupation_groups.size();
      std::vector<double> regulated(ng, 0.0);
      for (const auto& reg : s.params.labour.regulated)
        regulated[r.occupation_group(reg.group, "models.labour.regulated_groups")] = reg.share;
      std::vector<double> rho;
      for (std::size_t d = 0; d < nd; ++d) {
        double v = 0, v_regulated = 0;
        for (std::size_t g = 0; g < ng; ++g) {
          v += cells[d * ng + g].vacancies;
          v_regulated += cells[d * ng + g].vacancies * regulated[g];
        }
        const double need =
            (1.0 - p.academic_share) + p.academic_share * (v > 0 ? v_regulated / v : 0.0);
        const double reaching =
            k > static_cast<int>(Step::kRecognition) ? 1.0 - need * p.recognition_none : 1.0;
        rho.push_back(p.applications_per_year / 12.0 * s.application_share[d] * reaching /
                      (r.districts[d].population_base / 1e5));
      }
      std::sort(rho.begin(), rho.end(), std::greater<>());
      const auto k_th = static_cast<std::size_t>(
          std::clamp(std::ceil(sp.calibrate_share_of_offices * static_cast<double>(nd)), 1.0,
                     static_cast<double>(nd)));
      const double hi = rho[k_th - 1];
      const double lo = k_th < nd ? rho[k_th] : hi;
      // A case at the end of a FIFO queue with abandonment r waits T with
      // dQ/dt = -c - r Q, i.e. T = ln(1 + r Q / c) / r = ln(rho / c) / r at the steady queue.
      c = std::sqrt(hi * lo) / std::exp(p.abandon_per_month * sp.calibrate_wait_months);
    }
    s.admission.capacity_per_100k[static_cast<std::size_t>(k)] = c;
  }
}

double capacity(const ModelState& s, std::size_t d, Step step) {
  const double c = s.admission.capacity_per_100k[static_cast<std::size_t>(step)];
  return c < 0 ? -1.0 : c * per_100k(s, d);
}

double expected_entries_per_month(const ModelState& s, std::size_t d) {
  double entries = demand(s, d);
  for (int k = 0; k < kSteps; ++k) {
    const double c = capacity(s, d, static_cast<Step>(k));
    if (c >= 0) entries = std::min(entries, c);
  }
  return entries;
}

void warm_up(ModelState& s, const rng::RunKey& run) {
  std::vector<Candidate> entered;
  const int months = s.params.arrival.skilled.warmup_months;
  for (std::int32_t t = -months; t < 0; ++t) {
    for (std::size_t d = 0; d < s.admission.districts.size(); ++d) {
      // The same key streams as the stage's (arrival.cpp: (district << 8) | 3).
      month(s, d, t, run, (static_cast<std::uint64_t>(d) << 8U) | 3U, entered);
      entered.clear();
    }
  }
  s.admission.clear_flows();
}

void month(ModelState& s, std::size_t d, std::int32_t tick, const rng::RunKey& run,
           std::uint64_t key_stream, std::vector<Candidate>& entered) {
  DistrictPipeline& p = s.admission.districts[d];
  const double accelerated = std::clamp(
      s.params.arrival.skilled.accelerated_share + s.lever(s.levers.accelerated_share, d), 0.0,
      1.0);
  const double expected = demand(s, d) * s.lever(s.levers.skilled_applications, d);
  const double total = p.application_carry + expected;
  const double whole = std::floor(total);
  p.application_carry = total - whole;
  const auto n = static_cast<std::uint64_t>(whole);
  for (std::uint64_t k = 0; k < n; ++k) {
    p.cases.push_back(
        apply(s, d, tick, rng::agent_key::arrival(key_stream, tick, k), run, accelerated));
  }
  p.flows.applications += static_cast<double>(n);
  advance(p, rules_for(s, d, tick), run, entered);
}

void declare_outputs(ModelOutputs& o) {
  using io::Measure;
  // A (district) flow: one of DistrictFlows' counters.
  const auto district_flow = [](double DistrictFlows::*member) {
    return per_district([member](const ReportView& v, std::size_t d) {
      return v.state.admission.districts[d].flows.*member;
    });
  };
  o.add({"skilled_pipeline",
         "arrival",
         {},
         "persons",
         "skilled-worker applications in the admission pipeline (waiting or in a step)",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          out[0] = static_cast<double>(v.state.admission.cases()) * v.state.weight;
        });
  o.add({"pipeline_applications",
         "arrival",
         {"district"},
         "persons",
         "new skilled-worker applications (job offers of the district's employers)",
         Measure::kFlow},
        district_flow(&DistrictFlows::applications));
  o.add({"pipeline_entries",
         "arrival",
         {"district", "occupation"},
         "persons",
         "skilled workers entering from the admission pipeline, by the occupation group of their "
         "job offer",
         Measure::kFlow},
        [](const ReportView& v, std::span<double> out) {
          const std::size_t ng = v.state.labour.groups;
          for (std::size_t d = 0; d < v.state.admission.districts.size(); ++d) {
            const auto& by = v.state.admission.districts[d].flows.entered_by_group;
            for (std::size_t g = 0; g < ng; ++g)
              out[d * ng + g] = (g < by.size() ? by[g] : 0.0) * v.state.weight;
          }
        });
  o.add({"pipeline_abandoned",
         "arrival",
         {"district"},
         "persons",
         "applications given up while waiting in a queue",
         Measure::kFlow},
        district_flow(&DistrictFlows::abandoned));
  o.add({"pipeline_procedure_duration",
         "arrival",
         {"district"},
         "days",
         "mean days from application to entry of the month's entrants (0 when none entered)",
         Measure::kMean},
        [](const ReportView& v, std::span<double> out) {
          for (std::size_t d = 0; d < out.size(); ++d) {
            const auto& f = v.state.admission.districts[d].flows;
            out[d] = f.entered > 0 ? f.procedure_days / f.entered : 0.0;
          }
        });
  const auto per_step = [](auto value) {
    return [value](const ReportView& v, std::span<double> out) {
      std::size_t i = 0;
      for (const auto& p : v.state.admission.districts) {
        for (int k = 0; k < kSteps; ++k) out[i++] = value(v, p, static_cast<std::size_t>(k));
      }
    };
  };
  o.add({"pipeline_queue",
         "arrival",
         {"district", "admission_step"},
         "persons",
         "cases in each step at the end of the month: waiting or taken up",
         Measure::kStock},
        per_step([](const ReportView& v, const DistrictPipeline& p, std::size_t k) {
          double n = 0;
          for (const Candidate& c : p.cases) n += c.step == k ? 1.0 : 0.0;
          return n * v.state.weight;
        }));
  o.add({"pipeline_waiting",
         "arrival",
         {"district", "admission_step"},
         "persons",
         "cases waiting in each step's queue at the end of the month (not yet taken up)",
         Measure::kStock},
        per_step([](const ReportView& v, const DistrictPipeline& p, std::size_t k) {
          double n = 0;
          for (const Candidate& c : p.cases) n += c.step == k && c.in_service == 0 ? 1.0 : 0.0;
          return n * v.state.weight;
        }));
  // The per-step flows: one of DistrictFlows' arrays, weighted to full scale.
  using StepFlow = std::array<double, kSteps> DistrictFlows::*;
  const auto step_flow = [&per_step](StepFlow member) {
    return per_step([member](const ReportView& v, const DistrictPipeline& p, std::size_t k) {
      return (p.flows.*member)[k] * v.state.weight;
    });
  };
  o.add({"pipeline_started",
         "arrival",
         {"district", "admission_step"},
         "persons",
         "cases taken up by each step during the month",
         Measure::kFlow},
        step_flow(&DistrictFlows::started));
  o.add({"pipeline_passed",
         "arrival",
         {"district", "admission_step"},
         "persons",
         "cases that completed each step with a positive result during the month "
         "(recognition: full or partial)",
         Measure::kFlow},
        step_flow(&DistrictFlows::passed));
  o.add({"pipeline_rejected",
         "arrival",
         {"district", "admission_step"},
         "persons",
         "cases refused by each step during the month (recognition: no equivalence; agency "
         "approval: below the selection's minimum points)",
         Measure::kFlow},
        step_flow(&DistrictFlows::rejected));
  o.add({"pipeline_wait",
         "arrival",
         {"district", "admission_step"},
         "days",
         "mean days the cases taken up during the month had waited in the step's queue (0 when "
         "none was taken up)",
         Measure::kMean},
        per_step([](const ReportView& /*v*/, const DistrictPipeline& p, std::size_t k) {
          return p.flows.started[k] > 0 ? p.flows.wait_days[k] / p.flows.started[k] : 0.0;
        }));
}

}  // namespace brocken::migration::admission
