#pragma once
/// @file
/// @brief The monthly step loop: an ordered list of stages run once per tick. The loop knows
/// nothing of what the stages do (demography, markets, policies, reporting are all stages).
#include <memory>
#include <string_view>
#include <vector>

#include "engine/sim/step.hpp"

namespace brocken::sim {

/// @brief One step of the monthly pipeline.
class Stage {
 public:
  Stage() = default;
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;
  virtual ~Stage() = default;
  /// @brief Short name for logs and error messages.
  [[nodiscard]] virtual std::string_view name() const = 0;
  /// @brief Runs the stage for ctx.tick. Agent-local work goes through ctx.for_agents().
  virtual void run(StepContext& ctx) = 0;
};

/// @brief Owns the agents, the stage list and the per-block workspace of one run.
class Simulation {
 public:
  /// @param exec the injected parallel runtime; must outlive the Simulation.
  Simulation(storage::ColumnStore agents, rng::RunKey run, const sched::Executor& exec,
             std::size_t block_size);
  /// @brief Appends a stage (only before the first step()).
  void add_stage(std::unique_ptr<Stage> stage);
  /// @brief Runs every stage in order for the current tick, then advances the tick.
  void step();
  /// @brief Runs one stage on the current state without advancing the tick: for an observer
  /// (e.g. a report that records the state at the start, before the first step). The stage need
  /// not be one of the run's stages; it should not change the agents.
  void observe(Stage& stage);
  [[nodiscard]] std::int32_t tick() const noexcept { return tick_; }
  /// @brief Continues a run restored from a checkpoint at `tick` (after the stages were added
  /// and the agents restored). Every random number is keyed by the tick, so the agents, the
  /// model's state and the tick are all a run needs.
  void restore_tick(std::int32_t tick);
  /// @brief The active agents (visited by every agent-local pass).
  [[nodiscard]] storage::ColumnStore& agents() noexcept { return agents_; }
  [[nodiscard]] const storage::ColumnStore& agents() const noexcept { return agents_; }
  /// @brief The dormant agents (same schema; visited only by StepContext::for_dormant(), see
  /// engine/sim/step.hpp). Empty unless a stage transfers agents there.
  [[nodiscard]] storage::ColumnStore& dormant() noexcept { return dormant_; }
  [[nodiscard]] const storage::ColumnStore& dormant() const noexcept { return dormant_; }
  [[nodiscard]] const std::vector<std::unique_ptr<Stage>>& stages() const noexcept {
    return stages_;
  }

 private:
  StepContext context() noexcept;
  storage::ColumnStore agents_;
  storage::ColumnStore dormant_;
  rng::RunKey run_;
  const sched::Executor* exec_;
  std::size_t block_size_;
  Workspace workspace_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::int32_t tick_ = 0;
};

}  // namespace brocken::sim
