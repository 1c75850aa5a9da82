// Checkpoints of the migration model (ModelRun::save / restore, save_series / restore_series):
// a restored run continues exactly as the uninterrupted one, at any thread count, through a
// checkpoint file; damaged or foreign state is refused with an ArchiveError naming the entry.
#include "engine/io/checkpoint.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "engine/io/archive.hpp"
#include "tests/models/migration/test_support.hpp"

namespace brocken::migration {
namespace {

using testing::load;
using testing::registry;
using testing::TempDir;

/// The smoke scale with policies, so that the policy state and spending are exercised too: a
/// programme (language_courses) in two districts and in a second, time-limited instance in a
/// third, and a stock lever (test_dwellings, state saved under its instance name) with a lag.
Scenario policy_smoke() {
  const TempDir dir;
  const auto file =
      dir.write("scoped.yaml", testing::extending("policies/language_courses.yaml",
                                                  "policies:\n"
                                                  "  language_courses:\n"
                                                  "    districts: ['15002', '15085']\n"
                                                  "  courses_magdeburg:\n"
                                                  "    module: language_courses\n"
                                                  "    start: 2024-06\n"
                                                  "    end: 2025-06\n"
                                                  "    districts: ['15003']\n"
                                                  "    budget_eur_per_year: 3000000\n"
                                                  "    cost_per_participant_eur: 3503.87\n"
                                                  "  dwellings_halle:\n"
                                                  "    module: test_dwellings\n"
                                                  "    start: 2024-03\n"
                                                  "    districts: ['15002']\n"
                                                  "    dwellings: 300\n"
                                                  "    lag_months: 6\n"
                                                  "    eur_per_dwelling: 150000\n"));
  return load_scenario(file, {"months=30", "population.scale=0.01"}, registry());
}

void expect_same_series(const Series& a, const Series& b) {
  const auto& table = model_outputs().table;
  ASSERT_EQ(a.monthly.size(), table.size());
  ASSERT_EQ(b.monthly.size(), table.size());
  for (std::size_t k = 0; k < table.size(); ++k) {
    EXPECT_EQ(a.monthly[k], b.monthly[k]) << io::OutputTable::path(table[k]);
    EXPECT_EQ(a.start[k], b.start[k]) << io::OutputTable::path(table[k]) << " at the start";
  }
}

/// A copy of `ar` with entry `name` replaced by `values`.
template <class T>
io::MemoryArchive with_entry(const io::MemoryArchive& ar, const std::string& name,
                             const std::vector<T>& values) {
  io::MemoryArchive out;
  for (const auto& [n, e] : ar.entries()) {
    if (n == name) {
      out.put<T>(n, values);
    } else {
      out.put_raw(n, e.view.type, e.view.elem_bytes, e.view.count, e.bytes.data());
    }
  }
  return out;
}

TEST(Checkpoint, SaveRestoreSaveGivesTheSameArchive) {
  const Scenario sc = policy_smoke();
  sched::Executor exec(1);
  ModelRun run(sc, 0, exec, registry());
  for (int m = 0; m < 17; ++m) run.step();
  io::MemoryArchive a;
  run.save(a, "current");
  EXPECT_EQ(a.get_scalar<std::int32_t>("current/tick"), 17);
  EXPECT_GT(a.get<std::uint64_t>("current/agents/key").size(), 10000U);
  EXPECT_EQ(a.get_scalar<std::int32_t>("current/policies/dwellings_halle/months"), 15);
  EXPECT_FALSE(a.get<double>("current/board/stock_amounts").empty());
  EXPECT_FALSE(a.get<std::uint8_t>("current/agents/course").empty());
  double participants = 0;
  for (const double x : a.get<double>("current/board/participants")) participants += x;
  EXPECT_GT(participants, 0.0) << "the language courses have participants at the checkpoint";
  EXPECT_TRUE(a.contains("current/labour/match_carry"));

  ModelRun back(sc, 0, exec, registry());
  back.restore(a, "current");
  EXPECT_EQ(back.tick(), 17);
  EXPECT_EQ(back.agent_count(), run.agent_count());
  io::MemoryArchive b;
  back.save(b, "current");
  EXPECT_EQ(io::archive_hash(a), io::archive_hash(b));
  ASSERT_EQ(a.entries().size(), b.entries().size());
  for (const auto& [name, e] : a.entries()) EXPECT_EQ(e.bytes, b.entries().at(name).bytes) << name;
}

/// (months before the checkpoint, threads before, threads after)
class Resume : public ::testing::TestWithParam<std::tuple<int, int, int>> {};

TEST_P(Resume, ContinuesExactlyLikeTheUninterruptedRun) {
  const auto [k, t_before, t_after] = GetParam();
  const Scenario sc = policy_smoke();
  const auto reference = testing::run_all(sc, 1);

  TempDir dir;
  const auto file = dir.path / "run.ckpt.h5";
  {
    sched::Executor exec(t_before);
    ModelRun first(sc, 0, exec, registry());
    for (int m = 0; m < k; ++m) first.step();
    io::MemoryArchive ar;
    first.save(ar, "current");
    io::write_checkpoint(ar, file);
  }  // the first process "dies" here
  const io::MemoryArchive ar = io::read_checkpoint(file);
  sched::Executor exec(t_after);
  ModelRun resumed(sc, 0, exec, registry());
  resumed.restore(ar, "current");
  ASSERT_EQ(resumed.tick(), k);
  while (resumed.tick() < sc.run.months) resumed.step();
  expect_same_series(resumed.series(), reference.run->series());
  EXPECT_EQ(resumed.agent_count(), reference.run->agent_count());
}

INSTANTIATE_TEST_SUITE_P(Months, Resume,
                         ::testing::Values(std::make_tuple(0, 1, 1), std::make_tuple(1, 1, 2),
                                           std::make_tuple(13, 2, 1), std::make_tuple(13, 1, 1),
                                           std::make_tuple(29, 2, 2)),
                         [](const auto& p) {
                           return "k" + std::to_string(std::get<0>(p.param)) + "_t" +
                                  std::to_string(std::get<1>(p.param)) + "_t" +
                                  std::to_string(std::get<2>(p.param));
                         });

TEST(Checkpoint, SecondReplicationResumesToo) {
  const Scenario sc = load("smoke.yaml", {"months=20"});
  const auto reference = testing::run_all(sc, 2, 1);
  sched::Executor exec(2);
  ModelRun first(sc, 1, exec, registry());
  for (int m = 0; m < 9; ++m) first.step();
  io::MemoryArchive ar;
  first.save(ar, "current");
  save_series(reference.run->series(), ar, "finished/0");  // as tools/main.cpp stores them

  ModelRun resumed(sc, 1, exec, registry());
  resumed.restore(ar, "current");
  while (resumed.tick() < sc.run.months) resumed.step();
  expect_same_series(resumed.series(), reference.run->series());
  expect_same_series(restore_series(ar, "finished/0", sc, sc.run.months), reference.run->series());
  // The state of replication 1 is not the state of replication 0.
  ModelRun other(sc, 0, exec, registry());
  EXPECT_THROW(other.restore(ar, "current"), io::ArchiveError);
}

/// restore() throws an ArchiveError whose message contains `needle`.
void expect_refused(const Scenario& sc, const io::MemoryArchive& ar, const std::string& needle) {
  sched::Executor exec(1);
  ModelRun run(sc, 0, exec, registry());
  try {
    run.restore(ar, "current");
    ADD_FAILURE() << "accepted; expected: " << needle;
  } catch (const io::ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Checkpoint, ImpossibleStateIsRefusedNamingTheEntry) {
  const Scenario sc = load("smoke.yaml", {"months=12"});
  sched::Executor exec(1);
  ModelRun run(sc, 0, exec, registry());
  for (int m = 0; m < 5; ++m) run.step();
  io::MemoryArchive ar;
  run.save(ar, "current");
  const std::size_t n = run.agent_count();

  expect_refused(sc, with_entry<std::int32_t>(ar, "current/tick", {13}), "current/tick");
  expect_refused(sc, with_entry<std::int32_t>(ar, "current/tick", {-1}), "current/tick");
  std::vector<std::uint8_t> district(n, 0);
  district[n / 2] = 200;
  expect_refused(sc, with_entry(ar, "current/agents/district", district),
                 "current/agents/district");
  std::vector<std::int16_t> age(n, 30 * 12);
  age[0] = -5;
  expect_refused(sc, with_entry(ar, "current/agents/age_months", age), "current/agents/age_months");
  expect_refused(sc, with_entry(ar, "current/agents/sex", std::vector<std::uint8_t>(n - 1, 0)),
                 "current/agents/sex");
  expect_refused(sc,
                 with_entry<double>(ar, "current/districts/arrival_carry_abroad",
                                    std::vector<double>(14, std::nan(""))),
                 "current/districts/arrival_carry_abroad");
  expect_refused(sc,
                 with_entry<double>(ar, "current/admission/carry",
                                    std::vector<double>(14 * (1 + admission::kSteps), -1.0)),
                 "current/admission/carry");
  expect_refused(sc, with_entry<double>(ar, "current/labour/match_carry", {1.0, 2.0}),
                 "current/labour/match_carry");
  expect_refused(
      sc,
      with_entry<double>(ar, "current/labour/vacancy_ages", std::vector<double>(14 * 9 * 12, -1.0)),
      "current/labour/vacancy_ages");
  expect_refused(sc, with_entry<double>(ar, "current/series/values/demography/mean_age", {1.0}),
                 "current/series/values/demography/mean_age");
  expect_refused(sc, with_entry<double>(ar, "current/board/indicators", {1.0}),
                 "current/board/indicators");
  expect_refused(sc,
                 with_entry<std::uint64_t>(ar, "current/admission/count",
                                           std::vector<std::uint64_t>(14, 1U << 30U)),
                 "current/admission/count");
  {
    // A case in a step that does not exist.
    auto bytes = ar.get<std::uint8_t>("current/admission/attributes");
    ASSERT_FALSE(bytes.empty()) << "the pipeline holds no case at the checkpoint";
    bytes[0] = static_cast<std::uint8_t>(admission::kSteps);
    expect_refused(sc, with_entry<std::uint8_t>(ar, "current/admission/attributes", bytes),
                   "current/admission/attributes");
  }
  // Policy state: a stock entry in a district that does not exist, an instance's state missing.
  {
    const Scenario ps = policy_smoke();
    ModelRun pr(ps, 0, exec, registry());
    for (int m = 0; m < 4; ++m) pr.step();
    io::MemoryArchive pa;
    pr.save(pa, "current");
    auto entries = pa.get<std::int64_t>("current/board/stock_entries");
    ASSERT_GE(entries.size(), 7U);
    entries[1] = 14;  // the district of the first entry
    expect_refused(ps, with_entry(pa, "current/board/stock_entries", entries),
                   "current/board/stock_entries");
    io::MemoryArchive without;
    for (const auto& [name, e] : pa.entries()) {
      if (name != "current/policies/dwellings_halle/months")
        without.put_raw(name, e.view.type, e.view.elem_bytes, e.view.count, e.bytes.data());
    }
    expect_refused(ps, without, "current/policies/dwellings_halle/months");
  }
  // Another scenario: other months or policies do not fit the saved series.
  expect_refused(load("smoke.yaml", {"months=4"}), ar, "current/tick");
  // (The first series that does not fit is named: the arrival cohorts, whose number follows the
  // months, or the spending, whose policies differ.)
  expect_refused(policy_smoke(), ar, "current/series/values/");
  // Nothing at all.
  expect_refused(sc, io::MemoryArchive{}, "current/tick");
}

}  // namespace
}  // namespace brocken::migration
