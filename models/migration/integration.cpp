// Integration of foreign residents (one agent-local kernel): German language level, social ties,
// experienced discrimination and recognition of a foreign qualification (sources in
// docs/parameters.md).
#include "models/migration/integration.hpp"

#include <algorithm>
#include <cmath>

#include "engine/policy/programme.hpp"
#include "engine/sim/market.hpp"
#include "models/migration/stages.hpp"
#include "models/migration/synth.hpp"

namespace brocken::migration {
namespace {

/// The month's rates of one district (from the district's levers), read by the kernel.
struct DistrictRates {
  double level;       ///< chance of a language level up
  double level_late;  ///< the same after language_flattening_months
  double resolve;     ///< chance that experienced discrimination ends
  float growth;       ///< ties growth
  float growth_employed;
};

/// Everything the per-person update reads besides the columns, copied into each block.
struct Month {
  const DistrictRates* rates;
  double compensated;
  int flatten_months;
  rng::DecisionStream language, discrimination, recognition;
};

/// One present person's month (ties, language unless in a course, discrimination,
/// recognition). Returns false for those the stage does not follow (not present; German
/// natives).
inline bool integrate(const PersonRows& q, const Month& m, std::size_t i, bool in_course) {
  if (q.residence[i] != static_cast<std::uint8_t>(Residence::kPresent)) return false;
  if (q.nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) && q.here[i] < 0)
    return false;
  const DistrictRates& d = m.rates[q.district[i]];
  const bool employed = q.status[i] == static_cast<std::uint8_t>(Status::kEmployed);
  const float gi = employed ? d.growth_employed : d.growth;
  q.ties[i] += gi * (1.0F - q.ties[i]);
  if (q.language[i] < 4 && !in_course) {
    rng::Draw draw = m.language(q.key[i]);
    const bool late = q.here[i] >= m.flatten_months;
    if (draw.bernoulli(late ? d.level_late : d.level)) ++q.language[i];
  }
  if (q.discriminated[i] != 0) {
    rng::Draw draw = m.discrimination(q.key[i]);
    if (draw.bernoulli(d.resolve)) q.discriminated[i] = 0;
  }
  if (q.recognition[i] == static_cast<std::uint8_t>(Recognition::kPartial)) {
    rng::Draw draw = m.recognition(q.key[i]);
    if (draw.bernoulli(m.compensated))
      q.recognition[i] = static_cast<std::uint8_t>(Recognition::kFull);
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
    rates_.resize(nd);
    for (std::size_t d = 0; d < nd; ++d) {
      const double pace = s_.lever(s_.levers.language_pace, d);
      const double p_level = std::min(1.0, pace / p.language_months_per_level);
      const double ties_lever = s_.lever(s_.levers.ties_growth, d);
      rates_[d] = DistrictRates{
          .level = p_level,
          .level_late = std::min(1.0, p_level * p.language_flattening_factor),
          .resolve = std::min(1.0, s_.lever(s_.levers.discrimination_resolution, d) /
                                       p.discrimination_resolution_months),
          .growth = static_cast<float>(std::min(1.0, p.ties_growth_per_month * ties_lever)),
          .growth_employed = static_cast<float>(std::min(
              1.0, (p.ties_growth_per_month + p.ties_growth_employed_bonus) * ties_lever))};
    }
    const Month month{rates_.data(),
                      1.0 / p.compensation_months,
                      p.language_flattening_months,
                      ctx.stream(decisions::kLanguage),
                      ctx.stream(decisions::kDiscrimination),
                      ctx.stream(decisions::kRecognition)};
    if (s_.course_enrolled.size() != nd) s_.course_enrolled.assign(nd, 0.0);
    const bool anyone_enrolled = std::any_of(s_.course_enrolled.begin(), s_.course_enrolled.end(),
                                             [](double x) { return x > 0; });
    if (!s_.board.funded(s_.levers.language_course) && !anyone_enrolled) {
      // No course this month and nobody in one: the plain pass (the baseline's).
      ctx.for_agents(0, [&](const sched::BlockRange& r, sim::BlockEffects& /*fx*/) {
        const PersonRows q = rows;  // a local, so that it stays in registers (see PersonRows)
        const Month m = month;
        for (std::size_t i = r.begin; i < r.end; ++i) (void)integrate(q, m, i, false);
      });
      return;
    }
    run_courses(ctx, rows, month);
  }

 private:
  /// The language course programme: the month's pass also advances the courses (a result at
  /// the end: B1 with kCourseB1, else A2 with kCourseA2 of all takers, for those below) and
  /// lists the eligible (present foreign residents of working age below B1, not in a course)
  /// with a keyed priority; the free places of each district (its funded places at the run's
  /// scale, rounded down, minus those still in a course) go to its highest priorities
  /// (sim::CellMarket). The participants are reported to the board, which charges the funders.
  void run_courses(sim::StepContext& ctx, const PersonRows& rows, const Month& month) {
    const std::size_t nd = s_.n_districts();
    const rng::DecisionStream s_course = ctx.stream(decisions::kCourse);
    const int entry = static_cast<int>(s_.params.demography.labour_entry_age_years * 12.0);
    const RetirementTable retirement = s_.retirement_table(ctx.tick);
    market_.gather(
        ctx, nd, nd,
        [&](const sched::BlockRange& r, sim::CellMarket::Emitter& emit, std::span<double> tally) {
          const PersonRows q = rows;
          const Month m = month;
          const rng::DecisionStream course = s_course;
          for (std::size_t i = r.begin; i < r.end; ++i) {
            const bool in_course = q.course[i] > 0;
            if (!integrate(q, m, i, in_course)) {
              q.course[i] = 0;  // left, died or away: the course ends without a result
              continue;
            }
            if (in_course) {
              if (--q.course[i] > 0) {
                tally[q.district[i]] += 1;
              } else {
                rng::Draw draw = course(q.key[i]);
                const double u = draw.uniform();
                if (q.language[i] < 3 && u < kCourseB1) {
                  q.language[i] = 3;
                } else if (q.language[i] < 2 && u < kCourseB1 + kCourseA2) {
                  q.language[i] = 2;
                }
              }
              continue;  // in a course or just finished: not a candidate this month
            }
            if (q.nationality[i] == static_cast<std::uint8_t>(Nationality::kGerman) ||
                q.language[i] >= 3)
              continue;
            const int age = q.age[i];
            if (age < entry || age >= retirement(age)) continue;
            rng::Draw draw = course(q.key[i]);
            emit(q.district[i], draw.uniform(), q.key[i], i);
          }
        });
    const auto& enrolled = market_.tallies();
    policy::free_places(s_.board, s_.levers.language_course, s_.scale, enrolled, capacity_);
    s_.course_enrolled.assign(enrolled.begin(), enrolled.end());
    const PersonRows q = rows;
    for (const std::uint32_t row : market_.clear(ctx, capacity_)) {
      q.course[row] = static_cast<std::uint8_t>(kCourseMonths);
      s_.course_enrolled[q.district[row]] += 1;
    }
    policy::report_participants(s_.board, s_.levers.language_course, s_.course_enrolled, s_.weight);
  }

  ModelState& s_;
  std::vector<DistrictRates> rates_;
  sim::CellMarket market_;
  std::vector<std::size_t> capacity_;
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
