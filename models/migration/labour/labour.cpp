// The labour market's parameters, state, calibration and outputs (labour.hpp); the monthly stage
// is in stage.cpp.
#include "models/migration/labour/labour.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "models/migration/admission/admission.hpp"
#include "models/migration/arrival.hpp"
#include "models/migration/departure.hpp"
#include "models/migration/outputs.hpp"
#include "models/migration/state.hpp"

namespace brocken::migration::labour {
namespace {

using scenario::Reader;

/// Cumulative distribution of `w` (uniform when all are 0), appended to `out`.
void append_cdf(const std::vector<double>& w, std::vector<double>& out) {
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  double acc = 0;
  for (std::size_t g = 0; g < w.size(); ++g) {
    acc += sum > 0 ? w[g] / sum : 1.0 / static_cast<double>(w.size());
    out.push_back(g + 1 == w.size() ? 1.0 : acc);
  }
}

[[noreturn]] void implausible(const std::string& entry, const std::string& what) {
  throw io::ArchiveError(fmt::format("entry '{}' {}", entry, what));
}

/// Arrivals who come with a job registered with the BA, a month (model units; the registered
/// share of all vacancies is labour.replacement_share): of the free streams and of the skilled
/// pipeline.
double job_arrivals_per_month(const ModelState& s) {
  double with_job = 0;
  for (int c = 0; c < kChannels; ++c) {
    const auto ch = static_cast<Channel>(c);
    if (channel_stream(ch) < 0) continue;
    with_job += channel_per_year(s.params.arrival, ch) * channel_working_age_share(s, ch) *
                s.params.arrival.channels[static_cast<std::size_t>(c)].employed_share;
  }
  // The pipeline's entrants with a job offer (under way at the start: admission::warm_up).
  double pipeline = 0;
  for (std::size_t d = 0; d < s.region->districts.size(); ++d)
    pipeline += admission::expected_entries_per_month(s, d);
  pipeline *= s.params.arrival.skilled.job_offer_share;
  const double academic = s.params.arrival.skilled.academic_share;
  const double working_age = academic * channel_working_age_share(s, Channel::kBlueCard) +
                             (1.0 - academic) * channel_working_age_share(s, Channel::kSkilledVisa);
  return (with_job / 12.0 * s.scale + pipeline * working_age) * s.params.labour.replacement_share;
}

}  // namespace

double LabourState::open_in(std::size_t d) const {
  double v = 0;
  for (std::size_t g = 0; g < groups; ++g) v += vacancies[cell(d, g)].total();
  return v;
}

double LabourState::open_total() const {
  double v = 0;
  for (const auto& c : vacancies) v += c.total();
  return v;
}

std::uint8_t LabourState::draw_group(const std::vector<double>& cdf, std::size_t d, bool foreign,
                                     double u) const {
  const double* c = cdf.data() + (d * 2 + (foreign ? 1 : 0)) * groups;
  std::size_t g = 0;
  while (g + 1 < groups && u >= c[g]) ++g;
  return static_cast<std::uint8_t>(g);
}

std::uint8_t LabourState::take_vacancy(std::size_t d, bool foreign, double u) {
  const double open = open_in(d);
  if (!(open >= 1.0)) return draw_group(employed_cdf, d, foreign, u);
  double acc = 0;
  std::size_t g = 0;
  for (; g + 1 < groups; ++g) {
    acc += vacancies[cell(d, g)].total() / open;
    if (u < acc) break;
  }
  take_vacancy_in(d, g);
  return static_cast<std::uint8_t>(g);
}

void LabourState::take_vacancy_in(std::size_t d, std::size_t g) {
  // The cell may hold less than one vacancy; fill what it has.
  const std::size_t c = cell(d, g);
  const double n = std::min(1.0, vacancies[c].total());
  flow(c, CellFlows::kClosedMonths) += vacancies[c].fill(n);
  flow(c, CellFlows::kClosed) += n;
  flow(c, CellFlows::kHires) += n;
}

void LabourState::save(io::ArchiveWriter& ar, const std::string& prefix) const {
  std::vector<double> ages;
  for (const auto& v : vacancies) ages.insert(ages.end(), v.by_age().begin(), v.by_age().end());
  ar.put<double>(prefix + "/vacancy_ages", ages);
  ar.put<double>(prefix + "/match_carry", carry);
  ar.put<double>(prefix + "/flows", flows);
}

void LabourState::restore(const io::ArchiveReader& ar, const std::string& prefix) {
  const std::size_t cells = districts * groups;
  const auto max_age =
      vacancies.empty() ? std::size_t{0} : static_cast<std::size_t>(vacancies[0].max_age());
  constexpr double kHuge = 1e15;
  const auto checked = [&](const std::string& name, std::size_t n, double lo) {
    auto v = ar.get<double>(prefix + "/" + name, n);
    for (const double x : v) {
      if (!(x >= lo && x <= kHuge)) implausible(prefix + "/" + name, fmt::format("holds {}", x));
    }
    return v;
  };
  const auto ages = checked("vacancy_ages", cells * max_age, 0.0);
  carry = checked("match_carry", cells, 0.0);
  flows = checked("flows", cells * CellFlows::kCount, 0.0);
  for (std::size_t c = 0; c < cells; ++c) {
    vacancies[c].restore(
        std::vector<double>(ages.begin() + static_cast<std::ptrdiff_t>(c * max_age),
                            ages.begin() + static_cast<std::ptrdiff_t>((c + 1) * max_age)));
  }
}

void derive_residents(ModelState& s) {
  const RegionData& r = *s.region;
  const std::size_t nd = r.districts.size();
  const double employed_total = r.latest("persons_in_employment");
  // Persons in employment live where the unemployment rate says: residents employed in d =
  // civilian labour force (unemployed / unemployment rate) - unemployed. Only their distribution
  // over districts is used; the state total stays `persons_in_employment`. (Spreading it by
  // svB at the workplace instead left almost no room for unemployment in the cities, which
  // employ many commuters.)
  std::vector<double> employed_residents(nd, 0.0);
  double residents_total = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    const District& dd = r.districts[d];
    employed_residents[d] =
        dd.unemployment_rate > 0 ? dd.unemployed / dd.unemployment_rate - dd.unemployed : 0.0;
    residents_total += employed_residents[d];
  }
  if (residents_total <= 0) {
    throw std::invalid_argument(
        "district_structure.csv: no district has a positive unemployment rate");
  }
  // Qualification (Mikrozensus and BA; state_figures.csv). Employed: academic and without
  // vocational qualification as printed, vocational the rest. Unemployed: helper level = low,
  // skilled level = vocational, the rest (specialist and expert level) = academic. Everyone
  // else: the population aged 15+.
  const auto shares = [&](double low, double academic) {
    return std::array<double, 3>{low, 1.0 - low - academic, academic};
  };
  const double u_low = r.latest("unemployed_share_helper_level") / 100.0;
  const double u_voc = r.latest("unemployed_share_skilled_level") / 100.0;
  s.qualification_shares = {
      shares(r.latest("employed_share_without_vocational_qualification") / 100.0,
             r.latest("employed_share_academic") / 100.0),
      shares(u_low, 1.0 - u_low - u_voc),
      shares(r.latest("population15plus_share_without_vocational_qualification") / 100.0,
             r.latest("population15plus_share_academic") / 100.0)};
  for (const auto& q : s.qualification_shares) {
    for (const double x : q) {
      if (x < 0 || x > 1) {
        throw std::invalid_argument(
            "state_figures.csv: qualification shares do not leave a share for vocational");
      }
    }
  }
  s.employed_share.assign(nd, 0.0);
  s.unemployed_share.assign(nd, 0.0);
  for (std::size_t d = 0; d < nd; ++d) {
    s.employed_share[d] = employed_total * employed_residents[d] / residents_total;  // persons
    s.unemployed_share[d] = r.districts[d].unemployed;
  }
}

StatusProbabilities initial_status_probabilities(
    const ModelState& s, const std::vector<std::array<double, 2>>& working_age) {
  const RegionData& r = *s.region;
  const std::size_t nd = r.districts.size();
  const auto& cells = r.labour_year(s.params.labour.data_year);
  const std::size_t ng = r.occupation_groups.size();
  StatusProbabilities out;
  out.employed.assign(nd * 2, 0.0);
  out.unemployed.assign(nd * 2, 0.0);
  for (std::size_t d = 0; d < nd; ++d) {
    double emp = 0, emp_f = 0, un = 0, un_f = 0;
    for (std::size_t g = 0; g < ng; ++g) {
      const LabourCell& cell = cells[d * ng + g];
      emp += cell.employees;
      emp_f += cell.employees_foreign;
      un += cell.unemployed;
      un_f += cell.unemployed_foreign;
    }
    const double w_f = working_age[d][1];
    const double w_g = working_age[d][0];
    const double u_f = std::min(s.unemployed_share[d] * (un > 0 ? un_f / un : 0.0), w_f);
    const double e_f = std::min(s.employed_share[d] * (emp > 0 ? emp_f / emp : 0.0), w_f - u_f);
    const double u_g = std::min(s.unemployed_share[d] - u_f, w_g);
    const double e_g = std::min(s.employed_share[d] - e_f, w_g - u_g);
    out.employed[d * 2] = w_g > 0 ? std::max(0.0, e_g / w_g) : 0.0;
    out.unemployed[d * 2] = w_g > 0 ? std::max(0.0, u_g / w_g) : 0.0;
    out.employed[d * 2 + 1] = w_f > 0 ? std::max(0.0, e_f / w_f) : 0.0;
    out.unemployed[d * 2 + 1] = w_f > 0 ? std::max(0.0, u_f / w_f) : 0.0;
  }
  return out;
}

std::uint8_t draw_qualification(const ModelState& s, Status status, double u) noexcept {
  const std::size_t group = status == Status::kEmployed ? 0 : status == Status::kUnemployed ? 1 : 2;
  const auto& q = s.qualification_shares[group];
  const Qualification level = u < q[0]          ? Qualification::kLow
                              : u < q[0] + q[1] ? Qualification::kVocational
                                                : Qualification::kAcademic;
  return static_cast<std::uint8_t>(level);
}

void derive_labour(ModelState& s) {
  const RegionData& r = *s.region;
  const LabourParams& p = s.params.labour;
  const auto& cells = r.labour_year(p.data_year);
  LabourState& L = s.labour;
  L.districts = r.districts.size();
  L.groups = r.occupation_groups.size();
  const std::size_t nd = L.districts;
  const std::size_t ng = L.groups;
  const int max_age = p.vacancy_max_age_months;

  // The calibration works on the cells as the data gives them at the start: V_c open vacancies
  // at the month's end, U_c registered unemployed. With an efficiency A of the cell's group, the
  // cell's fill probability h_c and inflow I_c are the steady state in which
  //   h_c = min(1, A (U_c + h_c W_c)^alpha W_c^(-alpha)),  W_c = V_c + I_c (open when matching
  //   runs; the searchers then are the month-end unemployed U_c plus those matched),
  //   V_c = I_c S(h_c),  S(h) = sum_{a=1}^{max_age-1} (1 - h)^a,
  // and the cell's vacancies complete after mean_completed_months(h_c) on average. A group's
  // completed duration is the mean over its cells weighted by their inflows (= completions).
  const double alpha = p.matching_elasticity;
  // Arrivals of the free streams who come with a job take open vacancies before the month's
  // matching (arrival.cpp, take_vacancy): per district a share theta_d = J_d / V_d of the open
  // stock, J_d their number a month, V_d the district's vacancies. Every cell of the district
  // loses the same share (the arrival picks a cell in proportion to its open vacancies).
  L.take_share.assign(nd, 0.0);
  {
    std::vector<double> v_d(nd, 0.0);
    for (std::size_t c = 0; c < nd * ng; ++c) v_d[c / ng] += cells[c].vacancies * s.scale;
    const double job_arrivals = job_arrivals_per_month(s);
    for (std::size_t d = 0; d < nd; ++d) {
      L.take_share[d] =
          v_d[d] > 0 ? std::min(0.9, job_arrivals * s.arrival_share[d] / v_d[d]) : 0.0;
    }
  }
  struct CellFit {
    double h = 0, inflow = 0;
  };
  const auto fit_cell = [&](double a, double u, double v, double theta) {
    CellFit f;
    if (!(v > 0)) return f;
    // The searchers when matching runs are the month-end unemployed plus those the month's
    // matches will take (separations, entrants and arrivals search in the month they come);
    // the vacancies then open are what the arrivals left of the month-end stock plus the new.
    const auto rhs = [&](double h) {
      const double w = v * (1.0 - theta) + v / steady_state_stock(1.0, h, max_age, theta);
      return u > 0 ? std::min(1.0, a * std::pow(u + h * w, alpha) * std::pow(w, -alpha)) : 0.0;
    };
    double lo = 0.0, hi = 1.0;  // h - rhs(h) rises with h
    for (int it = 0; it < 60 && hi - lo > 1e-9; ++it) {
      const double mid = 0.5 * (lo + hi);
      (mid - rhs(mid) < 0 ? lo : hi) = mid;
    }
    f.h = 0.5 * (lo + hi);
    f.inflow = v / steady_state_stock(1.0, f.h, max_age, theta);
    return f;
  };
  const auto group_months = [&](std::size_t g, double a) {
    double closed = 0, sum = 0;
    for (std::size_t d = 0; d < nd; ++d) {
      const LabourCell& c = cells[d * ng + g];
      const CellFit f = fit_cell(a, c.unemployed * s.scale, c.vacancies * s.scale, L.take_share[d]);
      closed += f.inflow;
      sum += f.inflow * mean_completed_months(f.h, max_age, L.take_share[d]);
    }
    return closed > 0 ? sum / closed : 0.0;
  };
  // A for a target duration (months): the duration falls as A rises.
  const auto efficiency_for_months = [&](std::size_t g, double months) {
    double lo = 1e-6, hi = 100.0;
    if (!(group_months(g, hi) <= months && months <= group_months(g, lo))) {
      throw std::invalid_argument(fmt::format(
          "models.labour: a completed vacancy duration of {:.0f} days cannot be reached in "
          "occupation group '{}' (its cells give {:.0f} to {:.0f} days)",
          months * kDaysPerMonth, r.occupation_groups[g], group_months(g, hi) * kDaysPerMonth,
          group_months(g, lo) * kDaysPerMonth));
    }
    for (int it = 0; it < 80 && hi / lo > 1.0 + 1e-7; ++it) {
      const double mid = std::sqrt(lo * hi);
      (group_months(g, mid) > months ? lo : hi) = mid;
    }
    return std::sqrt(lo * hi);
  };

  // Durations: the groups named in vacancy_duration_days_by_group have their own; all others one
  // common duration, chosen so that the duration over all completed vacancies is the overall
  // `vacancy_duration_days`.
  std::vector<double> own(ng, 0.0);
  for (std::size_t k = 0; k < p.duration_groups.size(); ++k) {
    own[r.occupation_group(p.duration_groups[k], "models.labour.vacancy_duration_days_by_group")] =
        p.duration_days[k];
  }
  L.efficiency.assign(ng, 0.0);
  const auto months_of = [&](double days) { return days / kDaysPerMonth; };
  // Groups with their own duration are fitted once; the others in every step of the search.
  for (std::size_t g = 0; g < ng; ++g) {
    if (own[g] > 0) L.efficiency[g] = efficiency_for_months(g, months_of(own[g]));
  }
  const auto overall_days = [&](double rest_days) {
    double closed = 0, sum = 0;
    for (std::size_t g = 0; g < ng; ++g) {
      if (!(own[g] > 0)) L.efficiency[g] = efficiency_for_months(g, months_of(rest_days));
      for (std::size_t d = 0; d < nd; ++d) {
        const LabourCell& c = cells[d * ng + g];
        const CellFit f = fit_cell(L.efficiency[g], c.unemployed * s.scale, c.vacancies * s.scale,
                                   L.take_share[d]);
        closed += f.inflow;
        sum += f.inflow * mean_completed_months(f.h, max_age, L.take_share[d]) * kDaysPerMonth;
      }
    }
    return closed > 0 ? sum / closed : rest_days;
  };
  double lo = 30.0, hi = 300.0;
  const double at_lo = overall_days(lo);
  const double at_hi = overall_days(hi);
  if (!(at_lo <= p.vacancy_duration_days && p.vacancy_duration_days <= at_hi)) {
    throw std::invalid_argument(fmt::format(
        "models.labour.vacancy_duration_days: an overall completed vacancy duration of {} days "
        "cannot be reached with the group durations given (reachable {:.0f} to {:.0f} days)",
        p.vacancy_duration_days, at_lo, at_hi));
  }
  // Regula falsi (Illinois variant): the overall duration rises smoothly with the common one.
  double f_lo = at_lo - p.vacancy_duration_days;
  double f_hi = at_hi - p.vacancy_duration_days;
  double x = lo;
  int side = 0;
  for (int it = 0; it < 60 && hi - lo > 1e-2; ++it) {
    x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    const double fx = overall_days(x) - p.vacancy_duration_days;
    if (std::abs(fx) < 1e-3) break;
    if ((fx < 0) == (f_lo < 0)) {
      lo = x;
      f_lo = fx;
      if (side == -1) f_hi *= 0.5;
      side = -1;
    } else {
      hi = x;
      f_hi = fx;
      if (side == 1) f_lo *= 0.5;
      side = 1;
    }
  }
  L.common_duration_days = x;
  (void)overall_days(L.common_duration_days);  // sets L.efficiency

  // Per cell: the stock at the start in its steady-state ages and the inflow that keeps it.
  L.vacancies.assign(nd * ng, VacancyStock(max_age));
  L.inflow.assign(nd * ng, 0.0);
  L.carry.assign(nd * ng, 0.0);
  L.flows.assign(nd * ng * CellFlows::kCount, 0.0);
  L.fill_probability.assign(nd * ng, 0.0);
  for (std::size_t c = 0; c < nd * ng; ++c) {
    const double theta = L.take_share[c / ng];
    const CellFit f = fit_cell(L.efficiency[c % ng], cells[c].unemployed * s.scale,
                               cells[c].vacancies * s.scale, theta);
    L.fill_probability[c] = f.h;
    L.inflow[c] = f.inflow;
    L.vacancies[c].fill_steady_state(f.inflow, f.h, theta);
  }

  L.regulated_share.assign(ng, 0.0);
  for (const auto& reg : p.regulated) {
    L.regulated_share[r.occupation_group(reg.group, "models.labour.regulated_groups")] = reg.share;
  }

  // Occupation mixes by district and nationality.
  L.employed_cdf.clear();
  L.unemployed_cdf.clear();
  for (std::size_t d = 0; d < nd; ++d) {
    for (int foreign = 0; foreign < 2; ++foreign) {
      std::vector<double> e(ng), u(ng);
      for (std::size_t g = 0; g < ng; ++g) {
        const LabourCell& c = cells[d * ng + g];
        e[g] = foreign != 0 ? c.employees_foreign : c.employees - c.employees_foreign;
        u[g] = foreign != 0 ? c.unemployed_foreign : c.unemployed - c.unemployed_foreign;
      }
      append_cdf(e, L.employed_cdf);
      append_cdf(u, L.unemployed_cdf);
    }
  }
  // The registered matches expected in the first month per group (init_labour sets the flows of
  // the unemployed from them).
  L.expected_matches.assign(ng, 0.0);
  for (std::size_t c = 0; c < nd * ng; ++c) {
    L.expected_matches[c % ng] +=
        L.fill_probability[c] *
        (cells[c].vacancies * s.scale * (1.0 - L.take_share[c / ng]) + L.inflow[c]);
  }
}

void init_labour(ModelState& s, storage::ColumnStore& agents, const rng::RunKey& run) {
  LabourState& L = s.labour;
  const LabourParams& p = s.params.labour;
  const auto& c = s.cols;
  auto key = agents.span(c.key);
  auto status = agents.span(c.status);
  auto nationality = agents.span(c.nationality);
  auto district = agents.span(c.district);
  auto occupation = agents.span(c.occupation);
  const std::size_t n = agents.size();
  double unemployed = 0, inactive = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool foreign = nationality[i] != static_cast<std::uint8_t>(Nationality::kGerman);
    const std::size_t d = district[i];
    rng::Draw draw(run, key[i], -1, kOccupation);
    const auto st = static_cast<Status>(status[i]);
    occupation[i] = L.draw_group(st == Status::kEmployed ? L.employed_cdf : L.unemployed_cdf, d,
                                 foreign, draw.uniform());
    unemployed += st == Status::kUnemployed ? 1.0 : 0.0;
    inactive += st == Status::kInactive ? 1.0 : 0.0;
  }

  // The exogenous inflow: what keeps each cell's stock steady at the start (L.inflow, from
  // derive_labour), plus the vacancies that arrivals with a job take (arrival.cpp), minus the
  // replacement demand expected in the first month (registered share of the employed who
  // retire, die or leave; it is added month by month as it happens).
  const auto& pd = s.params.departure;
  auto age = agents.span(c.age_months);
  auto sex = agents.span(c.sex);
  StoreDepartureMultiplier multiplier(pd, agents, c);
  // Probability that person i leaves the labour market in the first month: retirement (1 when
  // the cohort's statutory age is reached next month), else death or departure.
  const auto exit_probability = [&](std::size_t i) {
    if (age[i] + 1 >= s.retirement_months(0, age[i] + 1)) return 1.0;
    const std::size_t y =
        std::min<std::size_t>(static_cast<std::size_t>(age[i] / 12), s.death_prob_month.size() - 1);
    const std::size_t g = nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) ? 0 : 1;
    const double base = g == 0 ? pd.base_hazard_german : pd.base_hazard_foreign;
    return s.death_prob_month[y][sex[i]] + base / s.departure_norm[g] * multiplier(i);
  };
  std::vector<double> exits(L.districts * L.groups, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (status[i] != static_cast<std::uint8_t>(Status::kEmployed)) continue;
    exits[L.cell(district[i], occupation[i])] += exit_probability(i);
  }
  // The steady inflow of derive_labour already replaces what arrivals with a job take.
  const auto& pa = s.params.arrival;
  const int entry_months = static_cast<int>(s.params.demography.labour_entry_age_years * 12.0);
  for (std::size_t cl = 0; cl < L.districts * L.groups; ++cl) {
    L.inflow[cl] = std::max(0.0, L.inflow[cl] - p.replacement_share * exits[cl]);
  }

  // Flows of the unemployed at the start, per occupation group, so that each group's registered
  // unemployed are steady in the first month:
  //  - exits: the observed share unemployed for a year or longer gives, with a constant hazard,
  //    the monthly probability of leaving unemployment o = 1 - share^(1/12), of which the
  //    registered matches take M/U; the rest x = o - M/U leaves for jobs not registered with the
  //    BA (to_job) or for inactivity (to_inactive); plus retirement, death and departure;
  //  - inflows: separations s_g E_g, labour-market entrants and arrivals without a job (their
  //    target groups from the unemployed mix), re-entry from inactivity (which balances
  //    to_inactive);
  //  - the separations of all groups sum to the observed `separations_per_month`, which fixes
  //    the split of x; each group's s_g then balances the group.
  const std::size_t ng = L.groups;
  std::vector<double> u_g(ng, 0.0), e_g(ng, 0.0), entrants_g(ng, 0.0), arrivals_g(ng, 0.0),
      inactive_g(ng, 0.0), demo_g(ng, 0.0);
  const auto add_expected = [&](std::vector<double>& into, const std::vector<double>& cdf,
                                std::size_t d, bool foreign, double weight) {
    const double* cum = cdf.data() + (d * 2 + (foreign ? 1 : 0)) * ng;
    double prev = 0;
    for (std::size_t g = 0; g < ng; ++g) {
      into[g] += weight * (cum[g] - prev);
      prev = cum[g];
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    const bool foreign = nationality[i] != static_cast<std::uint8_t>(Nationality::kGerman);
    if (age[i] + 1 == entry_months) {
      add_expected(entrants_g, L.unemployed_cdf, district[i], foreign,
                   s.params.demography.labour_entry_participation);
    }
    const auto st = static_cast<Status>(status[i]);
    if (st == Status::kEmployed) e_g[occupation[i]] += 1;
    if (st == Status::kInactive) inactive_g[occupation[i]] += 1;
    if (st != Status::kUnemployed) continue;
    u_g[occupation[i]] += 1;
    demo_g[occupation[i]] += exit_probability(i);
  }
  // Arrivals without a job, by district and nationality group of their channel (the channel
  // foreign_from_germany holds no Germans).
  for (std::size_t d = 0; d < L.districts; ++d) {
    for (int k = 0; k < kChannels; ++k) {
      const auto ch = static_cast<Channel>(k);
      if (channel_stream(ch) < 0) continue;
      const double searching = channel_per_year(pa, ch) / 12.0 * s.scale * s.arrival_share[d] *
                               channel_working_age_share(s, ch) *
                               (1.0 - pa.channels[static_cast<std::size_t>(k)].employed_share);
      add_expected(arrivals_g, L.unemployed_cdf, d,
                   channel_nationality(ch, true) != Nationality::kGerman, searching);
    }
  }
  const std::vector<double>& matches_g = L.expected_matches;
  const auto sum = [](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
  };
  const double hazard = 1.0 - std::pow(p.long_term_unemployed_share, 1.0 / 12.0);
  const double separations = p.separations_per_month * s.scale;
  if (unemployed > 0) {
    const double x = std::max(0.0, hazard - sum(matches_g) / unemployed);
    // Sum over groups: separations + entrants + arrivals + to_inactive U = M + x U + demographic.
    const double to_inactive_u = sum(matches_g) + x * unemployed + sum(demo_g) - separations -
                                 sum(entrants_g) - sum(arrivals_g);
    L.to_inactive = std::clamp(to_inactive_u / unemployed, 0.0, x);
    L.to_job = x - L.to_inactive;
  }
  L.reentry = inactive > 0 ? std::min(1.0, L.to_inactive * unemployed / inactive) : 0.0;
  // Per group: s_g E_g = M_g + x U_g + demographic_g - entrants_g - arrivals_g - re-entry_g.
  const double x = L.to_job + L.to_inactive;
  L.separation_by_group.assign(ng, 0.0);
  for (std::size_t g = 0; g < ng; ++g) {
    const double needed = matches_g[g] + x * u_g[g] + demo_g[g] - entrants_g[g] - arrivals_g[g] -
                          L.reentry * inactive_g[g];
    L.separation_by_group[g] = e_g[g] > 0 ? std::clamp(needed / e_g[g], 0.0, 1.0) : 0.0;
  }
}

void declare_labour_outputs(ModelOutputs& o) {
  using io::Measure;
  const std::vector<std::string> dims{"district", "occupation"};
  // A (district, occupation) output from a function of (view, district, group).
  const auto per_cell = [](auto f, bool weighted) -> OutputFill {
    return [f, weighted](const ReportView& v, std::span<double> out) {
      const LabourState& L = v.state.labour;
      const double w = weighted ? v.state.weight : 1.0;
      for (std::size_t d = 0; d < L.districts; ++d) {
        for (std::size_t g = 0; g < L.groups; ++g) out[L.cell(d, g)] = f(v, d, g) * w;
      }
    };
  };
  const auto census_cell = [&](std::size_t which) {
    return per_cell(
        [which](const ReportView& v, std::size_t d, std::size_t g) {
          return v.census.at(d, v.census.occupation_offset() + g * 2 + which);
        },
        true);
  };
  const auto flow_cell = [&](CellFlows::Kind k) {
    return per_cell(
        [k](const ReportView& v, std::size_t d, std::size_t g) {
          return v.state.labour.flow(v.state.labour.cell(d, g), k);
        },
        true);
  };
  o.add({"employed", "labour", dims, "persons",
         "employed residents at the end of the month by occupation group", Measure::kStock},
        census_cell(0));
  o.add({"unemployed", "labour", dims, "persons",
         "registered unemployed residents at the end of the month by target occupation group",
         Measure::kStock},
        census_cell(1));
  o.add({"vacancies", "labour", dims, "jobs", "open registered vacancies at the end of the month",
         Measure::kStock},
        per_cell(
            [](const ReportView& v, std::size_t d, std::size_t g) {
              return v.state.labour.vacancies[v.state.labour.cell(d, g)].total();
            },
            true));
  o.add({"hires", "labour", dims, "persons",
         "registered vacancies filled during the month (matches with registered unemployed, and "
         "arrivals with a job)",
         Measure::kFlow},
        flow_cell(CellFlows::kHires));
  o.add({"unregistered_hires", "labour", dims, "persons",
         "registered unemployed who took a job not registered with the BA during the month",
         Measure::kFlow},
        flow_cell(CellFlows::kUnregisteredHires));
  o.add({"separations", "labour", dims, "persons",
         "employed residents who became unemployed during the month", Measure::kFlow},
        flow_cell(CellFlows::kSeparations));
  o.add({"new_vacancies", "labour", dims, "jobs",
         "registered vacancies reported during the month (exogenous inflow and replacement "
         "demand)",
         Measure::kFlow},
        flow_cell(CellFlows::kNewVacancies));
  o.add(
      {"vacancies_closed", "labour", dims, "jobs",
       "registered vacancies deregistered during the month (filled or withdrawn)", Measure::kFlow},
      flow_cell(CellFlows::kClosed));
  o.add({"vacancies_withdrawn", "labour", dims, "jobs",
         "registered vacancies withdrawn unfilled during the month (open for the maximum time)",
         Measure::kFlow},
        flow_cell(CellFlows::kWithdrawn));
  o.add({"vacancy_duration", "labour", dims, "days",
         "mean completed duration of the registered vacancies deregistered during the month "
         "(0 when none was)",
         Measure::kMean},
        per_cell(
            [](const ReportView& v, std::size_t d, std::size_t g) {
              const LabourState& L = v.state.labour;
              const std::size_t c = L.cell(d, g);
              const double closed = L.flow(c, CellFlows::kClosed);
              return closed > 0 ? L.flow(c, CellFlows::kClosedMonths) / closed * kDaysPerMonth
                                : 0.0;
            },
            false));
  o.add({"employed_by_nationality",
         "labour",
         {"district", "nationality"},
         "persons",
         "employed residents at the end of the month by nationality group",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          for (std::size_t d = 0; d < v.census.districts; ++d) {
            for (std::size_t n = 0; n < 3; ++n) {
              out[d * 3 + n] =
                  v.census.at(d, v.census.employed_nationality_offset() + n) * v.state.weight;
            }
          }
        });
  o.add({"skilled_workers",
         "labour",
         {"district", "occupation", "nationality"},
         "persons",
         "skilled workers (employed residents with a vocational or academic qualification) at "
         "the end of the month by occupation group and nationality group",
         Measure::kStock},
        [](const ReportView& v, std::span<double> out) {
          const std::size_t n = v.census.groups * 3;
          for (std::size_t d = 0; d < v.census.districts; ++d)
            for (std::size_t k = 0; k < n; ++k)
              out[d * n + k] = v.census.at(d, v.census.skilled_offset() + k) * v.state.weight;
        });
}

}  // namespace brocken::migration::labour
