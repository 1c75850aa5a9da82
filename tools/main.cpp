// The `brocken` command line: run, validate, policies, version.
//
// Exit codes: 0 success; 1 internal error; 2 invalid input (scenario, data, command line, or an
// existing output without --force); 3 the output could not be written (disk full, permissions).
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "engine/core/build_info.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "engine/policy/registry.hpp"
#include "engine/scenario/diagnostics.hpp"
#include "engine/sched/executor.hpp"
#include "models/migration/model.hpp"
#include "tools/bench_command.hpp"
#include "tools/summary.hpp"
#include "tools/synth_report.hpp"

namespace {

using brocken::migration::ModelRun;
using brocken::migration::Scenario;

constexpr int kExitInternal = 1;
constexpr int kExitInput = 2;
constexpr int kExitOutput = 3;

struct RunOptions {
  std::string scenario;
  std::string output;
  int threads = 1;
  std::vector<std::string> sets;
  bool force = false;
  bool quiet = false;
  bool hash = false;
};

void print_diagnostics(const brocken::scenario::InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << '\n';
  std::cerr << fmt::format("{} problem{} found; nothing was run.\n", e.diagnostics().size(),
                           e.diagnostics().size() == 1 ? "" : "s");
}

/// A one-line progress bar on stderr, redrawn at most every 100 ms.
class Progress {
 public:
  Progress(bool enabled, int total) : enabled_(enabled), total_(total) {}
  void update(int done, int replication, int replications, const std::string& label) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    constexpr int kWidth = 30;
    const int filled = total_ > 0 ? done * kWidth / total_ : kWidth;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    const std::string rep =
        replications > 1 ? fmt::format(" run {}/{}", replication + 1, replications) : "";
    // The bar is decoration: if stderr cannot be written, stop drawing it rather than fail the run.
    if (std::fprintf(stderr, "\r[%s] %s %3d%%%s ", bar.c_str(), label.c_str(),
                     total_ > 0 ? done * 100 / total_ : 100, rep.c_str()) < 0 ||
        std::fflush(stderr) != 0) {
      enabled_ = false;
    }
  }
  void finish() const {
    // Best effort: clearing the bar's line; there is nowhere to report a failure to write stderr.
    if (enabled_) (void)std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  bool enabled_;
  int total_;
  std::chrono::steady_clock::time_point last_{};
};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  // strftime returns 0 (and the buffer contents are unspecified) if the text does not fit.
  const std::size_t len = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return {buf.data(), len};
}

int run_command(const RunOptions& o) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  Scenario sc;
  try {
    sc = brocken::migration::load_scenario(o.scenario, o.sets, registry);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return kExitInput;
  }
  try {
    brocken::io::check_output_target(o.output, o.force);
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }

  const auto started = std::chrono::steady_clock::now();
  const brocken::sched::Executor exec(o.threads);
  const bool tty = isatty(STDERR_FILENO) == 1 && !o.quiet;
  Progress progress(tty, sc.run.months);
  std::vector<std::unique_ptr<ModelRun>> runs;
  runs.reserve(static_cast<std::size_t>(sc.run.replications));
  std::size_t peak_agents = 0;
  for (int rep = 0; rep < sc.run.replications; ++rep) {
    auto run = std::make_unique<ModelRun>(sc, static_cast<std::uint32_t>(rep), exec, registry);
    for (int m = 0; m < sc.run.months; ++m) {
      run->step();
      peak_agents = std::max(peak_agents, run->agent_count());
      const int idx = sc.run.start.index() + m;
      progress.update(m + 1, rep, sc.run.replications,
                      fmt::format("{:04d}-{:02d}", idx / 12, idx % 12 + 1));
    }
    runs.push_back(std::move(run));
  }
  progress.finish();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<const brocken::migration::Series*> series;
  series.reserve(runs.size());
  for (const auto& r : runs) series.push_back(&r->series());
  brocken::io::Attributes attrs = brocken::tools::provenance_attributes(
      sc, o.scenario, o.threads, runs.front()->bytes_per_agent(), peak_agents);
  attrs["wall_time_seconds"] = wall;
  attrs["created_utc"] = utc_now();
  const auto dataset = brocken::migration::make_dataset(
      sc, series, brocken::tools::policy_names(sc), std::move(attrs));

  if (!o.quiet) {
    brocken::tools::print_yearly_summary(std::cout, sc, runs.front()->series());
    std::cout << fmt::format("{} months x {} district{}, {} replication{}, {} thread{}: {:.2f} s\n",
                             sc.run.months, sc.region->districts.size(),
                             sc.region->districts.size() == 1 ? "" : "s", sc.run.replications,
                             sc.run.replications == 1 ? "" : "s", o.threads,
                             o.threads == 1 ? "" : "s", wall);
  }
  if (o.hash)
    std::cout << fmt::format("state hash: {:016x}\n", brocken::tools::dataset_hash(dataset));
  try {
    brocken::io::write_hdf5(dataset, o.output, o.force);
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitOutput;
  }
  if (!o.quiet) std::cout << "wrote " << o.output << '\n';
  return 0;
}

int validate_command(const std::string& file, const std::vector<std::string>& sets) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  try {
    const Scenario sc = brocken::migration::load_scenario(file, sets, registry);
    std::cout << fmt::format("{}: valid ({} months from {:04d}-{:02d}, {} districts, {} polic{})\n",
                             file, sc.run.months, sc.run.start.year, sc.run.start.month,
                             sc.region->districts.size(), sc.policies.size(),
                             sc.policies.size() == 1 ? "y" : "ies");
    return 0;
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return kExitInput;
  }
}

int synth_command(const std::string& file, const std::vector<std::string>& sets,
                  const std::string& csv, bool force) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  Scenario sc;
  try {
    sc = brocken::migration::load_scenario(file, sets, registry);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return kExitInput;
  }
  brocken::tools::print_synth_report(std::cout, sc);
  if (csv.empty()) return 0;
  try {
    brocken::io::check_output_target(csv, force);
    brocken::tools::write_synth_csv(sc, csv);
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }
  std::cout << "wrote " << csv << '\n';
  return 0;
}

int policies_command() {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  std::cout << "policy modules:\n";
  for (const auto& name : registry.names()) {
    std::cout << fmt::format("  {:<24} {}\n", name, registry.create(name)->summary());
  }
  return 0;
}

int cli_main(int argc, char** argv) {
  CLI::App app{"Brocken: agent-based simulation of demography, migration and labour markets"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(brocken::engine_version()) + " (" +
                                        std::string(brocken::git_commit()) + ")");

  RunOptions ro;
  auto* run = app.add_subcommand("run", "run a scenario and write an HDF5 file");
  run->add_option("scenario", ro.scenario, "scenario YAML file")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("-o,--output", ro.output, "output HDF5 file")->required();
  run->add_option("-t,--threads", ro.threads, "worker threads (results do not depend on it)")
      ->check(CLI::Range(1, 1024));
  run->add_option("--set", ro.sets, "override a scenario key: path.to.key=value (repeatable)");
  run->add_flag("-f,--force", ro.force, "overwrite an existing output file");
  run->add_flag("-q,--quiet", ro.quiet, "no summary table and no progress bar");
  run->add_flag("--hash", ro.hash, "print a hash of all output datasets");

  std::string vfile;
  std::vector<std::string> vsets;
  auto* validate = app.add_subcommand("validate", "check a scenario without running it");
  validate->add_option("scenario", vfile, "scenario YAML file")
      ->required()
      ->check(CLI::ExistingFile);
  validate->add_option("--set", vsets, "override a scenario key: path.to.key=value (repeatable)");

  std::string sfile;
  std::vector<std::string> ssets;
  std::string scsv;
  bool sforce = false;
  auto* synth = app.add_subcommand(
      "synth", "fit the scenario's starting population and report the fit (runs nothing)");
  synth->add_option("scenario", sfile, "scenario YAML file")->required()->check(CLI::ExistingFile);
  synth->add_option("--set", ssets, "override a scenario key: path.to.key=value (repeatable)");
  synth->add_option("--csv", scsv,
                    "also write the fitted table as CSV (ags,age,sex,nationality,persons)");
  synth->add_flag("-f,--force", sforce, "overwrite an existing CSV file");

  auto* pol = app.add_subcommand("policies", "list the available policy modules");
  brocken::tools::BenchOptions bo;
  auto* bench = brocken::tools::add_bench_subcommand(app, bo);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitInput;
  }
  try {
    if (run->parsed()) return run_command(ro);
    if (validate->parsed()) return validate_command(vfile, vsets);
    if (synth->parsed()) return synth_command(sfile, ssets, scsv, sforce);
    if (pol->parsed()) return policies_command();
    if (bench->parsed()) return brocken::tools::bench_command(bo);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace

int main(int argc, char** argv) {
  // cli_main reports errors of the commands itself; this catches what escapes the command line
  // setup (e.g. std::bad_alloc), so that no exception leaves main.
  try {
    return cli_main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "internal error: unknown exception\n";
  }
  return kExitInternal;
}
