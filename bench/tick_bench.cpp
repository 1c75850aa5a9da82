/// @file
/// @brief Throughput of the migration model's monthly tick: agent-months per second of
/// ModelRun::step() on the real baseline scenario, at 10^5 and 10^6 agents on 1 and 2 threads.
///
/// Question answered: how many agent-months per second does one full tick (every stage: policies,
/// demography, departure, arrival, integration, housing, labour, report) process, and how much
/// does a second thread add? The figures size the runtime of a full 204-month run and of an
/// ensemble of replications.
///
/// Method, and why:
///  - The agent count is set through `population.scale`, the same override a user passes with
///    `--set`, so the population has the real age, district and nationality mix. The scale is
///    N / (initial population at scale 1), where that population is the sum of the region's
///    age-sex table (the state margin the starting population is built to); the initial agent
///    count differs from N because whole persons are drawn; the count when timing starts (after
///    the warm-up month) is reported as `agents`.
///  - One untimed warm-up tick runs first, so that the per-block workspace buffers are allocated
///    before timing starts: the figure is the steady-state cost of a month, which is what a long
///    run pays.
///  - The iteration count is fixed (kTimedTicks, one simulated year) instead of being chosen by
///    Google Benchmark from the elapsed time. Then every run of a configuration simulates exactly
///    the same months, and the state hash in the label is reproducible: by the determinism
///    contract it must be equal for 1 and 2 threads at the same agent count, which makes every
///    benchmark run a cheap determinism check as well. It also bounds the runtime on a shared
///    machine. --benchmark_min_time has no effect on these benchmarks.
///  - Real time (UseRealTime) is the measure, because CPU time of the calling thread ignores the
///    work of the second thread.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "engine/policy/registry.hpp"
#include "engine/rng/keyed_rng.hpp"
#include "engine/sched/executor.hpp"
#include "engine/storage/columns.hpp"
#include "models/migration/model.hpp"

namespace {

using brocken::migration::ModelRun;
using brocken::migration::Scenario;

/// Timed months per benchmark run: one simulated year, so that every calendar month is in the
/// figure once whatever a stage does on a particular month.
constexpr benchmark::IterationCount kTimedTicks = 12;
/// Untimed months before timing (workspace allocation; see the file comment).
constexpr int kWarmupTicks = 1;

std::filesystem::path baseline_path() {
  return std::filesystem::path(BROCKEN_SOURCE_DIR) / "scenarios" / "baseline.yaml";
}

const brocken::policy::Registry& registry() {
  static const brocken::policy::Registry r = [] {
    brocken::policy::Registry reg;
    brocken::migration::register_policies(reg);
    return reg;
  }();
  return r;
}

/// @brief Persons in the initial population at scale 1: the sum of the region's age-sex table
/// (population_age_sex.csv), the state margin that the starting population is built to; the
/// population at scale s has about s times as many persons.
double full_scale_population(const Scenario& sc) {
  double total = 0;
  for (const auto& by_sex : sc.region->population_age_sex) total += by_sex[0] + by_sex[1];
  return total;
}

/// @brief The baseline scenario scaled to about `agents` initial persons. Cached per agent count
/// because a ModelRun keeps a pointer to its Scenario, and loading reads the region's CSV files.
const Scenario& scenario_for(std::size_t agents) {
  static std::map<std::size_t, std::unique_ptr<const Scenario>> cache;
  auto it = cache.find(agents);
  if (it != cache.end()) return *it->second;
  const Scenario full = brocken::migration::load_scenario(baseline_path(), {}, registry());
  const double scale = static_cast<double>(agents) / full_scale_population(full);
  if (scale > 1.0) {
    throw std::invalid_argument(fmt::format("{} agents exceed the full-scale population", agents));
  }
  // 17 significant digits: the override round-trips the double exactly.
  const std::vector<std::string> overrides{fmt::format("population.scale={:.17g}", scale)};
  auto sc = std::make_unique<const Scenario>(
      brocken::migration::load_scenario(baseline_path(), overrides, registry()));
  return *cache.emplace(agents, std::move(sc)).first->second;
}

/// @brief Folds every element of one column into `h` (bit patterns, so floats hash exactly).
template <class T>
std::uint64_t hash_column(std::uint64_t h, std::span<const T> values) {
  for (const T v : values) {
    std::uint64_t bits = 0;
    if constexpr (sizeof(T) == 4 && !std::is_integral_v<T>) {
      bits = std::bit_cast<std::uint32_t>(v);
    } else if constexpr (std::is_signed_v<T>) {
      bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    } else {
      bits = static_cast<std::uint64_t>(v);
    }
    h = brocken::rng::combine(h, bits);
  }
  return brocken::rng::combine(h, values.size());
}

/// @brief Deterministic hash of a run's state: every agent column in storage order (the order is
/// itself deterministic: stable compaction and block-ordered appends) and every recorded series
/// value. Equal hashes at 1 and 2 threads are what the determinism contract promises.
std::uint64_t state_hash(const ModelRun& run) {
  const auto& a = run.agents();
  const auto& c = run.state().cols;
  std::uint64_t h = brocken::rng::mix64(a.size());
#define BROCKEN_X(type, column, short_name, lo, hi) h = hash_column(h, a.span(c.column));
  BROCKEN_PERSON_COLUMNS(BROCKEN_X)
#undef BROCKEN_X
  for (const auto& series : run.series().monthly) {
    for (const double v : series) h = brocken::rng::combine(h, std::bit_cast<std::uint64_t>(v));
  }
  return h;
}

/// @brief One iteration = one simulated month of the baseline at state.range(0) agents on
/// state.range(1) threads.
void tick(benchmark::State& state) {
  const auto agents = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<int>(state.range(1));
  const Scenario& sc = scenario_for(agents);
  // The runtime is injected: one executor per benchmark run, declared before (so destroyed
  // after) the run that uses it.
  const brocken::sched::Executor exec(threads);
  auto run = std::make_unique<ModelRun>(sc, 0U, exec, registry());
  for (int t = 0; t < kWarmupTicks; ++t) run->step();
  const std::size_t agents_at_start = run->agent_count();

  double agent_months = 0;
  for ([[maybe_unused]] auto _ : state) {
    if (run->tick() >= run->months()) {
      // Unreachable with the fixed iteration count; kept so that a longer run stays valid.
      state.PauseTiming();
      run = std::make_unique<ModelRun>(sc, 0U, exec, registry());
      state.ResumeTiming();
    }
    agent_months += static_cast<double>(run->agent_count());
    run->step();
  }

  state.counters["agent_months_per_s"] =
      benchmark::Counter(agent_months, benchmark::Counter::kIsRate);
  state.counters["agents"] = static_cast<double>(agents_at_start);
  state.counters["threads"] = static_cast<double>(threads);
  state.counters["bytes_per_agent"] = static_cast<double>(run->bytes_per_agent());
  state.SetLabel(fmt::format("ticks={} hash={:016x}", run->tick(), state_hash(*run)));
}

BENCHMARK(tick)
    ->ArgNames({"agents", "threads"})
    ->Args({100'000, 1})
    ->Args({100'000, 2})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 2})
    ->Iterations(kTimedTicks)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
