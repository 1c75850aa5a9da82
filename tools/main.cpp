// The `brocken` command line: run, resume, validate, synth, bench, policies, version.
//
// Exit codes: 0 success; 1 internal error; 2 invalid input (scenario, data, command line, an
// existing output without --force, an unusable checkpoint, or a run that does not fit in
// memory); 3 the output or a checkpoint could not be written (disk full, file-size limit,
// permissions); 4 interrupted by SIGINT or SIGTERM, checkpoint written, resumable.
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/core/build_info.hpp"
#include "engine/io/checkpoint.hpp"
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
constexpr int kExitInterrupted = 4;

namespace fs = std::filesystem;

/// Options shared by `run` and `resume`: where the output goes and how the loop runs.
struct LoopOptions {
  std::string output;
  fs::path checkpoint;  ///< resolved by the command from --checkpoint and its default
  int every = 0;        ///< --checkpoint-every
  int threads = 1;
  bool force = false;
  bool quiet = false;
  bool hash = false;
  std::string argv0;
};

struct RunOptions {
  std::string scenario;
  std::vector<std::string> sets;
  std::string checkpoint;  ///< --checkpoint as given ("" = OUTPUT.ckpt.h5)
  LoopOptions loop;
};

struct ResumeOptions {
  std::string checkpoint;      ///< the checkpoint to resume from
  std::string checkpoint_out;  ///< --checkpoint as given ("" = the one resumed from)
  LoopOptions loop;
};

void print_diagnostics(const brocken::scenario::InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << '\n';
  const std::size_t n = e.problem_count();
  std::cerr << fmt::format("{} problem{} found; nothing was run.\n", n, n == 1 ? "" : "s");
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

// ---------------------------------------------------------------------------------------------
// Interruption: SIGINT and SIGTERM set a flag that the month loop checks after every month. The
// handler is reset to the default on delivery (SA_RESETHAND), so a second Ctrl-C kills at once.

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = static_cast<int>(SA_RESETHAND);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

/// A file-size limit (RLIMIT_FSIZE) must make write() fail with EFBIG, which the writers report,
/// instead of killing the process with SIGXFSZ halfway through a temporary file.
void ignore_sigxfsz() {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGXFSZ, &sa, nullptr);
}

/// A word for the shell: quoted when it holds anything but safe characters.
std::string shell_word(const std::string& w) {
  const bool safe = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::strchr("_-./=:,+@%", c);
  });
  if (safe) return w;
  std::string out = "'";
  for (const char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// Memory: refuse a run that cannot fit before anything large is allocated.

/// Bytes available to this process: MemAvailable, and what RLIMIT_AS still allows.
std::optional<std::pair<double, std::string>> available_memory() {
  std::optional<std::pair<double, std::string>> best;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (meminfo >> key >> kb) {
    std::getline(meminfo, unit);
    if (key == "MemAvailable:") best = std::make_pair(kb * 1024.0, std::string("MemAvailable"));
  }
  rlimit lim{};
  if (::getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    double used = 0;
    std::ifstream statm("/proc/self/statm");
    double pages = 0;
    if (statm >> pages) used = pages * static_cast<double>(::sysconf(_SC_PAGESIZE));
    const double left = std::max(0.0, static_cast<double>(lim.rlim_cur) - used);
    if (!best || left < best->first) best = std::make_pair(left, std::string("RLIMIT_AS"));
  }
  return best;
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (b >= 1024.0 && u < 5) {
    b /= 1024.0;
    ++u;
  }
  return fmt::format("{:.1f} {}", b, units[u]);
}

/// Throws InputError naming the scenario key when the run's estimated peak memory exceeds what
/// is available. The estimate: agents (synthetic population x scale x bytes per agent, x 1.5 for
/// growth through arrivals and the away pool, x 2 for vector growth; x 2 again with checkpoints,
/// which copy the agents) plus the output series of every replication three times (series,
/// dataset, file image).
void check_memory(const Scenario& sc, bool checkpoints) {
  double persons = 0;
  for (const double c : sc.synth->counts) persons += c;
  persons *= sc.run.scale;
  brocken::storage::ColumnStore probe;
  (void)brocken::migration::PersonColumns::declare(probe);
  const auto bpa = static_cast<double>(probe.bytes_per_row());
  const double agents = persons * bpa * 1.5 * 2.0 * (checkpoints ? 2.0 : 1.0);
  const auto nd = static_cast<double>(sc.region->districts.size());
  const auto nb = static_cast<double>(sc.run.output_age_bands.size());
  const double per_month =
      nd * (static_cast<double>(brocken::migration::district_variable_names().size()) + nb * 8 + 3 +
            1 + 4 + 2) +
      static_cast<double>(sc.policies.size()) + 2;
  const double series = per_month * sc.run.months * sc.run.replications * 8.0 * 3.0;
  const double need = agents + series;
  const auto avail = available_memory();
  if (!avail || need <= avail->first) return;
  const bool by_series = series > agents;
  const std::string key =
      by_series ? (sc.run.replications > 1 ? "replications" : "months") : "population.scale";
  const brocken::scenario::Node* node = nullptr;
  if (key == "population.scale") {
    if (const auto* pop = sc.doc.root.find("population")) node = pop->find("scale");
  } else {
    node = sc.doc.root.find(key);
  }
  brocken::scenario::Diagnostics diags;
  diags.add(
      node != nullptr ? node->pos() : brocken::scenario::SourcePos{sc.doc.file.string(), 0, 0}, key,
      fmt::format("the run needs about {} of memory ({:.0f} agents x {:.0f} bytes with "
                  "margins for growth{}, plus {} for the series of {} months x {} "
                  "replication{}), but only {} is available ({}); lower {}",
                  human_bytes(need), persons, bpa, checkpoints ? " and checkpoints" : "",
                  human_bytes(series), sc.run.months, sc.run.replications,
                  sc.run.replications == 1 ? "" : "s", human_bytes(avail->first), avail->second,
                  key));
  diags.throw_if_any();
}

// ---------------------------------------------------------------------------------------------
// The run loop, shared by `run` and `resume`.

/// Everything a run carries from month to month besides the model's own state.
struct Job {
  Scenario sc;
  std::string scenario_file;  ///< as typed (provenance)
  std::string scenario_path;  ///< absolute, to load it again on resume
  std::vector<std::string> sets;
  std::vector<brocken::migration::Series> finished;  ///< replications done
  std::unique_ptr<ModelRun> current;                 ///< a restored replication in progress
  std::size_t peak_agents = 0;
  std::size_t bytes_per_agent = 0;
  double wall_before = 0;  ///< seconds spent by earlier processes (resumed runs)
};

/// Saves the job (finished replications, the replication in progress, counters) as a checkpoint.
void save_checkpoint(const Job& job, const ModelRun* current, const fs::path& path, double wall) {
  brocken::io::MemoryArchive ar;
  ar.put_text("run/scenario_file", job.scenario_file);
  ar.put_text("run/scenario_path", job.scenario_path);
  ar.put_text("run/scenario_resolved_yaml", job.sc.doc.resolved_yaml);
  ar.put_scalar<std::uint64_t>("run/set_count", job.sets.size());
  for (std::size_t i = 0; i < job.sets.size(); ++i) {
    ar.put_text(fmt::format("run/set/{}", i), job.sets[i]);
  }
  ar.put_scalar<std::uint64_t>("run/seed", job.sc.run.seed);
  ar.put_scalar<std::int64_t>("run/replications", job.sc.run.replications);
  ar.put_scalar<std::int64_t>("run/months", job.sc.run.months);
  ar.put_scalar<std::uint64_t>("progress/finished", job.finished.size());
  ar.put_scalar<std::uint64_t>("progress/peak_agents", job.peak_agents);
  ar.put_scalar<std::uint64_t>("progress/bytes_per_agent", job.bytes_per_agent);
  ar.put_scalar<double>("progress/wall_time_seconds", wall);
  for (std::size_t r = 0; r < job.finished.size(); ++r) {
    brocken::migration::save_series(job.finished[r], ar, fmt::format("finished/{}", r));
  }
  if (current != nullptr) current->save(ar, "current");
  brocken::io::write_checkpoint(ar, path);
}

std::string resume_hint(const LoopOptions& o) {
  std::string cmd = fmt::format("{} resume {} -o {}", shell_word(o.argv0),
                                shell_word(o.checkpoint.string()), shell_word(o.output));
  if (o.threads != 1) cmd += fmt::format(" -t {}", o.threads);
  if (o.every > 0) cmd += fmt::format(" --checkpoint-every {}", o.every);
  if (o.force) cmd += " --force";
  return cmd;
}

int run_loop(Job& job, const LoopOptions& o, const brocken::policy::Registry& registry,
             const brocken::sched::Executor& exec) {
  const Scenario& sc = job.sc;
  const auto started = std::chrono::steady_clock::now();
  const auto wall_now = [&] {
    return job.wall_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const bool tty = isatty(STDERR_FILENO) == 1 && !o.quiet;
  Progress progress(tty, sc.run.months);
  bool wrote_checkpoint = false;
  for (int rep = static_cast<int>(job.finished.size()); rep < sc.run.replications; ++rep) {
    std::unique_ptr<ModelRun> run =
        job.current
            ? std::move(job.current)
            : std::make_unique<ModelRun>(sc, static_cast<std::uint32_t>(rep), exec, registry);
    if (job.bytes_per_agent == 0) job.bytes_per_agent = run->bytes_per_agent();
    while (run) {
      if (run->tick() < sc.run.months) {
        run->step();
        job.peak_agents = std::max(job.peak_agents, run->agent_count());
        const int idx = sc.run.start.index() + run->tick() - 1;
        progress.update(run->tick(), rep, sc.run.replications,
                        fmt::format("{:04d}-{:02d}", idx / 12, idx % 12 + 1));
      }
      const int done = run->tick();
      const bool rep_done = done >= sc.run.months;
      if (rep_done) {
        job.finished.push_back(run->take_series());
        run.reset();
      }
      const int sig = g_stop_signal;
      const bool last = rep_done && rep + 1 == sc.run.replications;
      const bool periodic = o.every > 0 && done % o.every == 0 && !last;
      if (sig == 0 && !periodic) continue;
      try {
        save_checkpoint(job, run.get(), o.checkpoint, wall_now());
        wrote_checkpoint = true;
      } catch (const brocken::io::OutputError& e) {
        progress.finish();
        std::cerr << "error: " << e.what() << '\n';
        std::error_code ec;
        if (wrote_checkpoint || fs::exists(o.checkpoint, ec)) {
          std::cerr << fmt::format("the last good checkpoint is '{}'\n", o.checkpoint.string());
        }
        return kExitOutput;
      }
      if (sig != 0) {
        progress.finish();
        const int idx = sc.run.start.index() + done - 1;
        std::cerr << fmt::format(
            "interrupted by {} after month {:04d}-{:02d} of replication {}/{}; checkpoint "
            "written to '{}'\nresume with: {}\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM", idx / 12, idx % 12 + 1, rep + 1,
            sc.run.replications, o.checkpoint.string(), resume_hint(o));
        return kExitInterrupted;
      }
    }
  }
  progress.finish();
  const double wall = wall_now();

  std::vector<const brocken::migration::Series*> series;
  series.reserve(job.finished.size());
  for (const auto& s : job.finished) series.push_back(&s);
  brocken::io::Attributes attrs = brocken::tools::provenance_attributes(
      sc, job.scenario_file, o.threads, job.bytes_per_agent, job.peak_agents);
  attrs["wall_time_seconds"] = wall;
  attrs["created_utc"] = utc_now();
  const auto dataset = brocken::migration::make_dataset(
      sc, series, brocken::tools::policy_names(sc), std::move(attrs));

  if (!o.quiet) {
    brocken::tools::print_yearly_summary(std::cout, sc, job.finished.front());
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
    std::error_code ec;
    if (fs::exists(o.checkpoint, ec)) {
      std::cerr << fmt::format("the checkpoint '{}' is kept; after freeing space: {}\n",
                               o.checkpoint.string(), resume_hint(o));
    }
    return kExitOutput;
  }
  // The output supersedes the checkpoint.
  std::error_code ec;
  fs::remove(o.checkpoint, ec);
  if (!o.quiet) std::cout << "wrote " << o.output << '\n';
  return 0;
}

/// True when both paths name the same file (resolving symbolic links where they exist).
bool same_file_name(const fs::path& a, const fs::path& b) {
  std::error_code ea;
  std::error_code eb;
  const fs::path ca = fs::weakly_canonical(a, ea);
  const fs::path cb = fs::weakly_canonical(b, eb);
  if (ea || eb) return fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
  return ca == cb;
}

/// The checkpoint may be written: its directory exists and is writable, it is not the output,
/// and (without --force) no checkpoint of an interrupted run would be replaced.
void check_checkpoint_target(const fs::path& ckpt, const std::string& output, bool force,
                             bool resuming_it) {
  if (same_file_name(ckpt, output)) {
    throw brocken::io::OutputError("the checkpoint '" + ckpt.string() +
                                   "' would be the output file; choose another --checkpoint");
  }
  brocken::io::check_output_target(ckpt, true);
  std::error_code ec;
  if (!force && !resuming_it && fs::exists(fs::symlink_status(ckpt, ec))) {
    throw brocken::io::OutputError(
        "checkpoint '" + ckpt.string() + "' exists (an interrupted run?); continue it with `" +
        "brocken resume " + shell_word(ckpt.string()) + " -o " + shell_word(output) +
        "`, or pass --force to start again and replace it");
  }
}

int run_command(const RunOptions& o) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  LoopOptions lo = o.loop;
  lo.checkpoint = o.checkpoint.empty() ? fs::path(lo.output + ".ckpt.h5") : fs::path(o.checkpoint);
  Job job;
  try {
    job.sc = brocken::migration::load_scenario(o.scenario, o.sets, registry);
    check_memory(job.sc, lo.every > 0);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return kExitInput;
  }
  try {
    brocken::io::check_output_target(lo.output, lo.force);
    check_checkpoint_target(lo.checkpoint, lo.output, lo.force, false);
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }
  job.scenario_file = o.scenario;
  job.scenario_path = fs::absolute(o.scenario).lexically_normal().string();
  job.sets = o.sets;
  const brocken::sched::Executor exec(lo.threads);
  return run_loop(job, lo, registry, exec);
}

/// The first line where two texts differ (1-based), for the scenario-mismatch message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a);
  std::istringstream sb(b);
  std::string la;
  std::string lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(sa, la));
    const bool gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (!ga || !gb || la != lb) {
      return fmt::format("line {} of the resolved scenario: checkpoint has '{}', now '{}'", line,
                         ga ? la : "<end>", gb ? lb : "<end>");
    }
  }
}

int resume_command(const ResumeOptions& o) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  brocken::io::MemoryArchive ar;
  try {
    ar = brocken::io::read_checkpoint(o.checkpoint);
  } catch (const brocken::io::CheckpointError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }
  Job job;
  LoopOptions lo = o.loop;
  lo.checkpoint = o.checkpoint_out.empty() ? fs::path(o.checkpoint) : fs::path(o.checkpoint_out);
  const auto bad = [&](const std::string& why) {
    std::cerr << fmt::format("error: checkpoint '{}' cannot be used: {}\n", o.checkpoint, why);
    return kExitInput;
  };
  std::string resolved;
  try {
    job.scenario_file = ar.get_text("run/scenario_file");
    job.scenario_path = ar.get_text("run/scenario_path");
    resolved = ar.get_text("run/scenario_resolved_yaml");
    const auto n = ar.get_scalar<std::uint64_t>("run/set_count");
    if (n > 100000) return bad("entry 'run/set_count' is implausible");
    for (std::uint64_t i = 0; i < n; ++i)
      job.sets.push_back(ar.get_text(fmt::format("run/set/{}", i)));
  } catch (const brocken::io::ArchiveError& e) {
    return bad(e.what());
  }
  try {
    job.sc = brocken::migration::load_scenario(job.scenario_path, job.sets, registry);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    std::cerr << fmt::format("error: checkpoint '{}': its scenario '{}' no longer loads\n",
                             o.checkpoint, job.scenario_path);
    return kExitInput;
  }
  if (job.sc.doc.resolved_yaml != resolved) {
    return bad(fmt::format("its scenario '{}' has changed since the checkpoint was written ({})",
                           job.scenario_path,
                           first_difference(resolved, job.sc.doc.resolved_yaml)));
  }
  try {
    check_memory(job.sc, lo.every > 0);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return kExitInput;
  }
  try {
    brocken::io::check_output_target(lo.output, lo.force);
    check_checkpoint_target(lo.checkpoint, lo.output, lo.force,
                            same_file_name(lo.checkpoint, o.checkpoint));
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }
  // The restored run keeps a pointer to the executor, which therefore lives in this function.
  const brocken::sched::Executor exec(lo.threads);
  try {
    const auto finished = ar.get_scalar<std::uint64_t>("progress/finished");
    if (finished > static_cast<std::uint64_t>(job.sc.run.replications)) {
      return bad("entry 'progress/finished' exceeds the scenario's replications");
    }
    job.peak_agents = ar.get_scalar<std::uint64_t>("progress/peak_agents");
    job.bytes_per_agent = ar.get_scalar<std::uint64_t>("progress/bytes_per_agent");
    job.wall_before = ar.get_scalar<double>("progress/wall_time_seconds");
    for (std::uint64_t r = 0; r < finished; ++r) {
      job.finished.push_back(brocken::migration::restore_series(ar, fmt::format("finished/{}", r),
                                                                job.sc, job.sc.run.months));
    }
    if (ar.contains("current/tick")) {
      if (finished == static_cast<std::uint64_t>(job.sc.run.replications)) {
        return bad("it holds a replication in progress after the last one");
      }
      job.current =
          std::make_unique<ModelRun>(job.sc, static_cast<std::uint32_t>(finished), exec, registry);
      job.current->restore(ar, "current");
    }
  } catch (const brocken::io::ArchiveError& e) {
    return bad(e.what());
  }
  ar = brocken::io::MemoryArchive{};  // release the copy of the agents
  return run_loop(job, lo, registry, exec);
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

  // The options of `run` and `resume` that end in LoopOptions.
  const auto add_loop_options = [](CLI::App* cmd, LoopOptions& lo) {
    cmd->add_option("-o,--output", lo.output, "output HDF5 file")->required();
    cmd->add_option("-t,--threads", lo.threads, "worker threads (results do not depend on it)")
        ->check(CLI::Range(1, 1024));
    cmd->add_flag("-f,--force", lo.force, "overwrite an existing output file");
    cmd->add_flag("-q,--quiet", lo.quiet, "no summary table and no progress bar");
    cmd->add_flag("--hash", lo.hash, "print a hash of all output datasets");
    cmd->add_option("--checkpoint-every", lo.every,
                    "write a checkpoint every N months of each replication (0: only when "
                    "interrupted)")
        ->check(CLI::Range(0, 100000));
  };

  RunOptions ro;
  auto* run = app.add_subcommand("run", "run a scenario and write an HDF5 file");
  run->add_option("scenario", ro.scenario, "scenario YAML file")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--set", ro.sets, "override a scenario key: path.to.key=value (repeatable)");
  add_loop_options(run, ro.loop);
  run->add_option("--checkpoint", ro.checkpoint, "checkpoint file (default: OUTPUT.ckpt.h5)");

  ResumeOptions rs;
  auto* resume = app.add_subcommand(
      "resume", "continue an interrupted run from its checkpoint (same result as uninterrupted)");
  resume->add_option("checkpoint", rs.checkpoint, "checkpoint file written by run or resume")
      ->required();
  add_loop_options(resume, rs.loop);
  resume->add_option("--checkpoint", rs.checkpoint_out,
                     "where to write further checkpoints (default: the CHECKPOINT resumed from)");

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
    const std::string argv0 = argc > 0 && argv[0] != nullptr ? argv[0] : "brocken";
    if (run->parsed() || resume->parsed()) {
      ignore_sigxfsz();
      install_signal_handlers();
    }
    if (run->parsed()) {
      ro.loop.argv0 = argv0;
      return run_command(ro);
    }
    if (resume->parsed()) {
      rs.loop.argv0 = argv0;
      return resume_command(rs);
    }
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
