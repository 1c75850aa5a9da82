// The `brocken` command line: run, resume, validate, synth, bench, policies, version.
//
// Exit codes: 0 success; 1 internal error; 2 invalid input (scenario, data, command line, an
// existing output without --force, an unusable checkpoint, or a run that does not fit in
// memory); 3 the output or a checkpoint could not be written (disk full, file-size limit,
// permissions; the finished work is kept in a checkpoint); 4 interrupted by SIGINT or SIGTERM,
// checkpoint written, resumable; 5 out of memory during the run (a checkpoint keeps the work done
// where one could be written). A run or resume refused because another run holds its output or
// checkpoint (a lock) exits 2. docs/reliability.md lists them with their tests.
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
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/build_info.hpp"
#include "engine/io/checkpoint.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "engine/io/journal.hpp"
#include "engine/io/path_lock.hpp"
#include "engine/policy/registry.hpp"
#include "engine/scenario/diagnostics.hpp"
#include "engine/sched/executor.hpp"
#include "models/migration/model.hpp"
#include "tools/bench_command.hpp"
#include "tools/memory_check.hpp"
#include "tools/summary.hpp"
#include "tools/synth_report.hpp"

namespace {

using brocken::migration::ModelRun;
using brocken::migration::Scenario;

constexpr int kExitInternal = 1;
constexpr int kExitInput = 2;
constexpr int kExitOutput = 3;
constexpr int kExitInterrupted = 4;
constexpr int kExitOutOfMemory = 5;

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
  std::string owner;              ///< io::owner_tag(output), stamped on checkpoints
  bool checkpoint_stats = false;  ///< --checkpoint-stats: one line per checkpoint on stderr
  bool no_memory_check = false;   ///< --no-memory-check: skip the estimate (exit 5 if it runs out)
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
// Memory: refuse a run that cannot fit before anything large is allocated (tools/memory_check).

/// Throws InputError naming the scenario key to lower when the run's estimated peak memory
/// exceeds what is available.
void check_memory(const Scenario& sc, int threads, double resume_bytes, bool skip) {
  if (skip) return;
  const brocken::tools::MemoryEstimate est =
      brocken::tools::estimate_run(sc, threads, resume_bytes);
  const double need = est.peak();
  const auto avail = brocken::tools::available_memory();
  if (!avail || need <= avail->first) return;
  const bool by_series = est.series * 4.0 > est.agents + est.checkpoint;
  const bool by_overhead = est.overhead > need - est.overhead;
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
      fmt::format("the run needs about {} of memory ({}), but only {} is available ({}); {}",
                  brocken::tools::human_bytes(need), est.describe(),
                  brocken::tools::human_bytes(avail->first), avail->second,
                  by_overhead ? std::string("raise the limit (threads and libraries alone need "
                                            "that much address space), or pass "
                                            "--no-memory-check")
                              : "lower " + key +
                                    " (or pass --no-memory-check: the estimate is "
                                    "an upper bound)"));
  diags.throw_if_any();
}

// ---------------------------------------------------------------------------------------------
// Files a run owns: its output, its checkpoint and the checkpoint's series journal.

/// A file this run wrote or resumed from, identified by device and inode: the only files a run
/// ever removes are those whose name still leads to the same inode.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool valid = false;
  static FileId of(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
    return FileId{st.st_dev, st.st_ino, true};
  }
  [[nodiscard]] bool same(const FileId& o) const {
    return valid && o.valid && dev == o.dev && ino == o.ino;
  }
};

fs::path journal_path(const fs::path& checkpoint) {
  return fs::path(checkpoint.string() + ".series");
}

/// Removes `path` only if it is still the file `id` (this run's own file).
void remove_own(const fs::path& path, const FileId& id) {
  if (id.valid && FileId::of(path).same(id)) {
    std::error_code ec;
    fs::remove(path, ec);
  }
}

/// Everything a run carries from month to month besides the model's own state.
struct Job {
  Scenario sc;
  std::string scenario_file;  ///< as typed (provenance)
  std::vector<std::string> sets;
  std::vector<brocken::migration::Series> finished;  ///< replications done
  std::unique_ptr<ModelRun> current;                 ///< a restored replication in progress
  std::size_t peak_agents = 0;
  std::size_t bytes_per_agent = 0;
  double wall_before = 0;  ///< seconds spent by earlier processes (resumed runs)
  // The series journal (engine/io/journal.hpp): finished replications written once each.
  std::optional<brocken::io::JournalWriter> journal;
  std::size_t journaled = 0;       ///< finished replications in the journal's valid part
  std::uint64_t resume_bytes = 0;  ///< journal bytes valid in the checkpoint resumed from
  std::uint64_t resume_hash = 0;
  bool continue_journal = false;  ///< the journal resumed from is the one written to
  // This run's own files, removed when the output is written.
  FileId own_checkpoint;
  FileId own_journal;
  int checkpoints_written = 0;
};

/// Appends the finished replications not yet in the journal, then writes the checkpoint that
/// counts them (the order that keeps every checkpoint's journal bytes on disk).
void save_checkpoint(Job& job, const ModelRun* current, const fs::path& path,
                     const std::string& owner, double wall, bool stats = false) {
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path jpath = journal_path(path);
  const std::uint64_t journal_before = job.journal ? job.journal->bytes() : 0;
  if (!job.journal) {
    if (job.continue_journal) {
      job.journal.emplace(jpath, owner, job.resume_bytes, job.resume_hash);
    } else {
      job.journal.emplace(jpath, owner, 0, 0);
      job.journaled = 0;
    }
    job.own_journal = FileId::of(jpath);
  }
  for (; job.journaled < job.finished.size(); ++job.journaled) {
    brocken::io::MemoryArchive rec;
    rec.put_scalar<std::uint64_t>("replication", job.journaled);
    brocken::migration::save_series(job.finished[job.journaled], rec, "series");
    job.journal->append(brocken::io::serialize_archive(rec));
  }
  brocken::io::MemoryArchive ar;
  ar.put_text("run/scenario_file", job.scenario_file);
  ar.put_text("run/scenario_resolved_yaml", job.sc.doc.resolved_yaml);
  ar.put_scalar<std::uint64_t>("run/set_count", job.sets.size());
  for (std::size_t i = 0; i < job.sets.size(); ++i) {
    ar.put_text(fmt::format("run/set/{}", i), job.sets[i]);
  }
  ar.put_scalar<std::uint64_t>("run/seed", job.sc.run.seed);
  ar.put_scalar<std::int64_t>("run/replications", job.sc.run.replications);
  ar.put_scalar<std::int64_t>("run/months", job.sc.run.months);
  ar.put_scalar<std::uint64_t>("progress/finished", job.finished.size());
  ar.put_scalar<std::uint64_t>("progress/journal_bytes", job.journal->bytes());
  ar.put_scalar<std::uint64_t>("progress/journal_hash", job.journal->hash());
  ar.put_scalar<std::uint64_t>("progress/peak_agents", job.peak_agents);
  ar.put_scalar<std::uint64_t>("progress/bytes_per_agent", job.bytes_per_agent);
  ar.put_scalar<double>("progress/wall_time_seconds", wall);
  if (current != nullptr) current->save(ar, "current");
  brocken::io::write_checkpoint(ar, path, brocken::io::this_build(), owner);
  job.own_checkpoint = FileId::of(path);
  ++job.checkpoints_written;
  if (stats) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    std::cerr << fmt::format(
        "checkpoint {}: {:.1f} ms, {} finished replication{}, checkpoint file {} bytes, "
        "journal +{} bytes (total {})\n",
        job.checkpoints_written,
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
        job.finished.size(), job.finished.size() == 1 ? "" : "s", ec ? 0 : size,
        job.journal->bytes() - journal_before, job.journal->bytes());
  }
}

std::string resume_hint(const LoopOptions& o) {
  std::string cmd = fmt::format("{} resume {} -o {}", shell_word(o.argv0),
                                shell_word(o.checkpoint.string()), shell_word(o.output));
  if (o.threads != 1) cmd += fmt::format(" -t {}", o.threads);
  if (o.every > 0) cmd += fmt::format(" --checkpoint-every {}", o.every);
  if (o.force) cmd += " --force";
  return cmd;
}

/// Out of memory during the run: the work done is kept in a checkpoint where possible.
int out_of_memory(Job& job, const LoopOptions& o, const std::string& where, bool state_intact,
                  std::unique_ptr<ModelRun>& run, double wall) {
  // The replication in progress is lost when the allocation failed inside its month (its state
  // is half-updated); free it first, which also makes room for the checkpoint.
  if (!state_intact) run.reset();
  std::cerr << fmt::format("error: out of memory {}\n", where);
  bool saved = false;
  try {
    // A checkpoint only helps when it holds more than the one on disk: finished replications
    // since, or an intact replication in progress.
    save_checkpoint(job, run.get(), o.checkpoint, o.owner, wall);
    saved = true;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: not enough memory to write a checkpoint either\n";
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
  }
  std::error_code ec;
  if (saved) {
    std::cerr << fmt::format(
        "checkpoint written to '{}' ({} of {} replications finished{}); with more memory, "
        "resume with: {}\n",
        o.checkpoint.string(), job.finished.size(), job.sc.run.replications,
        run ? ", the one in progress kept" : "; the one in progress restarts from its first month",
        resume_hint(o));
  } else if (fs::exists(o.checkpoint, ec)) {
    std::cerr << fmt::format("the last good checkpoint is '{}'; resume with: {}\n",
                             o.checkpoint.string(), resume_hint(o));
  } else {
    std::cerr << "no checkpoint could be written; run again with more memory (or a smaller "
                 "population.scale, fewer replications or months)\n";
  }
  return kExitOutOfMemory;
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
  for (int rep = static_cast<int>(job.finished.size()); rep < sc.run.replications; ++rep) {
    std::unique_ptr<ModelRun> run;
    try {
      run = job.current
                ? std::move(job.current)
                : std::make_unique<ModelRun>(sc, static_cast<std::uint32_t>(rep), exec, registry);
    } catch (const std::bad_alloc&) {
      progress.finish();
      return out_of_memory(job, o, fmt::format("starting replication {}", rep + 1), false, run,
                           wall_now());
    }
    if (job.bytes_per_agent == 0) job.bytes_per_agent = run->bytes_per_agent();
    while (run) {
      if (run->tick() < sc.run.months) {
        try {
          run->step();
        } catch (const std::bad_alloc&) {
          progress.finish();
          const int idx = sc.run.start.index() + run->tick();
          return out_of_memory(job, o,
                               fmt::format("in month {:04d}-{:02d} of replication {}/{}", idx / 12,
                                           idx % 12 + 1, rep + 1, sc.run.replications),
                               false, run, wall_now());
        }
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
        save_checkpoint(job, run.get(), o.checkpoint, o.owner, wall_now(), o.checkpoint_stats);
      } catch (const brocken::io::OutputError& e) {
        progress.finish();
        std::cerr << "error: " << e.what() << '\n';
        std::error_code ec;
        if (fs::exists(o.checkpoint, ec)) {
          std::cerr << fmt::format("the last good checkpoint is '{}'\n", o.checkpoint.string());
        }
        return kExitOutput;
      } catch (const std::bad_alloc&) {
        progress.finish();
        std::cerr << "error: out of memory while writing a checkpoint\n";
        std::error_code ec;
        if (fs::exists(o.checkpoint, ec)) {
          std::cerr << fmt::format("the last good checkpoint is '{}'; resume with: {}\n",
                                   o.checkpoint.string(), resume_hint(o));
        }
        return kExitOutOfMemory;
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

  // The output is written before anything is printed: a closed standard output (`| head`) can
  // cost the table, never the file.
  std::uint64_t hash = 0;
  try {
    std::vector<const brocken::migration::Series*> series;
    series.reserve(job.finished.size());
    for (const auto& s : job.finished) series.push_back(&s);
    brocken::io::Attributes attrs = brocken::tools::provenance_attributes(
        sc, job.scenario_file, o.threads, job.bytes_per_agent, job.peak_agents);
    attrs["wall_time_seconds"] = wall;
    attrs["created_utc"] = utc_now();
    const auto dataset = brocken::migration::make_dataset(
        sc, series, brocken::tools::policy_names(sc), std::move(attrs));
    if (o.hash) hash = brocken::tools::dataset_hash(dataset);
    brocken::io::write_hdf5(dataset, o.output, o.force);
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
    // Keep the work: a checkpoint of the finished run writes just the output when resumed.
    try {
      save_checkpoint(job, nullptr, o.checkpoint, o.owner, wall);
      std::cerr << fmt::format(
          "the finished run is kept in the checkpoint '{}'; after fixing "
          "the problem: {}\n",
          o.checkpoint.string(), resume_hint(o));
    } catch (const std::exception& ce) {
      std::cerr << "error: no checkpoint of the finished run could be written either: " << ce.what()
                << '\n';
      std::error_code ec;
      if (fs::exists(o.checkpoint, ec)) {
        std::cerr << fmt::format(
            "the last good checkpoint '{}' is kept; after fixing the "
            "problem: {}\n",
            o.checkpoint.string(), resume_hint(o));
      }
    }
    return kExitOutput;
  } catch (const std::bad_alloc&) {
    std::unique_ptr<ModelRun> none;
    return out_of_memory(job, o, "while assembling the output file", true, none, wall);
  }
  // The output supersedes this run's checkpoint; nothing else is ever removed.
  remove_own(o.checkpoint, job.own_checkpoint);
  remove_own(journal_path(o.checkpoint), job.own_journal);

  if (!o.quiet) {
    brocken::tools::print_yearly_summary(std::cout, sc, job.finished.front());
    std::cout << fmt::format("{} months x {} district{}, {} replication{}, {} thread{}: {:.2f} s\n",
                             sc.run.months, sc.region->districts.size(),
                             sc.region->districts.size() == 1 ? "" : "s", sc.run.replications,
                             sc.run.replications == 1 ? "" : "s", o.threads,
                             o.threads == 1 ? "" : "s", wall);
  }
  if (o.hash) std::cout << fmt::format("state hash: {:016x}\n", hash);
  if (!o.quiet) std::cout << "wrote " << o.output << '\n';
  std::cout.flush();
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

/// The locks a run holds on its paths, released (and the lock files removed) on return.
struct RunLocks {
  std::vector<brocken::io::PathLock> held;
};

/// Takes the locks of `paths` (deduplicated), in a fixed order. Throws LockError / OutputError.
RunLocks lock_paths(std::vector<fs::path> paths, const std::string& command) {
  std::vector<std::string> keys;
  for (auto& p : paths) {
    std::error_code ec;
    const fs::path c = fs::weakly_canonical(p, ec);
    keys.push_back(ec ? fs::absolute(p).lexically_normal().string() : c.string());
  }
  std::vector<std::size_t> order(paths.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto x, auto y) { return keys[x] < keys[y]; });
  RunLocks locks;
  std::string last;
  const std::string holder = brocken::io::describe_this_process(command);
  for (const auto i : order) {
    if (keys[i] == last) continue;
    last = keys[i];
    locks.held.emplace_back(paths[i], holder);
  }
  return locks;
}

/// An existing file at `path` that this run would replace is a checkpoint (or journal) of the
/// same output; anything else is never touched. Throws OutputError.
void check_replaceable(const fs::path& path, bool journal, const std::string& owner,
                       const std::string& output) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return;
  std::string found;
  if (journal) {
    found = brocken::io::journal_owner(path);
  } else {
    try {
      found = brocken::io::peek_checkpoint(path).owner;
    } catch (const brocken::io::CheckpointError&) {
      found.clear();
    }
  }
  if (found == owner) return;
  throw brocken::io::OutputError(fmt::format(
      "'{}' exists and is not {} of the output '{}', so brocken will not replace it, not even "
      "with --force; choose another --checkpoint, or move the file away",
      path.string(), journal ? "the series journal of a checkpoint" : "a checkpoint", output));
}

/// The checkpoint may be written: it is not the output, its directory is usable, and an
/// existing file there is this run's to replace: the checkpoint being resumed, or, with --force,
/// a checkpoint of the same output. Without --force an existing checkpoint is refused.
void check_checkpoint_target(const LoopOptions& o, bool resuming_it) {
  const fs::path& ckpt = o.checkpoint;
  const fs::path journal = journal_path(ckpt);
  for (const fs::path& p : {ckpt, journal}) {
    if (same_file_name(p, o.output)) {
      throw brocken::io::OutputError("the checkpoint '" + ckpt.string() +
                                     "' would overwrite the output file; choose another "
                                     "--checkpoint");
    }
  }
  brocken::io::check_output_target(ckpt, true);
  if (resuming_it) return;
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(ckpt, ec));
  if (!o.force && exists) {
    throw brocken::io::OutputError(
        "checkpoint '" + ckpt.string() + "' exists (an interrupted run?); continue it with `" +
        "brocken resume " + shell_word(ckpt.string()) + " -o " + shell_word(o.output) +
        "`, or pass --force to start again and replace it");
  }
  check_replaceable(ckpt, false, o.owner, o.output);
  check_replaceable(journal, true, o.owner, o.output);
}

/// The command line as a string, for lock files.
std::string command_line(const LoopOptions& o, const std::string& verb, const std::string& what) {
  return fmt::format("{} {} {} -o {}", shell_word(o.argv0), verb, shell_word(what),
                     shell_word(o.output));
}

/// Output, checkpoint and lock checks for a run or resume. Returns exit code 0 when usable.
int prepare_outputs(LoopOptions& lo, RunLocks& locks, const std::string& verb,
                    const std::string& what, const std::optional<fs::path>& resumed) {
  try {
    lo.owner = brocken::io::owner_tag(lo.output);
    brocken::io::check_output_target(lo.output, lo.force);
    std::vector<fs::path> paths{lo.output, lo.checkpoint};
    if (resumed) paths.push_back(*resumed);
    locks = lock_paths(paths, command_line(lo, verb, what));
    // Checked again now that the paths are ours (another run may have finished meanwhile).
    brocken::io::check_output_target(lo.output, lo.force);
    check_checkpoint_target(lo, resumed && same_file_name(lo.checkpoint, *resumed));
  } catch (const brocken::io::LockError& e) {
    std::cerr << "error: " << e.what() << "; wait for it to finish, or choose another output\n";
    return kExitInput;
  } catch (const brocken::io::OutputError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }
  return 0;
}

/// A stop signal that arrived before the month loop: nothing was written.
int stopped_early() {
  const int sig = g_stop_signal;
  std::cerr << fmt::format("interrupted by {} before the first month; nothing was written\n",
                           sig == SIGINT ? "SIGINT" : "SIGTERM");
  return 128 + sig;
}

int run_command(const RunOptions& o) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  LoopOptions lo = o.loop;
  lo.checkpoint = o.checkpoint.empty() ? fs::path(lo.output + ".ckpt.h5") : fs::path(o.checkpoint);
  Job job;
  try {
    job.sc = brocken::migration::load_scenario(o.scenario, o.sets, registry);
    check_memory(job.sc, lo.threads, 0, lo.no_memory_check);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return kExitInput;
  }
  RunLocks locks;
  if (const int rc = prepare_outputs(lo, locks, "run", o.scenario, std::nullopt); rc != 0) {
    return rc;
  }
  // With --force, a leftover checkpoint of the same output (proved by its owner tag in
  // check_checkpoint_target) is this run's to replace, and to remove when the output is written.
  job.own_checkpoint = FileId::of(lo.checkpoint);
  job.own_journal = FileId::of(journal_path(lo.checkpoint));
  job.scenario_file = o.scenario;
  job.sets = o.sets;
  if (g_stop_signal != 0) return stopped_early();
  const brocken::sched::Executor exec(lo.threads);
  return run_loop(job, lo, registry, exec);
}

int resume_command(const ResumeOptions& o) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  Job job;
  LoopOptions lo = o.loop;
  lo.checkpoint = o.checkpoint_out.empty() ? fs::path(o.checkpoint) : fs::path(o.checkpoint_out);
  const auto bad = [&](const std::string& why) {
    std::cerr << fmt::format("error: checkpoint '{}' cannot be used: {}\n", o.checkpoint, why);
    return kExitInput;
  };
  // Only the trailer is read before the locks are taken and the memory is checked.
  brocken::io::CheckpointInfo info;
  try {
    info = brocken::io::peek_checkpoint(o.checkpoint);
  } catch (const brocken::io::CheckpointError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }
  RunLocks locks;
  if (const int rc = prepare_outputs(lo, locks, "resume", o.checkpoint, fs::path(o.checkpoint));
      rc != 0) {
    return rc;
  }
  {
    const double need = brocken::tools::checkpoint_read_bytes(static_cast<double>(info.body_bytes));
    const auto avail = brocken::tools::available_memory();
    if (avail && need > avail->first && !lo.no_memory_check) {
      return bad(fmt::format(
          "reading it needs about {} of memory, but only {} is available ({}); the checkpoint "
          "itself is fine: resume it where more memory is available",
          brocken::tools::human_bytes(need), brocken::tools::human_bytes(avail->first),
          avail->second));
    }
  }
  const FileId resumed_id = FileId::of(o.checkpoint);
  brocken::io::MemoryArchive ar;
  try {
    ar = brocken::io::read_checkpoint(o.checkpoint);
  } catch (const brocken::io::CheckpointError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitInput;
  }
  if (g_stop_signal != 0) return stopped_early();
  std::string resolved;
  try {
    job.scenario_file = ar.get_text("run/scenario_file");
    resolved = ar.get_text("run/scenario_resolved_yaml");
    const auto n = ar.get_scalar<std::uint64_t>("run/set_count");
    if (n > 100000) return bad("entry 'run/set_count' is implausible");
    for (std::uint64_t i = 0; i < n; ++i)
      job.sets.push_back(ar.get_text(fmt::format("run/set/{}", i)));
  } catch (const brocken::io::ArchiveError& e) {
    return bad(e.what());
  }
  // The run continues the scenario it started with: the resolved copy in the checkpoint (with
  // absolute paths), not the file, which may have changed, moved, or been a pipe.
  try {
    job.sc = brocken::migration::load_resolved_scenario(
        resolved, fmt::format("{} (its scenario)", o.checkpoint), registry);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
    return bad("the scenario it holds no longer loads (its data directory moved or changed?)");
  }
  if (job.sc.doc.resolved_yaml != resolved) {
    return bad("the scenario it holds does not resolve to itself (it was not written by brocken)");
  }
  try {
    check_memory(job.sc, lo.threads, static_cast<double>(info.body_bytes), lo.no_memory_check);
  } catch (const brocken::scenario::InputError& e) {
    print_diagnostics(e);
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
    if (!(job.wall_before >= 0 && job.wall_before < 1e10)) {
      return bad("entry 'progress/wall_time_seconds' is implausible");
    }
    if (job.peak_agents > (std::size_t{1} << 40U))
      return bad("entry 'progress/peak_agents' is implausible");
    job.resume_bytes = ar.get_scalar<std::uint64_t>("progress/journal_bytes");
    job.resume_hash = ar.get_scalar<std::uint64_t>("progress/journal_hash");
    const fs::path jpath = journal_path(o.checkpoint);
    std::vector<std::vector<unsigned char>> records;
    try {
      records = brocken::io::read_journal(jpath, job.resume_bytes, job.resume_hash, finished);
    } catch (const std::runtime_error& e) {
      return bad(e.what());
    }
    for (std::uint64_t r = 0; r < finished; ++r) {
      const brocken::io::MemoryArchive rec = brocken::io::deserialize_archive(records[r]);
      records[r] = {};
      if (rec.get_scalar<std::uint64_t>("replication") != r) {
        return bad(fmt::format("record {} of its series journal is of another replication", r));
      }
      job.finished.push_back(
          brocken::migration::restore_series(rec, "series", job.sc, job.sc.run.months));
    }
    job.journaled = finished;
    // Further checkpoints go to the same file: continue its journal (it is this run's own).
    job.continue_journal = same_file_name(lo.checkpoint, o.checkpoint) &&
                           brocken::io::journal_owner(jpath) == lo.owner;
    if (same_file_name(lo.checkpoint, o.checkpoint)) {
      job.own_checkpoint = resumed_id;
      job.own_journal = FileId::of(jpath);
    }
    if (ar.contains("current/tick")) {
      if (finished == static_cast<std::uint64_t>(job.sc.run.replications)) {
        return bad("it holds a replication in progress after the last one");
      }
      job.current =
          std::make_unique<ModelRun>(job.sc, static_cast<std::uint32_t>(finished), exec, registry);
      job.current->restore(ar, "current");
      if (job.bytes_per_agent != job.current->bytes_per_agent()) {
        return bad("entry 'progress/bytes_per_agent' does not match this build");
      }
    }
  } catch (const brocken::io::ArchiveError& e) {
    return bad(e.what());
  } catch (const std::bad_alloc&) {
    return bad(
        "not enough memory to restore it (the checkpoint itself is fine; resume it where "
        "more memory is available)");
  }
  ar = brocken::io::MemoryArchive{};  // release the copy of the agents
  if (g_stop_signal != 0) return stopped_early();
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
    const brocken::tools::MemoryEstimate est = brocken::tools::estimate_run(sc, 1, 0);
    std::cout << fmt::format("memory: a run needs about {} at 1 thread ({})\n",
                             brocken::tools::human_bytes(est.peak()), est.describe());
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
  if (!csv.empty()) {
    try {
      brocken::io::check_output_target(csv, force);
    } catch (const brocken::io::OutputError& e) {
      std::cerr << "error: " << e.what() << '\n';
      return kExitInput;
    }
    // The file first, the report after: a closed standard output cannot cost the file.
    try {
      brocken::tools::write_synth_csv(sc, csv, force);
    } catch (const brocken::io::OutputError& e) {
      std::cerr << "error: " << e.what() << '\n';
      return kExitOutput;
    }
  }
  brocken::tools::print_synth_report(std::cout, sc);
  if (!csv.empty()) std::cout << "wrote " << csv << '\n';
  return 0;
}

int policies_command(bool levers) {
  brocken::policy::Registry registry;
  brocken::migration::register_policies(registry);
  std::cout << "policy modules:\n";
  for (const auto& name : registry.names()) {
    std::cout << fmt::format("  {:<24} {}\n", name, registry.create(name)->summary());
  }
  if (!levers) return 0;
  const brocken::policy::LeverBoard board = brocken::migration::declared_board();
  std::cout << "\nrate levers (reset to the neutral value every month; one value per district "
               "unless state-wide):\n";
  for (const auto& d : board.lever_declarations()) {
    std::cout << fmt::format("  {:<40} unit {:<10} neutral {:<4} {}{}\n", d.name, d.unit, d.neutral,
                             d.extent == brocken::policy::Extent::kState ? "(state-wide) " : "",
                             d.description);
  }
  std::cout << "\nstock levers (added with a build-up lag, persist):\n";
  for (const auto& d : board.stock_declarations()) {
    std::cout << fmt::format("  {:<40} unit {:<10} {}\n", d.name, d.unit, d.description);
  }
  if (board.stock_declarations().empty()) std::cout << "  (none yet)\n";
  std::cout << "\nprogrammes (places funded per district):\n";
  for (const auto& d : board.programme_declarations()) {
    std::cout << fmt::format("  {:<40} unit {:<10} {} months; {}\n", d.name, d.unit, d.months,
                             d.description);
  }
  std::cout << "\nindicators (last month's values, per district and state total):\n";
  for (const auto& d : board.indicator_declarations()) {
    std::cout << fmt::format("  {:<40} unit {:<10} {}\n", d.name, d.unit, d.description);
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
    cmd->add_flag("--checkpoint-stats", lo.checkpoint_stats,
                  "print the time and bytes of every checkpoint on stderr");
    cmd->add_flag("--no-memory-check", lo.no_memory_check,
                  "skip the memory estimate (an upper bound); a run that then runs out of "
                  "memory exits with 5 and keeps its work in a checkpoint");
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

  bool plevers = false;
  auto* pol = app.add_subcommand("policies", "list the available policy modules");
  pol->add_flag("--levers", plevers,
                "also list the model's levers, stock levers, programmes and indicators");
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
    // Every command that writes files reports a file-size limit as an error (exit 3) instead
    // of dying halfway through a temporary file.
    ignore_sigxfsz();
    if (run->parsed() || resume->parsed()) install_signal_handlers();
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
    if (pol->parsed()) return policies_command(plevers);
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
  // A closed standard output (`brocken run ... | head -1`) must not kill the process before the
  // output file is written: writes to the pipe fail (EPIPE) and are ignored instead.
  std::signal(SIGPIPE, SIG_IGN);
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
