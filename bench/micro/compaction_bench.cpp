/// @file
/// @brief Cost of the stable compaction that removes dead and long-gone agents
/// (engine/storage/columns.hpp), at 10^6 rows of the migration model's 32-byte person schema.
///
/// Question answered: which stable compaction should the end-of-stage commit use, and does
/// spreading the columns over two threads pay? Workspace::commit (engine/sim/step.cpp) removes
/// the queued rows with erase_sorted_column, one task per column on the injected executor. The
/// alternatives measured at 0.1 %, 1 % and 10 % of rows removed (a month's deaths are of the
/// order of 0.1 %):
///  - compact_mask: ColumnStore::compact(keep mask), a branchy copy of every surviving row;
///  - erase_sorted: ColumnStore::erase_sorted(sorted rows), memmove of the segments between
///    removed rows, serially;
///  - erase_sorted_by_column: the engine's path, erase_sorted_column per column through
///    sched::Executor on 1 or 2 threads, then set_size_after_erase.
/// The removal list (or mask) is built outside the timing (the engine has it already), and the
/// store is refilled to 10^6 rows with the timer paused before every iteration. Items are rows
/// of the store before the removal.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>
#include <pcg_random.hpp>

#include "engine/sched/executor.hpp"
#include "engine/storage/columns.hpp"
#include "models/migration/person.hpp"

namespace {

using brocken::storage::ColumnStore;

constexpr std::size_t kRows = 1'000'000;

/// @brief A person store of kRows rows with distinct keys (other columns value-initialised; the
/// cost of moving bytes does not depend on their values).
struct Fixture {
  ColumnStore pristine;
  ColumnStore work;
  std::vector<std::uint8_t> keep;    ///< 1 = row survives
  std::vector<std::size_t> removed;  ///< ascending rows to remove

  explicit Fixture(std::int64_t removed_per_mille) {
    const auto cols = brocken::migration::PersonColumns::declare(pristine);
    pristine.append_rows(kRows);
    auto key = pristine.span(cols.key);
    for (std::size_t i = 0; i < kRows; ++i) key[i] = i;
    work = pristine.empty_like();
    work.reserve(kRows);
    // Removed rows spread uniformly at random (fixed seed), as deaths are.
    pcg32 gen(42U);
    keep.assign(kRows, 1);
    for (std::size_t i = 0; i < kRows; ++i) {
      if (static_cast<std::int64_t>(gen(1000U)) < removed_per_mille) {
        keep[i] = 0;
        removed.push_back(i);
      }
    }
  }

  /// @brief Restores `work` to the full kRows rows (call with the timer paused).
  void refill() {
    work.clear_rows();
    work.append_from(pristine);
  }
};

void compact_mask(benchmark::State& state) {
  Fixture f(state.range(0));
  for ([[maybe_unused]] auto _ : state) {
    state.PauseTiming();
    f.refill();
    state.ResumeTiming();
    f.work.compact(f.keep);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void erase_sorted(benchmark::State& state) {
  Fixture f(state.range(0));
  for ([[maybe_unused]] auto _ : state) {
    state.PauseTiming();
    f.refill();
    state.ResumeTiming();
    f.work.erase_sorted(f.removed);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void erase_sorted_by_column(benchmark::State& state) {
  Fixture f(state.range(0));
  const brocken::sched::Executor exec(static_cast<int>(state.range(1)));
  const std::span<const std::size_t> rows(f.removed);
  for ([[maybe_unused]] auto _ : state) {
    state.PauseTiming();
    f.refill();
    state.ResumeTiming();
    exec.for_each_index(f.work.column_count(),
                        [&](std::size_t c) { f.work.erase_sorted_column(c, rows); });
    f.work.set_size_after_erase(rows.size());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

BENCHMARK(compact_mask)
    ->ArgName("per_mille")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(erase_sorted)
    ->ArgName("per_mille")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(erase_sorted_by_column)
    ->ArgNames({"per_mille", "threads"})
    ->ArgsProduct({{1, 10, 100}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
