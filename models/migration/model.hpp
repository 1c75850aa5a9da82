#pragma once
/// @file
/// @brief The migration model's public face: load and validate a scenario (everything checked
/// before anything runs), run one replication month by month, and describe the results as a
/// model-agnostic io::Dataset. No threads and no HDF5 here: the executor is injected and the
/// dataset is written by the engine.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/archive.hpp"
#include "engine/io/dataset.hpp"
#include "engine/io/output_table.hpp"
#include "engine/policy/instances.hpp"
#include "engine/policy/registry.hpp"
#include "engine/scenario/load.hpp"
#include "engine/sched/executor.hpp"
#include "engine/sim/simulation.hpp"
#include "models/migration/outputs.hpp"
#include "models/migration/params.hpp"
#include "models/migration/region.hpp"
#include "models/migration/state.hpp"
#include "models/migration/synth.hpp"

namespace brocken::migration {

/// @brief Run-level settings of a scenario.
struct RunSettings {
  std::filesystem::path data_dir;
  scenario::YearMonth start;
  int months = 0;
  std::uint64_t seed = 0;
  int replications = 1;
  double scale = 1.0;
  std::size_t block_size = 16384;
  std::vector<int> output_age_bands;  ///< lower bounds in years, ascending, first 0
};

/// @brief A policy instance enabled by the scenario (engine/policy/instances.hpp).
using PolicySpec = policy::PolicySpec;

/// @brief A fully validated scenario with its region data.
struct Scenario {
  scenario::Document doc;
  RunSettings run;
  ModelParams params;
  std::vector<PolicySpec> policies;
  std::shared_ptr<const RegionData> region;
  /// The fitted starting population (expected persons at full scale), shared by every
  /// replication; each replication samples its persons from it.
  std::shared_ptr<const SyntheticPopulation> synth;
  /// Everything derived from the parameters and the region data alone (rates, shares, the labour
  /// market's calibration: derive_rates in setup.hpp), computed once when the scenario is loaded
  /// and copied into each replication, which then builds its own persons and run state.
  std::shared_ptr<const ModelState> derived;
};

/// @brief The policy modules this model provides (one line per module in register.cpp).
void register_policies(policy::Registry& registry);

/// @brief The model's policy board without region data (one region): its levers, stock levers,
/// programmes and indicators with units and descriptions (`brocken policies --levers`).
policy::LeverBoard declared_board();

/// @brief Loads, merges and validates a scenario, loads its region data and configures and binds
/// its policies on a throw-away model, so that every error surfaces here. Throws
/// scenario::InputError with all problems.
Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                       const policy::Registry& registry);

/// @brief Loads a resolved scenario (Document::resolved_yaml of an earlier load, as a checkpoint
/// keeps it): the same checks as load_scenario(); `display` names the text in messages. Paths in
/// a resolved scenario are absolute, so the result does not depend on the working directory.
Scenario load_resolved_scenario(const std::string& resolved_yaml, const std::string& display,
                                const policy::Registry& registry);

/// @brief What one replication recorded: per output of model_outputs() (outputs.hpp), the
/// monthly values and the stocks' state at the start.
using Series = io::Series;

/// @brief Checkpoints: saves a replication's series under `prefix`.
void save_series(const Series& series, io::ArchiveWriter& ar, const std::string& prefix);
/// @brief Reads back what save_series() wrote for `months_done` months of `scenario`. Throws
/// io::ArchiveError when an entry is missing or its length does not fit the scenario.
Series restore_series(const io::ArchiveReader& ar, const std::string& prefix,
                      const Scenario& scenario, std::int32_t months_done);

/// @brief One replication of a scenario.
class ModelRun {
 public:
  ModelRun(const Scenario& scenario, std::uint32_t replication, const sched::Executor& exec,
           const policy::Registry& registry);
  ~ModelRun();
  ModelRun(const ModelRun&) = delete;
  ModelRun& operator=(const ModelRun&) = delete;

  /// @brief Simulates one month.
  void step();
  [[nodiscard]] std::int32_t tick() const noexcept;
  [[nodiscard]] int months() const noexcept { return scenario_->run.months; }
  [[nodiscard]] const Series& series() const noexcept;
  /// @brief Persons followed: the residents and the away pool.
  [[nodiscard]] std::size_t agent_count() const noexcept;
  [[nodiscard]] std::size_t bytes_per_agent() const noexcept;
  /// @brief The residents (and those who left this month, until next month's demography stage).
  [[nodiscard]] const storage::ColumnStore& agents() const noexcept;
  /// @brief The away pool: former residents who may return (the engine's dormant agents).
  [[nodiscard]] const storage::ColumnStore& away_pool() const noexcept;
  [[nodiscard]] const ModelState& state() const noexcept;
  [[nodiscard]] std::uint32_t replication() const noexcept { return replication_; }
  /// @brief Moves the series out (for a finished replication whose agents are no longer needed).
  [[nodiscard]] Series take_series() noexcept;

  /// @brief Checkpoints: saves everything that changes during the run under `prefix`: the tick,
  /// the agents, the districts' market and pipeline state, the month's flows, the lever board,
  /// the policies' state and the series so far. Everything else (rates, shares, parameters) is
  /// derived from the scenario and the initial population again when a ModelRun is constructed.
  void save(io::ArchiveWriter& ar, const std::string& prefix) const;
  /// @brief Continues from a save() of the same scenario and replication: call on a freshly
  /// constructed ModelRun before its first step(). Throws io::ArchiveError naming the entry
  /// when something is missing, has the wrong size, or holds a value the model cannot have (a
  /// district index out of range, a negative age, ...); the run must then be discarded.
  void restore(const io::ArchiveReader& ar, const std::string& prefix);

 private:
  struct Impl;
  const Scenario* scenario_;
  std::uint32_t replication_;
  std::unique_ptr<Impl> impl_;
};

/// @brief What a run of a scenario needs, as upper bounds, for the memory check before it starts
/// (tools/main.cpp). Counts are agents (rows of the person table), not bytes.
struct ResourcePlan {
  double initial_agents = 0;  ///< the sampled starting population (expected, at the scale)
  /// An upper bound of the agents alive at once: the start plus every arrival and birth over the
  /// horizon, with nobody leaving the table (deaths are ignored, departures stay in the away pool
  /// as rows). Arrivals: the free streams and the skilled applications per year, x 1.25 for
  /// policies that raise them; births: at most 15 per 1000 persons a year (Saxony-Anhalt's crude
  /// birth rate was 6.3 per 1000 in 2023; the bound leaves room for any fertility scenario).
  double peak_agents = 0;
  std::size_t bytes_per_agent = 0;               ///< bytes of one row of the person columns
  std::size_t series_bytes_per_replication = 0;  ///< the series of one finished replication
};

/// @brief The resource plan of `scenario` (see ResourcePlan).
ResourcePlan plan_resources(const Scenario& scenario);

/// @brief Builds the output dataset of one or several replications (`replication` dimension when
/// more than one). `attrs` are added to the root (provenance).
io::Dataset make_dataset(const Scenario& scenario, const std::vector<const Series*>& runs,
                         const std::vector<std::string>& policy_names, io::Attributes attrs);

}  // namespace brocken::migration
