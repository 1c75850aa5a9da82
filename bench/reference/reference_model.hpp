#pragma once
/// @file
/// @brief The reference benchmark model on the real engine (issue #4, part 1): the same storage
/// (storage::ColumnStore), step loop (sim::Simulation, one Stage using StepContext::for_agents
/// with keyed draws, BlockEffects::remove and tallies) and output path (io::Dataset,
/// io::write_hdf5) as the migration model, with rules simple enough to port anywhere
/// (bench/reference/rules.hpp, bench/README.md). It depends on the engine only, never on models/.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "bench/reference/rules.hpp"
#include "engine/io/dataset.hpp"
#include "engine/sched/executor.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/storage/columns.hpp"

namespace brocken::bench {

/// @brief The agent store's columns: 16 bytes per person.
struct ReferenceColumns {
  storage::ColumnHandle<std::uint64_t> key;
  storage::ColumnHandle<std::int16_t> age_months;
  storage::ColumnHandle<std::int16_t> months_here;
  storage::ColumnHandle<float> integration;

  /// @brief Declares the four columns in `store` (which must be empty).
  static ReferenceColumns declare(storage::ColumnStore& store);
};

class MonthStage;

/// @brief One run of the reference model. Not copyable or movable (its stage points into it).
class ReferenceModel {
 public:
  /// @param exec the injected runtime; must outlive the model. The initial population is built in
  /// parallel on it (keyed draws, so the result does not depend on the thread count).
  ReferenceModel(const ReferenceConfig& config, const sched::Executor& exec);
  ~ReferenceModel();
  ReferenceModel(const ReferenceModel&) = delete;
  ReferenceModel& operator=(const ReferenceModel&) = delete;
  ReferenceModel(ReferenceModel&&) = delete;
  ReferenceModel& operator=(ReferenceModel&&) = delete;

  /// @brief Simulates one month.
  void step();
  /// @brief Months simulated so far.
  [[nodiscard]] std::int32_t tick() const noexcept { return sim_.tick(); }
  [[nodiscard]] std::size_t agent_count() const noexcept { return sim_.agents().size(); }
  /// @brief Sum of the column element sizes (bytes per person in the agent store).
  [[nodiscard]] std::size_t bytes_per_agent() const noexcept {
    return sim_.agents().bytes_per_row();
  }
  [[nodiscard]] const ReferenceColumns& columns() const noexcept { return cols_; }
  [[nodiscard]] const storage::ColumnStore& agents() const noexcept { return sim_.agents(); }
  /// @brief Mutable store, for tests that set a state before the first step.
  [[nodiscard]] storage::ColumnStore& agents() noexcept { return sim_.agents(); }
  /// @brief Mean integration of the stayers, one value per simulated month.
  [[nodiscard]] const std::vector<double>& mean_integration() const noexcept;
  /// @brief Persons at the end of each simulated month.
  [[nodiscard]] const std::vector<double>& persons() const noexcept;
  /// @brief state_hash() of the current columns and the monthly means.
  [[nodiscard]] std::uint64_t state_hash() const;
  /// @brief The monthly series as an output dataset (dimension `time`, variables
  /// `mean_integration` and `persons`), with `attrs` at the root.
  [[nodiscard]] io::Dataset dataset(io::Attributes attrs) const;

 private:
  ReferenceConfig config_;
  ReferenceColumns cols_;
  sim::Simulation sim_;
  MonthStage* stage_ = nullptr;  ///< owned by sim_
};

}  // namespace brocken::bench
