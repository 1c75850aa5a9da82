#include "engine/sim/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "engine/sim/market.hpp"

namespace brocken::sim {
namespace {

constexpr auto kDie = rng::decision("test.die");
constexpr auto kBirth = rng::decision("test.birth");
constexpr auto kPriority = rng::decision("test.priority");

struct Cols {
  storage::ColumnHandle<std::uint64_t> key;
  storage::ColumnHandle<std::int32_t> age;
  storage::ColumnHandle<std::uint8_t> cell;
  storage::ColumnHandle<std::uint8_t> winner;
};

/// A toy population: every agent ages, dies with probability 0.03, gives birth with probability
/// 0.04; then a market gives 5 slots per cell to the agents with the highest keyed priority.
class ToyStage final : public Stage {
 public:
  explicit ToyStage(Cols c) : c_(c) {}
  [[nodiscard]] std::string_view name() const override { return "toy"; }
  void run(StepContext& ctx) override {
    auto& a = *ctx.agents;
    auto key = a.span(c_.key);
    auto age = a.span(c_.age);
    auto cell = a.span(c_.cell);
    const auto die = ctx.stream(kDie);
    const auto birth = ctx.stream(kBirth);
    const auto t = ctx.for_agents(2, [&](const sched::BlockRange& r, BlockEffects& fx) {
      for (std::size_t i = r.begin; i < r.end; ++i) {
        ++age[i];
        if (die(key[i]).bernoulli(0.03)) {
          fx.remove(i);
          fx.tally()[0] += 1;
          continue;
        }
        if (birth(key[i]).bernoulli(0.04)) {
          const std::size_t j = fx.spawn();
          fx.spawned().span(c_.key)[j] = rng::agent_key::birth(key[i], ctx.tick, 0);
          fx.spawned().span(c_.cell)[j] = cell[i];
          fx.tally()[1] += 1;
        }
      }
    });
    deaths += t[0];
    births += t[1];
    // Structural changes reallocate columns: spans must be resolved again.
    key = a.span(c_.key);
    cell = a.span(c_.cell);
    auto prio = ctx.stream(kPriority);
    const auto& counts =
        market.gather(ctx, 3, [&](const sched::BlockRange& r, CellMarket::Emitter& emit) {
          for (std::size_t i = r.begin; i < r.end; ++i)
            emit(cell[i], prio(key[i]).uniform(), key[i], i);
        });
    EXPECT_EQ(counts.size(), 3U);
    std::vector<std::size_t> capacity(3, 5);
    auto winner = a.span(c_.winner);
    for (const auto row : market.clear(ctx, capacity)) winner[row] += 1;
  }
  double deaths = 0;
  double births = 0;
  CellMarket market;

 private:
  Cols c_;
};

struct Outcome {
  std::vector<std::uint64_t> keys;
  std::vector<std::int32_t> ages;
  std::vector<std::uint8_t> winners;
  double deaths;
  double births;
  bool operator==(const Outcome&) const = default;
};

Outcome run_toy(int threads, std::size_t block_size, std::uint64_t seed = 9) {
  storage::ColumnStore agents;
  Cols c{agents.declare<std::uint64_t>("key"), agents.declare<std::int32_t>("age"),
         agents.declare<std::uint8_t>("cell"), agents.declare<std::uint8_t>("winner")};
  agents.append_rows(5000);
  for (std::size_t i = 0; i < 5000; ++i) {
    agents.span(c.key)[i] = rng::agent_key::initial(i);
    agents.span(c.cell)[i] = static_cast<std::uint8_t>(i % 3);
  }
  const sched::Executor exec(threads);
  Simulation sim(std::move(agents), rng::RunKey{seed, 0}, exec, block_size);
  auto stage = std::make_unique<ToyStage>(c);
  ToyStage* toy = stage.get();
  sim.add_stage(std::move(stage));
  for (int t = 0; t < 30; ++t) sim.step();
  const auto& a = sim.agents();
  return Outcome{{a.span(c.key).begin(), a.span(c.key).end()},
                 {a.span(c.age).begin(), a.span(c.age).end()},
                 {a.span(c.winner).begin(), a.span(c.winner).end()},
                 toy->deaths,
                 toy->births};
}

class SimulationThreads : public ::testing::TestWithParam<std::tuple<int, std::size_t>> {};

TEST_P(SimulationThreads, ResultIsIndependentOfThreadsAndBlockSize) {
  static const Outcome reference = run_toy(1, 5000);
  const auto [threads, block] = GetParam();
  const Outcome got = run_toy(threads, block);
  EXPECT_GT(got.deaths, 0);
  EXPECT_GT(got.births, 0);
  EXPECT_TRUE(got == reference);
}

INSTANTIATE_TEST_SUITE_P(Grid, SimulationThreads,
                         ::testing::Combine(::testing::Values(1, 2, 4),
                                            ::testing::Values(std::size_t{7}, std::size_t{256},
                                                              std::size_t{4096})),
                         [](const auto& param_info) {
                           return "t" + std::to_string(std::get<0>(param_info.param)) + "_b" +
                                  std::to_string(std::get<1>(param_info.param));
                         });

TEST(Simulation, SeedChangesTheOutcome) {
  EXPECT_FALSE(run_toy(1, 256, 9) == run_toy(1, 256, 10));
}

TEST(Simulation, RemovalsAreCompactedStablyAndSpawnsAppendedInRowOrder) {
  const Outcome o = run_toy(2, 64);
  // Initial agents (origin 0) keep their relative order and come before... every key appears once.
  std::vector<std::uint64_t> sorted = o.keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  std::uint64_t last_initial = 0;
  bool first = true;
  for (const auto k : o.keys) {
    if (k >> 62U != 0) continue;
    if (!first) {
      EXPECT_GT(k, last_initial) << "survivors of the initial population stay in key order";
    }
    first = false;
    last_initial = k;
  }
}

constexpr auto kSleep = rng::decision("test.sleep");

struct SleepCols {
  storage::ColumnHandle<std::uint64_t> key;
  storage::ColumnHandle<std::int32_t> active_months;   ///< months visited by the active pass
  storage::ColumnHandle<std::int32_t> dormant_months;  ///< months visited by the dormant pass
  storage::ColumnHandle<std::int32_t> moves;           ///< transfers so far
};

/// Active agents fall dormant with probability 0.05 a month; dormant ones wake with probability
/// 0.2 (their month's first number) or die with probability 0.1 (the rest of it).
class SleepStage final : public Stage {
 public:
  explicit SleepStage(SleepCols c) : c_(c) {}
  [[nodiscard]] std::string_view name() const override { return "sleep"; }
  void run(StepContext& ctx) override {
    const auto stream = ctx.stream(kSleep);
    const auto t0 = ctx.for_dormant(2, [&](const sched::BlockRange& r, BlockEffects& fx) {
      auto& d = *ctx.dormant;
      for (std::size_t i = r.begin; i < r.end; ++i) {
        ++d.span(c_.dormant_months)[i];
        const double u = stream(d.span(c_.key)[i]).uniform();
        if (u < 0.2) {
          ++d.span(c_.moves)[i];
          fx.transfer(i);
          fx.tally()[0] += 1;
        } else if (u < 0.3) {
          fx.remove(i);
          fx.tally()[1] += 1;
        }
      }
    });
    const auto t1 = ctx.for_agents(1, [&](const sched::BlockRange& r, BlockEffects& fx) {
      auto& a = *ctx.agents;
      for (std::size_t i = r.begin; i < r.end; ++i) {
        ++a.span(c_.active_months)[i];
        if (stream(a.span(c_.key)[i]).uniform() < 0.05) {
          ++a.span(c_.moves)[i];
          fx.transfer(i);
          fx.tally()[0] += 1;
        }
      }
    });
    woke += t0[0];
    died += t0[1];
    slept += t1[0];
  }
  double woke = 0;
  double died = 0;
  double slept = 0;

 private:
  SleepCols c_;
};

struct SleepOutcome {
  std::vector<std::uint64_t> active;
  std::vector<std::uint64_t> dormant;
  std::vector<std::int32_t> active_months;
  std::vector<std::int32_t> dormant_months;
  std::vector<std::int32_t> moves;
  double woke, died, slept;
  bool operator==(const SleepOutcome&) const = default;
};

SleepOutcome run_sleep(int threads, std::size_t block_size) {
  storage::ColumnStore agents;
  SleepCols c{agents.declare<std::uint64_t>("key"), agents.declare<std::int32_t>("active_months"),
              agents.declare<std::int32_t>("dormant_months"),
              agents.declare<std::int32_t>("moves")};
  agents.append_rows(3000);
  for (std::size_t i = 0; i < 3000; ++i) agents.span(c.key)[i] = rng::agent_key::initial(i);
  const sched::Executor exec(threads);
  Simulation sim(std::move(agents), rng::RunKey{5, 0}, exec, block_size);
  auto stage = std::make_unique<SleepStage>(c);
  SleepStage* s = stage.get();
  sim.add_stage(std::move(stage));
  constexpr int kMonths = 24;
  for (int t = 0; t < kMonths; ++t) sim.step();
  SleepOutcome o{};
  for (const auto* store : {&sim.agents(), &sim.dormant()}) {
    const auto keys = store->span(c.key);
    (store == &sim.agents() ? o.active : o.dormant).assign(keys.begin(), keys.end());
    for (std::size_t i = 0; i < store->size(); ++i) {
      o.active_months.push_back(store->span(c.active_months)[i]);
      o.dormant_months.push_back(store->span(c.dormant_months)[i]);
      o.moves.push_back(store->span(c.moves)[i]);
      // Each month an agent is visited by the pass of the store it is in; one that wakes (every
      // second move) joins the active rows in time for that month's active pass as well.
      EXPECT_EQ(store->span(c.active_months)[i] + store->span(c.dormant_months)[i],
                kMonths + store->span(c.moves)[i] / 2);
      // An agent that moved an even number of times is where it started (active).
      EXPECT_EQ(store->span(c.moves)[i] % 2 == 0, store == &sim.agents());
    }
  }
  o.woke = s->woke;
  o.died = s->died;
  o.slept = s->slept;
  return o;
}

TEST(Simulation, DormantAgentsAreVisitedOnlyByTheirOwnPassAndMoveWithTheirValues) {
  const SleepOutcome o = run_sleep(1, 3000);
  EXPECT_GT(o.woke, 100);
  EXPECT_GT(o.died, 100);
  EXPECT_GT(o.slept, 1000);
  EXPECT_EQ(o.active.size() + o.dormant.size() + static_cast<std::size_t>(o.died), 3000U);
  EXPECT_EQ(static_cast<double>(o.dormant.size()), o.slept - o.woke - o.died);
  std::vector<std::uint64_t> all = o.active;
  all.insert(all.end(), o.dormant.begin(), o.dormant.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "an agent in both stores";
}

TEST(Simulation, TransfersAreIndependentOfThreadsAndBlockSize) {
  const SleepOutcome reference = run_sleep(1, 3000);
  for (const int threads : {2, 4}) {
    for (const std::size_t block : {std::size_t{7}, std::size_t{100}}) {
      EXPECT_TRUE(run_sleep(threads, block) == reference) << threads << " threads, " << block;
    }
  }
}

TEST(CellMarket, WinnersAreTheHighestPrioritiesPerCell) {
  storage::ColumnStore agents;
  const auto key = agents.declare<std::uint64_t>("key");
  agents.append_rows(1000);
  for (std::size_t i = 0; i < 1000; ++i) agents.span(key)[i] = i;
  const sched::Executor exec(2);
  Workspace ws;
  StepContext ctx;
  ctx.exec = &exec;
  ctx.agents = &agents;
  ctx.block_size = 33;
  ctx.workspace = &ws;
  CellMarket m;
  // Priority = key mod 97 so that ties exist; the tie-break is the smaller key.
  auto prio = [](std::size_t i) { return static_cast<double>(i % 97); };
  m.gather(ctx, 4, [&](const sched::BlockRange& r, CellMarket::Emitter& emit) {
    for (std::size_t i = r.begin; i < r.end; ++i)
      emit(static_cast<std::uint32_t>(i % 4), prio(i), i, i);
  });
  const std::vector<std::size_t> cap{0, 10, 250, 1000};
  const auto winners = m.clear(ctx, cap);
  // Brute force.
  std::vector<std::uint32_t> expected;
  for (std::uint32_t c = 0; c < 4; ++c) {
    std::vector<std::size_t> rows;
    for (std::size_t i = c; i < 1000; i += 4) rows.push_back(i);
    std::sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
      return prio(a) != prio(b) ? prio(a) > prio(b) : a < b;
    });
    rows.resize(std::min(cap[c], rows.size()));
    for (const auto r : rows) expected.push_back(static_cast<std::uint32_t>(r));
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(winners, expected);
}

TEST(CellMarket, GatherWithTalliesUpdatesRowsAndSumsTalliesInAnyLayout) {
  // The fused pass: each row flips a flag and counts itself per cell; only flagged rows compete.
  // Counts, tallies and winners are the same at any thread count and block size, and equal to a
  // computation over the rows.
  auto run = [](int threads, std::size_t block) {
    storage::ColumnStore agents;
    const auto key = agents.declare<std::uint64_t>("key");
    const auto flag = agents.declare<std::uint8_t>("flag");
    agents.append_rows(1000);
    for (std::size_t i = 0; i < 1000; ++i) agents.span(key)[i] = rng::agent_key::initial(i);
    const sched::Executor exec(threads);
    Workspace ws;
    StepContext ctx;
    ctx.exec = &exec;
    ctx.agents = &agents;
    ctx.block_size = block;
    ctx.workspace = &ws;
    CellMarket m;
    const auto& counts = m.gather(
        ctx, 3, 3, [&](const sched::BlockRange& r, CellMarket::Emitter& emit, std::span<double> t) {
          auto k = agents.span(key);
          auto f = agents.span(flag);
          for (std::size_t i = r.begin; i < r.end; ++i) {
            const auto cell = static_cast<std::uint32_t>(k[i] % 3);
            t[cell] += 1.0;
            f[i] = static_cast<std::uint8_t>(k[i] % 5 == 0);
            if (f[i] != 0) emit(cell, static_cast<double>(k[i] % 7), k[i], i);
          }
        });
    std::vector<std::size_t> n(counts.begin(), counts.end());
    std::vector<double> tallies = m.tallies();
    const std::vector<std::size_t> cap{5, 5, 5};
    const std::vector<std::uint32_t> winners = m.clear(ctx, cap);
    std::size_t flagged = 0;
    for (const auto v : agents.span(flag)) flagged += v;
    return std::tuple{n, tallies, winners, flagged};
  };
  const auto reference = run(1, 1000);
  const auto& [n, tallies, winners, flagged] = reference;
  EXPECT_EQ(flagged, 200U);
  ASSERT_EQ(tallies.size(), 3U);
  for (std::size_t c = 0; c < 3; ++c) {
    std::size_t rows = 0, candidates = 0;
    for (std::size_t i = 0; i < 1000; ++i) {
      rows += i % 3 == c ? 1U : 0U;
      candidates += (i % 3 == c && i % 5 == 0) ? 1U : 0U;
    }
    EXPECT_DOUBLE_EQ(tallies[c], static_cast<double>(rows));
    EXPECT_EQ(n[c], candidates);
  }
  EXPECT_EQ(winners.size(), 15U);
  EXPECT_TRUE(run(2, 7) == reference);
  EXPECT_TRUE(run(4, 128) == reference);
}

}  // namespace
}  // namespace brocken::sim
