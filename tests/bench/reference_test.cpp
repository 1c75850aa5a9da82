// Tests of the reference benchmark model (bench/reference/): the engine implementation and the
// hand-written loop give the same state (hash) at any thread count, the rules hold in
// expectation, and `brocken bench` runs and prints its figures.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/reference/handwritten.hpp"
#include "bench/reference/reference_model.hpp"
#include "bench/reference/rules.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "engine/sched/executor.hpp"

namespace brocken::bench {
namespace {

namespace fs = std::filesystem;

/// Small blocks, so that a small population spans many blocks and the parallel paths really run.
ReferenceConfig small(std::size_t agents) {
  ReferenceConfig cfg;
  cfg.agents = agents;
  cfg.seed = 11;
  cfg.block_size = 1000;
  return cfg;
}

std::uint64_t engine_hash(const ReferenceConfig& cfg, int threads, int months) {
  const sched::Executor exec(threads);
  ReferenceModel model(cfg, exec);
  for (int m = 0; m < months; ++m) model.step();
  return model.state_hash();
}

std::uint64_t handwritten_hash(const ReferenceConfig& cfg, int threads, int months) {
  HandwrittenReference model(cfg, threads);
  for (int m = 0; m < months; ++m) model.step();
  return model.state_hash();
}

TEST(ReferenceModel, EngineAndHandwrittenAgreeAtEveryThreadCount) {
  const ReferenceConfig cfg = small(20'345);
  constexpr int kMonths = 40;
  const std::uint64_t expected = engine_hash(cfg, 1, kMonths);
  for (const int threads : {1, 2, 4}) {
    EXPECT_EQ(engine_hash(cfg, threads, kMonths), expected) << "engine, threads " << threads;
    EXPECT_EQ(handwritten_hash(cfg, threads, kMonths), expected)
        << "hand-written, threads " << threads;
  }
  // The hash sees the state: another seed or one month more gives another hash.
  ReferenceConfig other = cfg;
  other.seed = 12;
  EXPECT_NE(engine_hash(other, 1, kMonths), expected);
  EXPECT_NE(engine_hash(cfg, 1, kMonths + 1), expected);
}

TEST(ReferenceModel, ColumnsMatchTheHandwrittenLoopRowByRow) {
  const ReferenceConfig cfg = small(5'000);
  const sched::Executor exec(2);
  ReferenceModel engine(cfg, exec);
  HandwrittenReference hand(cfg, 2);
  for (int m = 0; m < 24; ++m) {
    engine.step();
    hand.step();
    ASSERT_EQ(engine.agent_count(), hand.agent_count()) << "month " << m;
  }
  const auto& a = engine.agents();
  const auto& c = engine.columns();
  const StateView h = hand.view();
  EXPECT_TRUE(std::ranges::equal(a.span(c.key), h.key));
  EXPECT_TRUE(std::ranges::equal(a.span(c.age_months), h.age_months));
  EXPECT_TRUE(std::ranges::equal(a.span(c.months_here), h.months_here));
  EXPECT_TRUE(std::ranges::equal(a.span(c.integration), h.integration));
  EXPECT_EQ(engine.mean_integration(), hand.mean_integration());
  EXPECT_EQ(engine.bytes_per_agent(), 16U);
  EXPECT_EQ(HandwrittenReference::bytes_per_agent(), 16U);
}

TEST(ReferenceModel, InitialPopulationFollowsTheRules) {
  const ReferenceConfig cfg = small(100'000);
  const sched::Executor exec(1);
  const ReferenceModel model(cfg, exec);
  const auto& a = model.agents();
  const auto& c = model.columns();
  const auto key = a.span(c.key);
  const auto age = a.span(c.age_months);
  const auto here = a.span(c.months_here);
  const auto integ = a.span(c.integration);
  double age_sum = 0;
  double integ_sum = 0;
  for (std::size_t i = 0; i < key.size(); ++i) {
    ASSERT_EQ(key[i], rng::agent_key::initial(i));
    ASSERT_GE(age[i], 0);
    ASSERT_LT(age[i], 960);
    ASSERT_EQ(here[i], 0);
    ASSERT_GE(integ[i], 0.0F);
    ASSERT_LT(integ[i], 0.5F);
    age_sum += age[i];
    integ_sum += static_cast<double>(integ[i]);
  }
  const auto n = static_cast<double>(key.size());
  // Uniform on 0..959: mean 479.5, sd 277.1; uniform on [0, 0.5): mean 0.25, sd 0.144. 4 SE.
  EXPECT_NEAR(age_sum / n, 479.5, 4 * 277.1 / std::sqrt(n));
  EXPECT_NEAR(integ_sum / n, 0.25, 4 * 0.1443 / std::sqrt(n));
}

/// One month at N = 200,000 with every integration set to `level`.
struct OneMonth {
  std::size_t before = 0;
  std::size_t after = 0;
  double mean = 0;
  std::vector<float> integration;
  std::vector<std::int16_t> age_minus_initial;  ///< final age minus the stayer's initial age
  std::vector<std::int16_t> months_here;
};

OneMonth one_month(float level, int threads) {
  ReferenceConfig cfg;
  cfg.agents = 200'000;
  cfg.seed = 3;
  const sched::Executor exec(threads);
  ReferenceModel model(cfg, exec);
  auto& a = model.agents();
  const auto& c = model.columns();
  std::ranges::fill(a.span(c.integration), level);
  const std::vector<std::int16_t> initial_age(a.span(c.age_months).begin(),
                                              a.span(c.age_months).end());
  OneMonth r;
  r.before = model.agent_count();
  model.step();
  r.after = model.agent_count();
  r.mean = model.mean_integration().at(0);
  const auto key = a.span(c.key);
  const auto age = a.span(c.age_months);
  r.integration.assign(a.span(c.integration).begin(), a.span(c.integration).end());
  r.months_here.assign(a.span(c.months_here).begin(), a.span(c.months_here).end());
  for (std::size_t i = 0; i < key.size(); ++i) {
    // Keys of the initial population are their initial index.
    r.age_minus_initial.push_back(static_cast<std::int16_t>(age[i] - initial_age[key[i]]));
  }
  return r;
}

TEST(ReferenceModel, RemovalShareMatchesTheRule) {
  for (const float level : {0.0F, 0.25F, 0.9F}) {
    const OneMonth r = one_month(level, 2);
    const double p = 0.01 * (1.0 - 0.8 * static_cast<double>(level));
    const auto n = static_cast<double>(r.before);
    const double share = 1.0 - static_cast<double>(r.after) / n;
    EXPECT_NEAR(share, p, 4.0 * std::sqrt(p * (1.0 - p) / n)) << "integration " << level;
  }
}

TEST(ReferenceModel, IntegrationUpdateMatchesTheRule) {
  for (const float level : {0.0F, 0.25F, 0.9F, 1.0F}) {
    const OneMonth r = one_month(level, 1);
    const auto x = static_cast<double>(level);
    const double centre = x + 0.03 * (1.0 - x);
    // Every stayer: centre + 0.01 (v - 0.5) with v in [0, 1), clamped to [0, 1].
    double sum = 0;
    for (const float f : r.integration) {
      const auto y = static_cast<double>(f);
      ASSERT_GE(y, std::max(0.0, centre - 0.005) - 1e-6);
      ASSERT_LE(y, std::min(1.0, centre + 0.005) + 1e-6);
      sum += y;
    }
    const auto n = static_cast<double>(r.integration.size());
    EXPECT_DOUBLE_EQ(r.mean, sum / n);
    if (level < 0.95F) {
      // Noise 0.01 (U - 0.5) has mean 0 and sd 0.01 / sqrt(12).
      EXPECT_NEAR(r.mean, centre, 4.0 * 0.01 / std::sqrt(12.0) / std::sqrt(n) + 1e-7)
          << "integration " << level;
    } else {
      // At 1 the upper half of the noise is clamped away: 1 + min(0, 0.01 (U - 0.5)) has mean
      // 1 - 0.00125 and sd 0.0016.
      EXPECT_NEAR(r.mean, 1.0 - 0.00125, 4.0 * 0.0017 / std::sqrt(n)) << "integration " << level;
    }
    // Stayers age by one month and count one more month in the region; leavers are gone.
    for (std::size_t i = 0; i < r.months_here.size(); ++i) {
      ASSERT_EQ(r.months_here[i], 1);
      ASSERT_EQ(r.age_minus_initial[i], 1);
    }
  }
}

TEST(ReferenceModel, DatasetHoldsOneValuePerMonthAndIsWritten) {
  const sched::Executor exec(2);
  ReferenceModel model(small(3'000), exec);
  for (int m = 0; m < 7; ++m) model.step();
  const io::Dataset ds = model.dataset({});
  ASSERT_EQ(ds.dims.size(), 1U);
  EXPECT_EQ(ds.dims[0].size(), 7U);
  ASSERT_EQ(ds.vars.size(), 2U);
  EXPECT_EQ(ds.vars[0].values, model.mean_integration());
  EXPECT_EQ(ds.vars[1].values.back(), static_cast<double>(model.agent_count()));
  const fs::path out = fs::temp_directory_path() / fmt::format("brocken-ref-{}.h5", ::getpid());
  io::write_hdf5(ds, out, true);
  EXPECT_GT(fs::file_size(out), 0U);
  fs::remove(out);
}

// --- the `brocken bench` command, run as a user runs it ---

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

Result brocken(const std::string& args) {
  const fs::path dir = fs::temp_directory_path();
  const fs::path out = dir / fmt::format("brocken-bench-test-{}.out", ::getpid());
  const fs::path err = dir / fmt::format("brocken-bench-test-{}.err", ::getpid());
  const std::string cmd =
      fmt::format("cd '{}' && '{}' {} >'{}' 2>'{}' </dev/null", BROCKEN_SOURCE_DIR, BROCKEN_CLI,
                  args, out.string(), err.string());
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

/// The value after `label:` on its own line of `text`, or "" when missing.
std::string field(const std::string& text, const std::string& label) {
  const std::regex re("(^|\n)" + label + ":[ ]+([^\n]*)");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[2].str() : std::string();
}

TEST(BenchCommand, ReferencePrintsTheFiguresAndEqualHashes) {
  const auto r = brocken("bench --model reference --agents 10000 --months 12 --threads 2");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* label :
       {"agent-months/s \\(engine\\)", "agent-months/s \\(hand\\)", "threads", "peak memory",
        "bytes per agent", "wall time \\(engine\\)", "engine / hand-written"}) {
    EXPECT_FALSE(field(r.out, label).empty()) << label << " missing in\n" << r.out;
  }
  EXPECT_EQ(field(r.out, "threads"), "2");
  EXPECT_EQ(field(r.out, "bytes per agent").substr(0, 2), "16");
  const std::string hash = field(r.out, "state hash");
  ASSERT_EQ(hash.size(), 16U) << r.out;
  EXPECT_EQ(field(r.out, "hand-written hash"), hash + " (equal)");
  // The same run in this process gives the same hash.
  ReferenceConfig cfg;
  cfg.agents = 10'000;
  EXPECT_EQ(hash, fmt::format("{:016x}", engine_hash(cfg, 1, 12)));
}

TEST(BenchCommand, BaselineModeRunsAScenarioEndToEndWithTheRunHash) {
  const auto bench = brocken("bench --model baseline --scenario scenarios/smoke.yaml --threads 2");
  ASSERT_EQ(bench.code, 0) << bench.out << bench.err;
  for (const char* label :
       {"wall time", "threads", "peak memory", "dataset hash", "load average"}) {
    EXPECT_FALSE(field(bench.out, label).empty()) << label << " missing in\n" << bench.out;
  }
  const fs::path out = fs::temp_directory_path() / fmt::format("brocken-bench-{}.h5", ::getpid());
  const auto run = brocken(fmt::format("run scenarios/smoke.yaml -o '{}' -q --hash", out.string()));
  fs::remove(out);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("state hash: " + field(bench.out, "dataset hash")), std::string::npos)
      << run.out << "\n"
      << bench.out;
}

TEST(BenchCommand, BadOptionsExitTwo) {
  for (const std::string args :
       {"bench --model nope", "bench --agents 0", "bench --months 0", "bench --threads 0",
        "bench --model baseline --scenario no.yaml"}) {
    const auto r = brocken(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_FALSE(r.err.empty()) << args;
  }
}

}  // namespace
}  // namespace brocken::bench
