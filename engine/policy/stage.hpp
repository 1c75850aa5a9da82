#pragma once
/// @file
/// @brief The stage that runs enabled policies at the start of each month: levers are reset to
/// neutral, then each policy acts in scenario order and reports its spending. A model puts this
/// stage first; policies therefore never touch the step loop.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/policy/policy.hpp"
#include "engine/sim/simulation.hpp"

namespace brocken::policy {

class PolicyStage final : public sim::Stage {
 public:
  /// @param calendar maps a tick to (year, month 1..12).
  PolicyStage(LeverBoard& board, std::vector<std::unique_ptr<Policy>> policies,
              std::function<std::pair<int, int>(std::int32_t)> calendar)
      : board_(board),
        policies_(std::move(policies)),
        calendar_(std::move(calendar)),
        spending_(policies_.size(), 0.0) {}

  [[nodiscard]] std::string_view name() const override { return "policies"; }
  void run(sim::StepContext& ctx) override {
    board_.reset_levers();
    const auto [year, month] = calendar_(ctx.tick);
    const PolicyTick tick{ctx.tick, year, month};
    for (std::size_t i = 0; i < policies_.size(); ++i) {
      policies_[i]->act(tick, board_);
      spending_[i] = policies_[i]->spending_eur();
    }
  }
  /// @brief Spending of each policy in the current month (EUR), in scenario order.
  [[nodiscard]] const std::vector<double>& spending() const noexcept { return spending_; }

  /// @brief Checkpoints: the month's spending (`<prefix>/spending`) and each policy's own state
  /// under `<prefix>/<index in scenario order>`.
  void save(io::ArchiveWriter& ar, const std::string& prefix) const {
    ar.put<double>(prefix + "/spending", spending_);
    for (std::size_t i = 0; i < policies_.size(); ++i) {
      policies_[i]->save_state(ar, prefix + "/" + std::to_string(i));
    }
  }
  void restore(const io::ArchiveReader& ar, const std::string& prefix) {
    spending_ = ar.get<double>(prefix + "/spending", policies_.size());
    for (std::size_t i = 0; i < policies_.size(); ++i) {
      policies_[i]->restore_state(ar, prefix + "/" + std::to_string(i));
    }
  }

 private:
  LeverBoard& board_;
  std::vector<std::unique_ptr<Policy>> policies_;
  std::function<std::pair<int, int>(std::int32_t)> calendar_;
  std::vector<double> spending_;
};

}  // namespace brocken::policy
