/// @file
/// @brief Cost of the cell market (engine/sim/market.hpp) with 10^6 candidates over 14 cells (the
/// districts), on 1 and 2 threads.
///
/// Question answered: what do the housing and labour markets cost per candidate, and how is
/// that split between gathering (a keyed draw and an Efraimidis-Spirakis priority per candidate,
/// block lists joined per cell in block order) and clearing (nth_element per cell, then sorting
/// the winners' rows)? Every row of a 10^6-row store is a candidate in cell key mod 14 with
/// weight 1 + (key mod 3) (the weight changes nothing in the cost); each cell has `per_mille`
/// thousandths of its candidates as capacity (10 = 1 %, the order of a month's hires; 500 =
/// half, the worst case for nth_element).
///  - market_gather: phase 1 only;
///  - market_gather_clear: phases 1 and 2 (clear needs a fresh gather each time).
/// The difference of the two is the clearing. Items are candidates.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "engine/rng/keyed_rng.hpp"
#include "engine/sched/executor.hpp"
#include "engine/sim/market.hpp"
#include "engine/sim/step.hpp"
#include "engine/storage/columns.hpp"

namespace {

using brocken::sim::CellMarket;

constexpr std::size_t kCandidates = 1'000'000;
constexpr std::size_t kCells = 14;
constexpr std::size_t kBlockSize = 16384;
constexpr brocken::rng::DecisionId kPriority = brocken::rng::decision("bench.market");

struct Fixture {
  brocken::storage::ColumnStore store;
  brocken::storage::ColumnHandle<std::uint64_t> key;
  brocken::storage::ColumnHandle<std::uint8_t> cell;
  brocken::sched::Executor exec;
  brocken::sim::Workspace workspace;
  brocken::sim::StepContext ctx;
  std::vector<std::size_t> capacity;
  CellMarket market;

  Fixture(int threads, std::int64_t per_mille) : exec(threads) {
    key = store.declare<std::uint64_t>("key");
    cell = store.declare<std::uint8_t>("cell");
    store.append_rows(kCandidates);
    auto k = store.span(key);
    auto c = store.span(cell);
    for (std::size_t i = 0; i < kCandidates; ++i) {
      k[i] = brocken::rng::agent_key::initial(i);
      c[i] = static_cast<std::uint8_t>(i % kCells);
    }
    ctx.tick = 5;
    ctx.run = brocken::rng::RunKey{20240101U, 0U};
    ctx.exec = &exec;
    ctx.agents = &store;
    ctx.block_size = kBlockSize;
    ctx.workspace = &workspace;
    capacity.assign(kCells, kCandidates / kCells * static_cast<std::size_t>(per_mille) / 1000U);
  }

  const std::vector<std::size_t>& gather() {
    const auto k = store.span(key);
    const auto c = store.span(cell);
    const auto stream = ctx.stream(kPriority);
    return market.gather(ctx, kCells,
                         [&](const brocken::sched::BlockRange& r, CellMarket::Emitter& emit) {
                           for (std::size_t i = r.begin; i < r.end; ++i) {
                             const double w = 1.0 + static_cast<double>(k[i] % 3U);
                             emit(c[i], std::log(1.0 - stream(k[i]).uniform()) / w, k[i], i);
                           }
                         });
  }
};

void market_gather(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(1)), state.range(0));
  for ([[maybe_unused]] auto _ : state) {
    benchmark::DoNotOptimize(f.gather().data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCandidates));
}

void market_gather_clear(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(1)), state.range(0));
  for ([[maybe_unused]] auto _ : state) {
    f.gather();
    benchmark::DoNotOptimize(f.market.clear(f.ctx, f.capacity).data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCandidates));
}

}  // namespace

BENCHMARK(market_gather)
    ->ArgNames({"per_mille", "threads"})
    ->Args({10, 1})
    ->Args({10, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(market_gather_clear)
    ->ArgNames({"per_mille", "threads"})
    ->Args({10, 1})
    ->Args({10, 2})
    ->Args({500, 1})
    ->Args({500, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
