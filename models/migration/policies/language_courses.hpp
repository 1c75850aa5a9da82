#pragma once
/// @file
/// @brief `language_courses`: a budget for extra German courses. The small module that proves
/// the policy contract (engine/policy/policy.hpp); the five policy levers of the design brief
/// come as their own modules.
///
/// Each month of its scope, the monthly budget funds `budget / 12 / (cost_per_participant /
/// course months)` places in the model's programme `integration.language_course` (course
/// months: the programme's declared length), shared among the instance's districts in
/// proportion to their newcomers below B1 (last month's indicator; no places while it is 0 in
/// every district). The model fills the places with eligible residents
/// (models/migration/integration.cpp) and the engine charges the participants: spending is per
/// participant-month, in the district where the course runs.
#include "engine/policy/policy.hpp"

namespace brocken::migration::policies {

class LanguageCourses final : public policy::Policy {
 public:
  void configure(scenario::Reader& params) override;
  void bind(const policy::LeverBoard& board, scenario::Diagnostics& diags,
            const scenario::SourcePos& where) override;
  void act(const policy::PolicyTick& tick, policy::LeverBoard& board) override;
  [[nodiscard]] std::string_view summary() const override {
    return "funds German course places for residents below B1, from a yearly budget";
  }

 private:
  double budget_per_year_ = 0;
  double cost_per_participant_ = 0;
  policy::ProgrammeId course_;
  policy::IndicatorId eligible_;
};

}  // namespace brocken::migration::policies
