// Integration of foreign residents (one agent-local kernel): German language level (federal
// integration courses of the baseline, the funded course programme, self-study and work),
// social ties to natives and co-ethnic ties, experienced discrimination (events and their end)
// and the recognition procedure of a foreign qualification (sources in docs/parameters.md;
// docs/model.md, "Integration"). The discrimination events of the two markets happen in
// labour/stage.cpp and housing/stage.cpp.
#include "models/migration/integration.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/policy/programme.hpp"
#include "engine/sim/market.hpp"
#include "models/migration/labour/matching.hpp"
#include "models/migration/stages.hpp"
#include "models/migration/synth.hpp"

namespace brocken::migration {
namespace {

constexpr auto kPresentCode = static_cast<std::uint8_t>(Residence::kPresent);
constexpr auto kGermanCode = static_cast<std::uint8_t>(Nationality::kGerman);
constexpr auto kEmployedCode = static_cast<std::uint8_t>(Status::kEmployed);
constexpr auto kPendingCode = static_cast<std::uint8_t>(Recognition::kPending);
constexpr auto kPartialCode = static_cast<std::uint8_t>(Recognition::kPartial);
constexpr int kB1 = 3;

/// The result of a German course (the programme's or a federal integration course): B1 with
/// `b1`, else A2 with `a2` (of all takers), else at least A1 (93 % of participants improve
/// during the course, [Schuller-2011]; the rest is rounded into A1: assumption); never lower
/// than the level before. Counts the completion (and B1 or above) in the district's flows `f`.
inline void course_result(std::uint8_t& language, double u, double b1, double a2, double* f) {
  if (language < kB1 && u < b1) {
    language = kB1;
  } else if (language < 2 && u < b1 + a2) {
    language = 2;
  } else if (language < 1) {
    language = 1;
  }
  if (f != nullptr) {
    f[MonthFlows::kCourseCompletions] += 1;
    if (language >= kB1) f[MonthFlows::kCourseCompletionsB1] += 1;
  }
}

/// The month's rates of one district (from the district's levers), read by the kernel.
struct DistrictRates {
  double level;                         ///< chance of a language level up outside a course
  double level_late;                    ///< the same after language_flattening_months
  double resolve;                       ///< chance that experienced discrimination ends
  double everyday;                      ///< chance of a discrimination event outside the markets
  std::array<double, 2> participation;  ///< chance that a newcomer takes a course, by sex
  float growth;                         ///< native ties growth
  float growth_employed;
  float growth_coethnic;
};

/// Everything the per-person update reads besides the columns, copied into each block.
struct Month {
  const DistrictRates* rates;
  const double* decide;  ///< [district * groups + group]: monthly chance of a recognition decision
  std::size_t groups;
  double compensated;
  double employed_factor;
  double full, full_or_none;  ///< cumulative chances of the recognition outcomes
  double b1, a2;
  int flatten_months;
  int course_wait;
  int entry;  ///< labour-entry age (months): courses and everyday events from this age
  RetirementTable retirement;
  rng::DecisionStream monthly, recognition, base_course;
};

/// One present person's month: ties, the federal integration course (start and end), language
/// outside a course, discrimination, recognition. Adds the events to the district's flows in
/// `t` (laid out like ModelState::flows). Returns false for those the stage does not follow
/// (not present: a course ends without a result; German natives).
inline bool integrate(const PersonRows& q, const Month& m, std::size_t i, double* t) {
  if (q.residence[i] != kPresentCode) {
    if (q.course[i] != 0) q.course[i] = 0;
    return false;
  }
  const bool foreign = q.nationality[i] != kGermanCode;
  if (!foreign && q.here[i] < 0) return false;
  const std::size_t dist = q.district[i];
  const DistrictRates& d = m.rates[dist];
  const bool employed = q.status[i] == kEmployedCode;
  q.ties[i] += (employed ? d.growth_employed : d.growth) * (1.0F - q.ties[i]);
  double* const f = t + dist * MonthFlows::kCount;
  // Co-ethnic ties, course entitlement and everyday events: foreign residents. German newcomers
  // (and the naturalised) keep the rest: their language, the end of an experienced
  // discrimination, a pending recognition.
  if (foreign) q.coethnic[i] += d.growth_coethnic * (1.0F - q.coethnic[i]);

  // One generator per person and month for the two monthly decisions, each at its fixed
  // position whatever the branches (a policy that changes one leaves the other's number as it
  // was): the first number decides a language level, the second discrimination (its end, or an
  // everyday event). One seeding instead of two for most foreign residents.
  // German newcomers at B2+ without an experienced discrimination need neither (1: no event).
  double u_language = 1.0;
  double u_discrimination = 1.0;
  if (foreign || q.discriminated[i] != 0 || q.language[i] < 4) {
    rng::Draw month = m.monthly(q.key[i]);
    u_language = month.uniform();
    u_discrimination = month.uniform();
  }

  // Language: a federal integration course, or self-study (faster at work).
  std::uint8_t course = q.course[i];
  if (course > kBaseCourseOffset) {
    if (--course == kBaseCourseOffset) {
      course = 0;
      rng::Draw draw = m.base_course(q.key[i]);
      course_result(q.language[i], draw.uniform(), m.b1, m.a2, f);
    }
    q.course[i] = course;
  } else if (course == 0 && q.language[i] < 4) {
    double p = q.here[i] >= m.flatten_months ? d.level_late : d.level;
    if (employed) p = std::min(1.0, p * m.employed_factor);
    if (u_language < p) ++q.language[i];
  }
  const int age = q.age[i];
  const bool adult = age >= m.entry;
  if (foreign && q.here[i] == m.course_wait && course == 0 && q.language[i] < kB1 && adult &&
      age < m.retirement(age)) {
    rng::Draw draw = m.base_course(q.key[i]);
    if (draw.bernoulli(d.participation[q.sex[i]])) {
      q.course[i] = static_cast<std::uint8_t>(kBaseCourseOffset + kCourseMonths);
      f[MonthFlows::kCourseStarts] += 1;
    }
  }

  // Discrimination: the end of the experience, or an event outside the markets (foreign
  // residents at any age: children's experiences count, and the test of the incidence follows
  // closed cohorts).
  if (q.discriminated[i] != 0) {
    if (u_discrimination < d.resolve) q.discriminated[i] = 0;
  } else if (foreign) {
    if (u_discrimination < d.everyday) {
      q.discriminated[i] = 1;
      f[MonthFlows::kDiscriminationEveryday] += 1;
    }
  }

  // Recognition: a decision on a pending application; a compensation measure completed.
  const std::uint8_t rec = q.recognition[i];
  if (rec == kPendingCode) {
    rng::Draw draw = m.recognition(q.key[i]);
    if (draw.bernoulli(m.decide[dist * m.groups + q.occupation[i]])) {
      const double u = draw.uniform();
      Recognition out = Recognition::kPartial;
      MonthFlows::Kind kind = MonthFlows::kRecognitionsPartial;
      if (u < m.full) {
        out = Recognition::kFull;
        kind = MonthFlows::kRecognitionsFull;
      } else if (u < m.full_or_none) {
        out = Recognition::kNone;
        kind = MonthFlows::kRecognitionsNone;
      }
      q.recognition[i] = static_cast<std::uint8_t>(out);
      f[kind] += 1;
    }
  } else if (rec == kPartialCode) {
    rng::Draw draw = m.recognition(q.key[i]);
    if (draw.bernoulli(m.compensated)) {
      q.recognition[i] = static_cast<std::uint8_t>(Recognition::kFull);
      f[MonthFlows::kCompensationsCompleted] += 1;
    }
  }
  return true;
}

class IntegrationStage final : public sim::Stage {
 public:
  explicit IntegrationStage(ModelState& s) : s_(s) {}
  [[nodiscard]] std::string_view name() const override { return "integration"; }

  void run(sim::StepContext& ctx) override {
    const PersonRows rows(*ctx.agents, s_.cols);
    const auto& p = s_.params.integration;
    const std::size_t nd = s_.n_districts();
    const std::size_t ng = s_.recognition_months.size();
    rates_.resize(nd);
    decide_.resize(nd * ng);
    for (std::size_t d = 0; d < nd; ++d) {
      const double pace = s_.lever(s_.levers.language_pace, d);
      const double p_level = std::min(1.0, pace / p.self_study_months_per_level);
      const double ties_lever = s_.lever(s_.levers.ties_growth, d);
      const double take = std::max(0.0, s_.lever(s_.levers.course_participation, d));
      const double incidence = std::max(0.0, s_.lever(s_.levers.discrimination_incidence, d));
      rates_[d] = DistrictRates{
          .level = p_level,
          .level_late = std::min(1.0, p_level * p.language_flattening_factor),
          .resolve = std::min(1.0, s_.lever(s_.levers.discrimination_resolution, d) /
                                       p.discrimination_resolution_months),
          .everyday = std::min(1.0, p.everyday_discrimination_per_month * incidence),
          .participation = {std::min(1.0, p.course_participation[0] * take),
                            std::min(1.0, p.course_participation[1] * take)},
          .growth = static_cast<float>(std::min(1.0, p.ties_growth_per_month * ties_lever)),
          .growth_employed = static_cast<float>(
              std::min(1.0, (p.ties_growth_per_month + p.ties_growth_employed_bonus) * ties_lever)),
          .growth_coethnic =
              static_cast<float>(std::min(1.0, p.coethnic_ties_growth_per_month * ties_lever))};
      const double speed = std::max(0.0, s_.lever(s_.levers.recognition_speed, d));
      for (std::size_t g = 0; g < ng; ++g)
        decide_[d * ng + g] = std::min(1.0, speed / s_.recognition_months[g]);
    }
    const Month month{rates_.data(),
                      decide_.data(),
                      ng,
                      1.0 / p.compensation_months,
                      p.employed_learning_factor,
                      p.recognition_full,
                      p.recognition_full + p.recognition_none,
                      p.course_b1_share,
                      p.course_a2_share,
                      p.language_flattening_months,
                      p.course_wait_months,
                      static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0),
                      s_.retirement_table(ctx.tick),
                      ctx.stream(decisions::kIntegrationMonth),
                      ctx.stream(decisions::kRecognition),
                      ctx.stream(decisions::kBaseCourse)};
    if (s_.course_enrolled.size() != nd) s_.course_enrolled.assign(nd, 0.0);
    const bool anyone_enrolled = std::any_of(s_.course_enrolled.begin(), s_.course_enrolled.end(),
                                             [](double x) { return x > 0; });
    const std::size_t n_flows = nd * MonthFlows::kCount;
    if (!s_.board.funded(s_.levers.language_course) && !anyone_enrolled) {
      // No programme course this month and nobody in one: the plain pass (the baseline's).
      s_.add_flows(ctx.for_agents(n_flows, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
        const PersonRows q = rows;  // a local, so that it stays in registers (see PersonRows)
        const Month m = month;
        double* const t = fx.tally().data();
        for (std::size_t i = r.begin; i < r.end; ++i) (void)integrate(q, m, i, t);
      }));
      return;
    }
    run_courses(ctx, rows, month);
  }

 private:
  /// The language course programme: the month's pass also advances the programme's courses (a
  /// result at the end, course_result) and lists the eligible (present foreign residents of
  /// working age below B1, in no course) with a keyed priority; the free places of each district
  /// (its funded places at the run's scale, rounded down, minus those still in a course) go to
  /// its highest priorities (sim::CellMarket). The participants are reported to the board, which
  /// charges the funders.
  void run_courses(sim::StepContext& ctx, const PersonRows& rows, const Month& month) {
    const std::size_t nd = s_.n_districts();
    const std::size_t n_flows = nd * MonthFlows::kCount;
    const rng::DecisionStream s_course = ctx.stream(decisions::kCourse);
    const int entry = month.entry;
    const RetirementTable retirement = month.retirement;
    market_.gather(
        ctx, nd, n_flows + nd,
        [&](const sched::BlockRange& r, sim::CellMarket::Emitter& emit, std::span<double> tally) {
          const PersonRows q = rows;
          const Month m = month;
          const rng::DecisionStream course = s_course;
          double* const t = tally.data();
          double* const enrolled = t + n_flows;
          for (std::size_t i = r.begin; i < r.end; ++i) {
            const std::uint8_t c0 = q.course[i];
            const bool in_programme = c0 > 0 && c0 <= kCourseMonths;
            if (!integrate(q, m, i, t)) continue;
            if (in_programme) {
              if (--q.course[i] > 0) {
                enrolled[q.district[i]] += 1;
              } else {
                rng::Draw draw = course(q.key[i]);
                course_result(q.language[i], draw.uniform(), m.b1, m.a2,
                              t + q.district[i] * MonthFlows::kCount);
              }
              continue;  // in a course or just finished: not a candidate this month
            }
            if (q.course[i] != 0) continue;  // in a federal integration course
            if (q.nationality[i] == kGermanCode || q.language[i] >= kB1) continue;
            const int age = q.age[i];
            if (age < entry || age >= retirement(age)) continue;
            rng::Draw draw = course(q.key[i]);
            emit(q.district[i], draw.uniform(), q.key[i], i);
          }
        });
    const auto& tallies = market_.tallies();
    for (std::size_t k = 0; k < n_flows; ++k) s_.flows[k] += tallies[k];
    const std::vector<double> enrolled(tallies.begin() + static_cast<std::ptrdiff_t>(n_flows),
                                       tallies.end());
    policy::free_places(s_.board, s_.levers.language_course, s_.scale, enrolled, capacity_);
    s_.course_enrolled = enrolled;
    const PersonRows q = rows;
    for (const std::uint32_t row : market_.clear(ctx, capacity_)) {
      q.course[row] = static_cast<std::uint8_t>(kCourseMonths);
      s_.course_enrolled[q.district[row]] += 1;
      s_.flow(q.district[row], MonthFlows::kCourseStarts) += 1;
    }
    policy::report_participants(s_.board, s_.levers.language_course, s_.course_enrolled, s_.weight);
  }

  ModelState& s_;
  std::vector<DistrictRates> rates_;
  std::vector<double> decide_;
  sim::CellMarket market_;
  std::vector<std::size_t> capacity_;
};

}  // namespace

Recognition newcomer_recognition(ModelState& s, bool foreign, Qualification qualification,
                                 std::size_t group, std::size_t district, double u) {
  if (!foreign || qualification < Qualification::kVocational) return Recognition::kNotNeeded;
  const double regulated = s.labour.regulated_share[group];
  if (!(u < regulated)) return Recognition::kNotNeeded;
  if (u < regulated * s.params.integration.recognition_application_share) {
    s.flow(district, MonthFlows::kRecognitionApplications) += 1.0;
    return Recognition::kPending;
  }
  return Recognition::kNone;
}

void derive_integration(ModelState& s) {
  const RegionData& r = *s.region;
  const IntegrationParams& p = s.params.integration;
  s.recognition_months.assign(r.occupation_groups.size(),
                              p.recognition_days / labour::kDaysPerMonth);
  for (std::size_t k = 0; k < p.recognition_day_groups.size(); ++k) {
    s.recognition_months[r.occupation_group(p.recognition_day_groups[k],
                                            "models.integration.recognition_days_by_group")] =
        p.recognition_days_by_group[k] / labour::kDaysPerMonth;
  }
}

InitialIntegration initial_integration(const IntegrationParams& p, int age_months, Sex sex,
                                       bool employed, rng::Draw& draw) {
  InitialIntegration out;
  const int months =
      std::min(static_cast<int>(draw.below(kStartMonthsSinceArrivalSpread)), age_months);
  out.months_here = static_cast<std::int16_t>(months);
  out.ties = static_cast<float>(1.0 - std::pow(1.0 - p.ties_growth_per_month, months));
  out.coethnic = static_cast<float>(1.0 - std::pow(1.0 - p.coethnic_ties_growth_per_month, months));
  const double still = p.initial_discrimination_share *
                       std::pow(1.0 - 1.0 / p.discrimination_resolution_months, months);
  out.discriminated = static_cast<std::uint8_t>(draw.uniform() < still ? 1 : 0);
  const double u_course = draw.uniform();
  const double u_result = draw.uniform();
  const double u_self = draw.uniform();
  std::uint8_t language = 0;
  if (months >= p.course_wait_months + kCourseMonths &&
      u_course < p.course_participation[static_cast<std::size_t>(sex)]) {
    course_result(language, u_result, p.course_b1_share, p.course_a2_share, nullptr);
  }
  const double flat = p.language_flattening_months;
  const double effective =
      std::min<double>(months, flat) + p.language_flattening_factor * std::max(0.0, months - flat);
  const double levels =
      effective / p.self_study_months_per_level * (employed ? p.employed_learning_factor : 1.0);
  const double whole = std::floor(levels);
  const double gained = whole + (u_self < levels - whole ? 1.0 : 0.0);
  out.language = static_cast<std::uint8_t>(std::min(4.0, language + gained));
  return out;
}

std::unique_ptr<sim::Stage> make_integration_stage(ModelState& state) {
  return std::make_unique<IntegrationStage>(state);
}

}  // namespace brocken::migration
