// Parser of the admission pipeline's parameters (params.hpp).
#include "models/migration/admission/params.hpp"

namespace brocken::migration::admission {

using scenario::Bounds;
using scenario::Reader;

namespace {
constexpr Bounds kProbability{0.0, 1.0};
constexpr Bounds kDays{0.0, 3650.0};
constexpr Bounds kPoints{-1e6, 1e6};

void parse_step(Reader r, Step step, StepParams& p) {
  r.read("days", p.days, kDays);
  r.read("days_accelerated", p.days_accelerated, kDays);
  if (r.has("capacity_per_100k_per_month")) {
    r.read("capacity_per_100k_per_month", p.capacity_per_100k_per_month, {0, 1e6});
  }
  if (r.has("capacity_calibration")) {
    Reader c = r.section("capacity_calibration");
    c.read("wait_months", p.calibrate_wait_months, {0.1, 120});
    c.read("share_of_offices", p.calibrate_share_of_offices, {0.01, 0.99});
    c.finish();
    if (p.capacity_per_100k_per_month >= 0) {
      r.diagnostics().add(r.pos(), r.path() + ".capacity_calibration",
                          "give either capacity_per_100k_per_month or capacity_calibration");
    }
  }
  (void)step;
  r.finish();
}
}  // namespace

void parse(Reader r, Params& p) {
  r.read("applications_per_year", p.applications_per_year, {0, 1e7});
  r.read("academic_share", p.academic_share, kProbability);
  r.read("accelerated_share", p.accelerated_share, kProbability);
  r.read("job_offer_share", p.job_offer_share, kProbability);
  r.read("abandon_per_month", p.abandon_per_month, kProbability);
  r.read("recognition_full", p.recognition_full, kProbability);
  r.read("recognition_none", p.recognition_none, kProbability);
  if (p.recognition_full + p.recognition_none > 1.0 + 1e-9) {
    r.diagnostics().add(r.pos(), r.path() + ".recognition_none",
                        "recognition_full + recognition_none must not exceed 1");
  }
  r.read("warmup_months", p.warmup_months, {0, 600});
  r.read("shortage_groups", p.shortage_groups);
  {
    Reader steps = r.section("steps");
    for (int s = 0; s < kSteps; ++s) {
      parse_step(steps.section(kStepNames[static_cast<std::size_t>(s)]), static_cast<Step>(s),
                 p.steps[static_cast<std::size_t>(s)]);
    }
    steps.finish();
  }
  {
    Reader sel = r.section("selection");
    sel.read("points_shortage", p.selection.points_shortage, kPoints);
    sel.read("points_academic", p.selection.points_academic, kPoints);
    sel.read("points_per_language_level", p.selection.points_per_language_level, kPoints);
    sel.read("points_job_offer", p.selection.points_job_offer, kPoints);
    sel.read("min_points", p.selection.min_points, kPoints);
    sel.finish();
  }
  const StepParams& appointment = p.steps[static_cast<std::size_t>(Step::kAppointment)];
  if (appointment.calibrate_wait_months > 0 && p.abandon_per_month <= 0) {
    r.diagnostics().add(r.pos(), r.path() + ".abandon_per_month",
                        "must be above 0 for a capacity_calibration (without abandonment a queue "
                        "at capacity grows without bound, and no capacity gives a steady wait)");
  }
  r.finish();
}

}  // namespace brocken::migration::admission
