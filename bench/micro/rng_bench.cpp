/// @file
/// @brief Cost of a keyed random draw (engine/rng/keyed_rng.hpp).
///
/// Question answered: what does the determinism contract cost per agent and decision? Every
/// agent-local decision seeds a fresh pcg32 from (run, tick, decision, agent key) instead of
/// drawing from one long-lived generator. The three benchmarks below draw `draws` uniforms for
/// each of 10^6 agents:
///  - keyed_draw_stream: the kernel pattern, DecisionStream(run, tick, decision) built once per
///    pass, then stream(key).uniform() per agent;
///  - keyed_draw_from_scratch: Draw(run, key, tick, decision) per agent with the run key opaque
///    to the optimiser, i.e. the (run, tick, decision) prefix re-hashed for every agent: shows
///    what building the DecisionStream once per pass saves;
///  - sequential_pcg32: one pcg32 for all agents, the unkeyed baseline that the contract rules
///    out (results would depend on visiting order, hence on threads and blocks).
/// Items are agents; with draws = 4 the per-draw cost separates from the per-agent seeding cost.
#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>
#include <pcg_random.hpp>

#include "engine/rng/keyed_rng.hpp"

namespace {

using brocken::rng::agent_key::initial;

constexpr std::size_t kAgents = 1'000'000;
constexpr brocken::rng::RunKey kRun{20240101U, 0U};
constexpr std::int32_t kTick = 17;
constexpr brocken::rng::DecisionId kDecision = brocken::rng::decision("bench.decision");

/// @brief The same 53-bit uniform as Draw::uniform(), from a plain generator.
double uniform(pcg32& gen) {
  const std::uint64_t hi = gen();
  const std::uint64_t lo = gen();
  return static_cast<double>(((hi << 21U) ^ lo) & ((1ULL << 53U) - 1U)) * 0x1p-53;
}

void keyed_draw_stream(benchmark::State& state) {
  const auto draws = static_cast<int>(state.range(0));
  for ([[maybe_unused]] auto _ : state) {
    const brocken::rng::DecisionStream stream(kRun, kTick, kDecision);
    double sum = 0;
    for (std::size_t i = 0; i < kAgents; ++i) {
      auto draw = stream(initial(i));
      for (int k = 0; k < draws; ++k) sum += draw.uniform();
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kAgents));
}

void keyed_draw_from_scratch(benchmark::State& state) {
  const auto draws = static_cast<int>(state.range(0));
  for ([[maybe_unused]] auto _ : state) {
    double sum = 0;
    for (std::size_t i = 0; i < kAgents; ++i) {
      // Opaque to the optimiser, as a run key read through a reference is in a kernel that also
      // writes through spans: otherwise the compiler hoists the prefix and this equals the above.
      brocken::rng::RunKey run = kRun;
      benchmark::DoNotOptimize(run);
      brocken::rng::Draw draw(run, initial(i), kTick, kDecision);
      for (int k = 0; k < draws; ++k) sum += draw.uniform();
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kAgents));
}

void sequential_pcg32(benchmark::State& state) {
  const auto draws = static_cast<int>(state.range(0));
  pcg32 gen(kRun.seed);
  for ([[maybe_unused]] auto _ : state) {
    double sum = 0;
    for (std::size_t i = 0; i < kAgents; ++i) {
      for (int k = 0; k < draws; ++k) sum += uniform(gen);
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kAgents));
}

BENCHMARK(keyed_draw_stream)->ArgName("draws")->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);
BENCHMARK(keyed_draw_from_scratch)->ArgName("draws")->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);
BENCHMARK(sequential_pcg32)->ArgName("draws")->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);

}  // namespace
