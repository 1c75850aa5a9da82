#include "models/migration/policies/language_courses.hpp"

namespace brocken::migration::policies {

void LanguageCourses::configure(scenario::Reader& params) {
  params.read("budget_eur_per_year", budget_per_year_, {0, 1e10});
  params.read("cost_per_participant_eur", cost_per_participant_, {1, 1e6});
  params.finish();
}

void LanguageCourses::bind(const policy::LeverBoard& board, scenario::Diagnostics& diags,
                           const scenario::SourcePos& where) {
  course_ = policy::require_programme(board, "integration.language_course", diags, where,
                                      "language_courses");
  eligible_ =
      policy::require_indicator(board, "newcomers_below_b1", diags, where, "language_courses");
}

void LanguageCourses::act(const policy::PolicyTick& /*tick*/, policy::LeverBoard& board) {
  const double eligible = board.indicator_in_scope(eligible_);
  if (!(eligible > 0)) return;
  const double cost_per_month = cost_per_participant_ / board.declaration(course_).months;
  const double places = budget_per_year_ / 12.0 / cost_per_month;
  for (const std::uint32_t d : board.scope().regions) {
    const double share = board.indicator(eligible_, d) / eligible;
    board.fund_places(course_, places * share, cost_per_month, d);
  }
}

}  // namespace brocken::migration::policies
