#pragma once
/// @file
/// @brief What a stage sees during one tick, and the agent-local pass with deferred structural
/// changes.
///
/// Data flow of `StepContext::for_agents(tallies, kernel)`:
///  1. the rows are cut into fixed-size blocks (boundaries independent of the thread count);
///  2. kernel(block, effects) runs for every block, in parallel or serially; it may write only the
///     rows of its block, queue removals or transfers of its own rows, append new rows to its
///     block's spawn buffer, and add to its block's tally vector;
///  3. after all blocks: rows queued for transfer are appended to the other store (the dormant
///     agents for a pass over the active ones, and the other way round) in ascending row order;
///     removals and transfers are applied by one stable compaction; then spawned rows are
///     appended in block order, then the tallies are summed in block order.
/// Because steps 2 and 3 depend only on block boundaries, the result is bit-identical at any
/// thread count.
///
/// Dormant agents: a run keeps two stores of the same schema. The active agents are visited by
/// every pass (`for_agents`); the dormant ones only by the passes that ask for them
/// (`for_dormant`). A model keeps there the agents it must follow without stepping them with
/// everyone else (for example people who left the modelled region and may come back), so that
/// the other passes do not read past them. An agent moves between the stores by `transfer()`; its
/// key, and so its random numbers, go with it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/assert.hpp"
#include "engine/rng/keyed_rng.hpp"
#include "engine/sched/executor.hpp"
#include "engine/storage/columns.hpp"

namespace brocken::sim {

/// @brief Per-block buffers of one agent-local pass.
class BlockEffects {
 public:
  /// @brief Queues the removal of `row`, which must lie in this block; rows must be queued in
  /// ascending order, each at most once.
  void remove(std::size_t row) {
    BROCKEN_ASSERT(row >= range_.begin && row < range_.end, "remove outside own block");
    BROCKEN_ASSERT(removals_.empty() || removals_.back() < row, "removals must be ascending");
    removals_.push_back(row);
  }
  /// @brief Queues the move of `row`, which must lie in this block, to the other store (see the
  /// file comment); rows must be queued in ascending order, each at most once, and never also
  /// removed. The row keeps its values; the pass may still change them before it ends.
  void transfer(std::size_t row) {
    BROCKEN_ASSERT(row >= range_.begin && row < range_.end, "transfer outside own block");
    BROCKEN_ASSERT(transfers_.empty() || transfers_.back() < row, "transfers must be ascending");
    transfers_.push_back(row);
  }
  /// @brief Appends a value-initialised row to this block's spawn buffer and returns its index
  /// there; fill it through `spawned().span(handle)[index]`.
  std::size_t spawn() { return spawned_.append_rows(1); }
  [[nodiscard]] storage::ColumnStore& spawned() noexcept { return spawned_; }
  /// @brief This block's tally accumulators (zeroed before the pass).
  [[nodiscard]] std::span<double> tally() noexcept { return tally_; }
  [[nodiscard]] const sched::BlockRange& range() const noexcept { return range_; }

 private:
  friend class Workspace;
  sched::BlockRange range_;
  std::vector<std::size_t> removals_;
  std::vector<std::size_t> transfers_;
  storage::ColumnStore spawned_;
  std::vector<double> tally_;
};

/// @brief Reusable per-block buffers, owned by the Simulation and reused across stages and ticks.
class Workspace {
 public:
  /// @brief Runs an agent-local pass over `agents` (see file comment) and returns the summed
  /// tallies; transferred rows go to `other` (same schema).
  template <class Kernel>
  std::vector<double> run(const sched::Executor& exec, storage::ColumnStore& agents,
                          storage::ColumnStore& other, std::size_t block_size, std::size_t tallies,
                          Kernel&& kernel) {
    const std::size_t rows = agents.size();
    const std::size_t blocks = sched::block_count(rows, block_size);
    prepare(agents, blocks, tallies);
    exec.for_each_block(rows, block_size, [&](const sched::BlockRange& r) {
      BlockEffects& fx = buffers_[r.index];
      fx.range_ = r;
      kernel(r, fx);
    });
    return commit(exec, agents, other, blocks, tallies);
  }

 private:
  void prepare(const storage::ColumnStore& agents, std::size_t blocks, std::size_t tallies);
  std::vector<double> commit(const sched::Executor& exec, storage::ColumnStore& agents,
                             storage::ColumnStore& other, std::size_t blocks, std::size_t tallies);

  std::vector<BlockEffects> buffers_;
  std::vector<std::size_t> removed_;
  std::vector<std::size_t> transferred_;
  std::vector<std::size_t> erased_;
};

/// @brief Everything a stage may use during one tick.
struct StepContext {
  std::int32_t tick = 0;  ///< months since the start month (0-based)
  rng::RunKey run;        ///< seed and replication
  const sched::Executor* exec = nullptr;
  storage::ColumnStore* agents = nullptr;
  storage::ColumnStore* dormant = nullptr;  ///< same schema; see the file comment
  std::size_t block_size = 4096;
  Workspace* workspace = nullptr;

  /// @brief Agent-local pass with deferred removals/spawns; returns `tallies` sums.
  /// @warning When the pass removed or spawned rows, spans taken before it are invalid.
  template <class Kernel>
  std::vector<double> for_agents(std::size_t tallies, Kernel&& kernel) {
    return workspace->run(*exec, *agents, *dormant, block_size, tallies,
                          std::forward<Kernel>(kernel));
  }
  /// @brief The same over the dormant agents; BlockEffects::transfer() makes a row active again
  /// (appended after the active rows).
  template <class Kernel>
  std::vector<double> for_dormant(std::size_t tallies, Kernel&& kernel) {
    return workspace->run(*exec, *dormant, *agents, block_size, tallies,
                          std::forward<Kernel>(kernel));
  }
  /// @brief A keyed random generator for one agent's decision this tick.
  [[nodiscard]] rng::Draw draw(std::uint64_t agent_key, rng::DecisionId d) const noexcept {
    return rng::Draw(run, agent_key, tick, d);
  }
  /// @brief The stream of one decision this tick: stream(agent_key) is that agent's generator.
  [[nodiscard]] rng::DecisionStream stream(rng::DecisionId d) const noexcept {
    return rng::DecisionStream(run, tick, d);
  }
};

}  // namespace brocken::sim
