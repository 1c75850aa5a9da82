/// @file
/// @brief Throughput of the reference benchmark model (bench/reference/, bench/README.md
/// "Reference model") on the engine and as the hand-written loop, at 10^5 and 2.2 × 10^6 agents
/// on 1 and 2 threads; with `--large`, also at 2 × 10^7 agents (about 320 MB per model and
/// several seconds per case, so not part of a default run).
///
/// Question answered: how many agent-months per second does the engine's month (one agent-local
/// pass with keyed draws, removals and tallies, then the stable compaction) process, and how far
/// is it from a plain loop over arrays that implements the same rules (the practical limit)?
///
/// Method (as brocken_bench_tick): one untimed warm-up month, then a fixed 60 timed months (one
/// iteration = one month; 60 rather than the tick benchmark's 12 because a month of 10^5 agents
/// takes only about 0.5 ms), so every run simulates the same months and the state hash in the
/// label is reproducible. The hash must be equal for the engine and the hand-written loop and for 1
/// and 2 threads at the same agent count: compare the labels. Real time is the measure.
/// `peak_rss_MiB` is the process's ru_maxrss after the case: it is a high-water mark over the
/// whole process, so it only grows from one case to the next (run one case per process, e.g.
/// with --benchmark_filter, for a per-case figure; `brocken bench` reports it per run).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench/reference/handwritten.hpp"
#include "bench/reference/reference_model.hpp"
#include "bench/reference/rules.hpp"
#include "engine/sched/executor.hpp"

namespace {

constexpr benchmark::IterationCount kTimedMonths = 60;
constexpr int kWarmupMonths = 1;

template <class Model>
void run_months(benchmark::State& state, Model& model, int threads) {
  for (int m = 0; m < kWarmupMonths; ++m) model.step();
  const std::size_t agents_at_start = model.agent_count();
  double agent_months = 0;
  for ([[maybe_unused]] auto _ : state) {
    agent_months += static_cast<double>(model.agent_count());
    model.step();
  }
  state.counters["agent_months_per_s"] =
      benchmark::Counter(agent_months, benchmark::Counter::kIsRate);
  state.counters["agents"] = static_cast<double>(agents_at_start);
  state.counters["threads"] = static_cast<double>(threads);
  state.counters["bytes_per_agent"] = static_cast<double>(model.bytes_per_agent());
  state.counters["peak_rss_MiB"] =
      static_cast<double>(brocken::bench::peak_rss_bytes()) / (1024.0 * 1024.0);
  state.SetLabel(fmt::format("months={} hash={:016x}", model.tick(), model.state_hash()));
}

brocken::bench::ReferenceConfig config(const benchmark::State& state) {
  brocken::bench::ReferenceConfig cfg;
  cfg.agents = static_cast<std::size_t>(state.range(0));
  return cfg;
}

/// The reference model on the engine (ReferenceModel: ColumnStore, Simulation, for_agents).
void reference_engine(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(1));
  const brocken::sched::Executor exec(threads);
  brocken::bench::ReferenceModel model(config(state), exec);
  run_months(state, model, threads);
}

/// The same rules as a plain loop over arrays (HandwrittenReference).
void reference_handwritten(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(1));
  brocken::bench::HandwrittenReference model(config(state), threads);
  run_months(state, model, threads);
}

void register_all(bool large) {
  std::vector<std::int64_t> sizes{100'000, 2'200'000};
  if (large) sizes.push_back(20'000'000);
  for (const auto fn : {&reference_engine, &reference_handwritten}) {
    const char* name = fn == &reference_engine ? "reference_engine" : "reference_handwritten";
    auto* b = benchmark::RegisterBenchmark(name, fn);
    b->ArgNames({"agents", "threads"});
    for (const auto n : sizes) {
      b->Args({n, 1});
      b->Args({n, 2});
    }
    b->Iterations(kTimedMonths)->UseRealTime()->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // --large (ours, removed before Google Benchmark sees the arguments) adds 2 × 10^7 agents.
  bool large = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--large") {
      large = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  register_all(large);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
