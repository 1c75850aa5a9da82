#include "tools/bench_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "bench/reference/handwritten.hpp"
#include "bench/reference/reference_model.hpp"
#include "bench/reference/rules.hpp"
#include "engine/core/build_info.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "engine/policy/registry.hpp"
#include "engine/sched/executor.hpp"
#include "models/migration/model.hpp"
#include "tools/summary.hpp"

namespace brocken::tools {

namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitInput = 2;
constexpr int kExitOutput = 3;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Minimum, median and maximum of a non-empty sample.
struct Spread {
  double min = 0;
  double median = 0;
  double max = 0;
};

Spread spread(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  return Spread{v.front(), median, v.back()};
}

/// "a / b / c unit" with `digits` decimals, in min / median / max order.
std::string fmt_spread(const Spread& s, int digits, const char* unit) {
  const std::string text =
      fmt::format("{:.{}f} / {:.{}f} / {:.{}f}", s.min, digits, s.median, digits, s.max, digits);
  return *unit == '\0' ? text : text + " " + unit;
}

double mib(std::size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

/// One timed run of the reference model (engine or hand-written).
struct ReferenceRun {
  double setup_s = 0;   ///< building the initial population
  double months_s = 0;  ///< the monthly steps only
  double agent_months = 0;
  std::size_t final_agents = 0;
  std::uint64_t hash = 0;
};

template <class Model>
ReferenceRun time_months(Model& model, int months, Clock::time_point started) {
  ReferenceRun r;
  r.setup_s = seconds_since(started);
  const auto t0 = Clock::now();
  for (int m = 0; m < months; ++m) {
    r.agent_months += static_cast<double>(model.agent_count());
    model.step();
  }
  r.months_s = seconds_since(t0);
  r.final_agents = model.agent_count();
  r.hash = model.state_hash();
  return r;
}

int reference_bench(const BenchOptions& o) {
  bench::ReferenceConfig cfg;
  cfg.agents = o.agents;
  cfg.block_size = o.block_size;
  if (!o.output.empty()) {
    try {
      io::check_output_target(o.output, false);
    } catch (const io::OutputError& e) {
      std::cerr << "error: " << e.what() << '\n';
      return kExitInput;
    }
  }
  std::cout << fmt::format(
      "reference model: {} agents x {} months, {} thread{}, block size {}, seed {}, {} run{}\n",
      cfg.agents, o.months, o.threads, o.threads == 1 ? "" : "s", cfg.block_size, cfg.seed,
      o.repeat, o.repeat == 1 ? "" : "s");
  std::cout.flush();

  const sched::Executor exec(o.threads);
  std::vector<ReferenceRun> engine;
  std::vector<ReferenceRun> hand;
  std::size_t peak_engine = 0;
  std::size_t bytes_per_agent = 0;
  double output_s = 0;
  for (int rep = 0; rep < o.repeat; ++rep) {
    {
      const auto started = Clock::now();
      bench::ReferenceModel model(cfg, exec);
      bytes_per_agent = model.bytes_per_agent();
      engine.push_back(time_months(model, o.months, started));
      if (rep == 0 && !o.output.empty()) {
        const auto t0 = Clock::now();
        io::Attributes attrs;
        attrs["engine_version"] = std::string(engine_version());
        attrs["git_commit"] = std::string(git_commit());
        attrs["threads"] = static_cast<std::int64_t>(o.threads);
        try {
          io::write_hdf5(model.dataset(std::move(attrs)), o.output, false);
        } catch (const io::OutputError& e) {
          std::cerr << "error: " << e.what() << '\n';
          return kExitOutput;
        }
        output_s = seconds_since(t0);
      }
    }
    // The hand-written loop has not run yet in the first repetition, so this is the engine's
    // high-water mark (plus the process's fixed overhead).
    if (rep == 0) peak_engine = bench::peak_rss_bytes();
    const ReferenceRun& e = engine.back();
    std::string line = fmt::format("run {}: engine {:.3f} s ({:.1f} M agent-months/s)", rep + 1,
                                   e.months_s, e.agent_months / e.months_s / 1e6);
    if (o.handwritten) {
      const auto started = Clock::now();
      bench::HandwrittenReference model(cfg, o.threads);
      hand.push_back(time_months(model, o.months, started));
      const ReferenceRun& h = hand.back();
      line += fmt::format(", hand-written {:.3f} s ({:.1f} M agent-months/s), ratio {:.3f}",
                          h.months_s, h.agent_months / h.months_s / 1e6, e.months_s / h.months_s);
    }
    std::cout << line << '\n';
    std::cout.flush();
  }

  auto collect = [](const std::vector<ReferenceRun>& runs, auto field) {
    std::vector<double> v;
    v.reserve(runs.size());
    for (const auto& r : runs) v.push_back(field(r));
    return spread(std::move(v));
  };
  const auto rate = [](const ReferenceRun& r) { return r.agent_months / r.months_s / 1e6; };
  const auto months_s = [](const ReferenceRun& r) { return r.months_s; };
  const auto wall_s = [](const ReferenceRun& r) { return r.setup_s + r.months_s; };
  const ReferenceRun& first = engine.front();
  std::cout << fmt::format("figures are min / median / max over {} run{}\n", o.repeat,
                           o.repeat == 1 ? "" : "s");
  std::cout << fmt::format("agents:                  {} initial, {} final\n", cfg.agents,
                           first.final_agents);
  std::cout << fmt::format("agent-months:            {:.0f} per run\n", first.agent_months);
  std::cout << fmt::format("threads:                 {}\n", o.threads);
  std::cout << fmt::format("agent-months/s (engine): {}\n",
                           fmt_spread(collect(engine, rate), 1, "M"));
  std::cout << fmt::format("months time (engine):    {}\n",
                           fmt_spread(collect(engine, months_s), 3, "s"));
  std::cout << fmt::format("wall time (engine):      {} (set-up + months)\n",
                           fmt_spread(collect(engine, wall_s), 3, "s"));
  if (output_s > 0) {
    std::cout << fmt::format("output:                  {:.3f} s, wrote {}\n", output_s, o.output);
  }
  std::cout << fmt::format("bytes per agent:         {} (agent store)\n", bytes_per_agent);
  std::cout << fmt::format(
      "peak memory:             {:.1f} MiB (ru_maxrss after the first engine run), {:.1f} bytes "
      "per initial agent\n",
      mib(peak_engine),
      static_cast<double>(peak_engine) / static_cast<double>(std::max<std::size_t>(cfg.agents, 1)));
  std::cout << fmt::format("state hash:              {:016x}\n", first.hash);
  bool same = std::all_of(engine.begin(), engine.end(),
                          [&](const ReferenceRun& r) { return r.hash == first.hash; });
  if (o.handwritten) {
    std::vector<double> ratios;
    for (std::size_t i = 0; i < engine.size(); ++i) {
      ratios.push_back(engine[i].months_s / hand[i].months_s);
    }
    std::cout << fmt::format("agent-months/s (hand):   {}\n",
                             fmt_spread(collect(hand, rate), 1, "M"));
    std::cout << fmt::format("months time (hand):      {}\n",
                             fmt_spread(collect(hand, months_s), 3, "s"));
    std::cout << fmt::format("engine / hand-written:   {} (time ratio per run)\n",
                             fmt_spread(spread(ratios), 3, ""));
    const bool hand_same = std::all_of(hand.begin(), hand.end(),
                                       [&](const ReferenceRun& r) { return r.hash == first.hash; });
    std::cout << fmt::format("hand-written hash:       {:016x} ({})\n", hand.front().hash,
                             hand_same ? "equal" : "DIFFERENT");
    same = same && hand_same;
  }
  std::cout << fmt::format("peak memory (process):   {:.1f} MiB (ru_maxrss at the end)\n",
                           mib(bench::peak_rss_bytes()));
  if (!same) {
    std::cerr << "error: the state hashes differ between runs or implementations\n";
    return kExitMismatch;
  }
  return 0;
}

/// Removes the temporary output file when the benchmark leaves, whatever the path.
class TempFile {
 public:
  TempFile()
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("brocken-bench-{}.h5", ::getpid())) {}
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

struct BaselineRun {
  double load_s = 0;
  double setup_s = 0;
  double months_s = 0;
  double output_s = 0;
  double agent_months = 0;
  std::size_t initial_agents = 0;
  std::size_t peak_agents = 0;
  std::size_t bytes_per_agent = 0;
  std::uint64_t hash = 0;
  [[nodiscard]] double wall_s() const { return load_s + setup_s + months_s + output_s; }
};

/// Everything `brocken run SCENARIO -o FILE` does (tools/main.cpp run_command), timed by phase.
BaselineRun baseline_once(const BenchOptions& o, const std::filesystem::path& out) {
  BaselineRun r;
  auto t = Clock::now();
  policy::Registry registry;
  migration::register_policies(registry);
  const migration::Scenario sc = migration::load_scenario(o.scenario, {}, registry);
  r.load_s = seconds_since(t);

  t = Clock::now();
  const sched::Executor exec(o.threads);
  std::vector<std::unique_ptr<migration::ModelRun>> runs;
  std::vector<const migration::Series*> series;
  for (int rep = 0; rep < sc.run.replications; ++rep) {
    runs.push_back(
        std::make_unique<migration::ModelRun>(sc, static_cast<std::uint32_t>(rep), exec, registry));
    if (rep == 0) {
      r.initial_agents = runs.back()->agent_count();
      r.bytes_per_agent = runs.back()->bytes_per_agent();
    }
    series.push_back(&runs.back()->series());
  }
  r.setup_s = seconds_since(t);

  t = Clock::now();
  for (auto& run : runs) {
    for (int m = 0; m < sc.run.months; ++m) {
      r.agent_months += static_cast<double>(run->agent_count());
      run->step();
      r.peak_agents = std::max(r.peak_agents, run->agent_count());
    }
  }
  r.months_s = seconds_since(t);

  t = Clock::now();
  const io::Dataset ds = migration::make_dataset(
      sc, series, policy_names(sc),
      provenance_attributes(sc, o.scenario, o.threads, r.bytes_per_agent, r.peak_agents));
  r.hash = dataset_hash(ds);
  io::write_hdf5(ds, out, true);
  r.output_s = seconds_since(t);
  return r;
}

/// The 1-minute load average (-1 where the system does not tell): other processes share the
/// cores, and the times of a run vary with them.
double load_average() {
  double load[1] = {-1.0};
  return getloadavg(load, 1) == 1 ? load[0] : -1.0;
}

int baseline_bench(const BenchOptions& o) {
  const double load_before = load_average();
  std::cout << fmt::format(
      "baseline: {} end to end (load, set-up, months, output), {} thread{}, "
      "{} run{}\n",
      o.scenario, o.threads, o.threads == 1 ? "" : "s", o.repeat, o.repeat == 1 ? "" : "s");
  std::cout.flush();
  const TempFile tmp;
  std::vector<BaselineRun> runs;
  for (int rep = 0; rep < o.repeat; ++rep) {
    try {
      runs.push_back(baseline_once(o, tmp.path()));
    } catch (const io::OutputError& e) {
      std::cerr << "error: " << e.what() << '\n';
      return kExitOutput;
    }
    std::filesystem::remove(tmp.path());
    const BaselineRun& r = runs.back();
    std::cout << fmt::format(
        "run {}: {:.3f} s (load {:.3f} s, set-up {:.3f} s, months {:.3f} s, output {:.3f} s)\n",
        rep + 1, r.wall_s(), r.load_s, r.setup_s, r.months_s, r.output_s);
    std::cout.flush();
  }
  auto collect = [&](auto field) {
    std::vector<double> v;
    v.reserve(runs.size());
    for (const auto& r : runs) v.push_back(field(r));
    return spread(std::move(v));
  };
  const BaselineRun& first = runs.front();
  std::cout << fmt::format("figures are min / median / max over {} run{}\n", o.repeat,
                           o.repeat == 1 ? "" : "s");
  std::cout << fmt::format(
      "wall time:               {}\n",
      fmt_spread(collect([](const BaselineRun& r) { return r.wall_s(); }), 3, "s"));
  std::cout << fmt::format(
      "months time:             {}\n",
      fmt_spread(collect([](const BaselineRun& r) { return r.months_s; }), 3, "s"));
  std::cout << fmt::format("threads:                 {}\n", o.threads);
  std::cout << fmt::format("agents:                  {} initial, {} peak\n", first.initial_agents,
                           first.peak_agents);
  std::cout << fmt::format(
      "agent-months/s:          {} (months only)\n",
      fmt_spread(collect([](const BaselineRun& r) { return r.agent_months / r.months_s / 1e6; }), 1,
                 "M"));
  std::cout << fmt::format("bytes per agent:         {} (agent store)\n", first.bytes_per_agent);
  std::cout << fmt::format("peak memory:             {:.1f} MiB (ru_maxrss)\n",
                           mib(bench::peak_rss_bytes()));
  std::cout << fmt::format("dataset hash:            {:016x}\n", first.hash);
  std::cout << fmt::format(
      "load average:            {:.2f} before, {:.2f} after (1 minute; other processes on the "
      "cores slow the runs)\n",
      load_before, load_average());
  const bool same = std::all_of(runs.begin(), runs.end(),
                                [&](const BaselineRun& r) { return r.hash == first.hash; });
  if (!same) {
    std::cerr << "error: the dataset hashes differ between runs\n";
    return kExitMismatch;
  }
  return 0;
}

}  // namespace

CLI::App* add_bench_subcommand(CLI::App& app, BenchOptions& o) {
  auto* b = app.add_subcommand(
      "bench", "benchmark a whole run: the reference model or the baseline scenario");
  b->add_option("--model", o.model, "reference (engine and hand-written loop) or baseline")
      ->check(CLI::IsMember({"reference", "baseline"}))
      ->capture_default_str();
  b->add_option("--agents", o.agents, "reference: initial persons")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40U))
      ->capture_default_str();
  b->add_option("--months", o.months, "reference: simulated months")
      ->check(CLI::Range(1, bench::kMaxMonths))
      ->capture_default_str();
  b->add_option("-t,--threads", o.threads, "worker threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  b->add_option("--repeat", o.repeat, "runs (figures are min / median / max)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  b->add_option("--block-size", o.block_size, "reference: rows per block")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30U))
      ->capture_default_str();
  b->add_flag("!--no-handwritten", o.handwritten, "reference: skip the hand-written loop");
  b->add_option("-o,--output", o.output,
                "reference: also write the monthly series to this HDF5 file (must not exist)");
  b->add_option("--scenario", o.scenario, "baseline: the scenario file")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  return b;
}

int bench_command(const BenchOptions& o) {
  return o.model == "baseline" ? baseline_bench(o) : reference_bench(o);
}

}  // namespace brocken::tools
