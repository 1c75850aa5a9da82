#pragma once
/// @file
/// @brief The stage that runs enabled policy instances at the start of each month: the board
/// starts the month (rate levers to neutral, no places funded, no spending), then each instance
/// whose scope covers the month acts, in scenario order, confined to its regions; finally the
/// stock levers' effective values of the month are settled. A model puts this stage first;
/// policies therefore never touch the step loop.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/policy/instances.hpp"
#include "engine/policy/policy.hpp"
#include "engine/sim/simulation.hpp"

namespace brocken::policy {

class PolicyStage final : public sim::Stage {
 public:
  /// @param calendar maps a tick to (year, month 1..12).
  PolicyStage(LeverBoard& board, std::vector<Instance> instances,
              std::function<std::pair<int, int>(std::int32_t)> calendar)
      : board_(board), instances_(std::move(instances)), calendar_(std::move(calendar)) {
    board_.set_instances(instances_.size());
  }

  [[nodiscard]] std::string_view name() const override { return "policies"; }
  void run(sim::StepContext& ctx) override {
    board_.begin_month(ctx.tick);
    const auto [year, month] = calendar_(ctx.tick);
    const PolicyTick tick{ctx.tick, year, month};
    const int month_index = year * 12 + (month - 1);
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      if (!instances_[i].scope.active(month_index)) continue;
      board_.begin_policy(i, instances_[i].scope);
      instances_[i].policy->act(tick, board_);
      board_.end_policy();
    }
    board_.settle_stocks(ctx.tick);
  }
  /// @brief The instances, in scenario order.
  [[nodiscard]] const std::vector<Instance>& instances() const noexcept { return instances_; }

  /// @brief Checkpoints: each instance's own state under `<prefix>/<instance name>` (the board
  /// saves levers, stocks, places and spending itself).
  void save(io::ArchiveWriter& ar, const std::string& prefix) const {
    for (const auto& inst : instances_) inst.policy->save_state(ar, prefix + "/" + inst.name);
  }
  void restore(const io::ArchiveReader& ar, const std::string& prefix) {
    for (auto& inst : instances_) inst.policy->restore_state(ar, prefix + "/" + inst.name);
  }

 private:
  LeverBoard& board_;
  std::vector<Instance> instances_;
  std::function<std::pair<int, int>(std::int32_t)> calendar_;
};

}  // namespace brocken::policy
