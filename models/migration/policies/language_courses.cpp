#include "models/migration/policies/language_courses.hpp"

#include <algorithm>

namespace brocken::migration::policies {

void LanguageCourses::configure(scenario::Reader& params) {
  params.read("budget_eur_per_year", budget_per_year_, {0, 1e10});
  params.read("cost_per_participant_eur", cost_per_participant_, {1, 1e6});
  params.read("course_months", course_months_, {1, 60});
  params.read("pace_multiplier", pace_multiplier_, {1, 10});
  params.read("start", start_);
  params.finish();
}

void LanguageCourses::bind(const policy::LeverBoard& board, scenario::Diagnostics& diags,
                           const scenario::SourcePos& where) {
  pace_ =
      policy::require_lever(board, "integration.language_pace", diags, where, "language_courses");
  eligible_ =
      policy::require_indicator(board, "newcomers_below_b1", diags, where, "language_courses");
}

void LanguageCourses::act(const policy::PolicyTick& tick, policy::LeverBoard& board) {
  spent_ = 0;
  if (tick.calendar_year * 12 + tick.calendar_month - 1 < start_.index()) return;
  const double eligible = board.indicator(eligible_);
  if (eligible <= 0) return;
  const double cost_per_month = cost_per_participant_ / course_months_;
  const double places = budget_per_year_ / 12.0 / cost_per_month;
  const double participants = std::min(places, eligible);
  const double coverage = participants / eligible;
  board.multiply(pace_, 1.0 + coverage * (pace_multiplier_ - 1.0));
  spent_ = participants * cost_per_month;
}

void LanguageCourses::save_state(io::ArchiveWriter& ar, const std::string& prefix) const {
  ar.put_scalar<double>(prefix + "/spent_eur", spent_);
}

void LanguageCourses::restore_state(const io::ArchiveReader& ar, const std::string& prefix) {
  const double spent = ar.get_scalar<double>(prefix + "/spent_eur");
  if (!(spent >= 0) || spent > 1e12) {
    throw io::ArchiveError("entry '" + prefix + "/spent_eur' is not a plausible amount");
  }
  spent_ = spent;
}

}  // namespace brocken::migration::policies
