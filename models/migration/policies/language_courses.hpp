#pragma once
/// @file
/// @brief `language_courses`: a regional budget for extra German courses for newcomers. The small
/// module that proves the policy contract (engine/policy/policy.hpp); the five policy levers of
/// the design brief come as their own modules.
///
/// Each month from `start`, the monthly budget funds `budget / (cost_per_participant /
/// course_months)` course places; their share of the eligible newcomers (foreign residents who
/// arrived within three years and are below B1) is the coverage. The language pace lever is
/// multiplied by 1 + coverage * (pace_multiplier - 1). Spending is what the filled places cost.
#include "engine/policy/policy.hpp"

namespace brocken::migration::policies {

class LanguageCourses final : public policy::Policy {
 public:
  void configure(scenario::Reader& params) override;
  void bind(const policy::LeverBoard& board, scenario::Diagnostics& diags,
            const scenario::SourcePos& where) override;
  void act(const policy::PolicyTick& tick, policy::LeverBoard& board) override;
  [[nodiscard]] double spending_eur() const override { return spent_; }
  [[nodiscard]] std::string_view summary() const override {
    return "extra German courses for newcomers below B1, from a yearly budget";
  }
  /// The spending of the last month is the only value that outlives act(); the budget is
  /// monthly and nothing carries over.
  void save_state(io::ArchiveWriter& ar, const std::string& prefix) const override;
  void restore_state(const io::ArchiveReader& ar, const std::string& prefix) override;

 private:
  double budget_per_year_ = 0;
  double cost_per_participant_ = 0;
  double course_months_ = 0;
  double pace_multiplier_ = 1;
  scenario::YearMonth start_;
  policy::LeverId pace_;
  policy::IndicatorId eligible_;
  double spent_ = 0;
};

}  // namespace brocken::migration::policies
