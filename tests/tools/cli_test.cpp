// Tests of the `brocken` command line (tools/main.cpp) from the outside: the binary is run as a
// user runs it, and its exit code, stdout, stderr and files are checked.
//
// Exit codes (tools/main.cpp): 0 success, 1 internal error, 2 invalid input, 3 output not written,
// 4 interrupted (checkpoint written; tests/tools/checkpoint_test.sh).
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

constexpr const char* kSource = BROCKEN_SOURCE_DIR;
constexpr const char* kBinary = BROCKEN_CLI;

/// The smoke scenario in the source tree, by absolute path.
fs::path smoke_scenario() {
  return fs::path(kSource) / "scenarios/smoke.yaml";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A scratch directory per test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / fmt::format("brocken-cli-test-{}-{}", ::getpid(), counter++);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  struct Result {
    int code = -1;
    std::string out;
    std::string err;
  };

  /// Runs `brocken <args>` from the source directory with stdout and stderr captured in files
  /// (so stderr is not a terminal and no progress bar is drawn).
  Result brocken(const std::string& args) const {
    const fs::path out = dir_ / "stdout.txt";
    const fs::path err = dir_ / "stderr.txt";
    const std::string cmd = fmt::format("cd '{}' && '{}' {} >'{}' 2>'{}' </dev/null", kSource,
                                        kBinary, args, out.string(), err.string());
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  fs::path write(const std::string& name, const std::string& text) const {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  /// Files in the scratch directory other than the captured streams.
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string n = e.path().filename().string();
      if (n != "stdout.txt" && n != "stderr.txt") names.push_back(n);
    }
    return names;
  }

  fs::path dir_;
};

/// Lines of `text` that look like `file:line:column: ...` for the given file name.
std::vector<std::string> located_lines(const std::string& text, const std::string& file) {
  const std::regex re(fmt::format(R"(^.*{}:\d+:\d+: .*$)",
                                  std::regex_replace(file, std::regex(R"([.])"), R"(\.)")));
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, re)) lines.push_back(line);
  }
  return lines;
}

TEST_F(CliTest, HelpAndVersionExitZero) {
  const auto help = brocken("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("run"), std::string::npos);
  EXPECT_NE(help.out.find("validate"), std::string::npos);
  const auto version = brocken("--version");
  EXPECT_EQ(version.code, 0);
  EXPECT_FALSE(version.out.empty());
}

TEST_F(CliTest, BadCommandLinesExitTwoWithAMessage) {
  for (const std::string args : {"", "frobnicate", "run", "run scenarios/smoke.yaml",
                                 "run scenarios/smoke.yaml -o x.h5 --threads 0",
                                 "run scenarios/smoke.yaml -o x.h5 --threads many",
                                 "run scenarios/smoke.yaml -o x.h5 --no-such-flag"}) {
    const auto r = brocken(args);
    EXPECT_EQ(r.code, 2) << "brocken " << args;
    EXPECT_FALSE(r.err.empty()) << "brocken " << args;
  }
}

TEST_F(CliTest, MissingScenarioFileIsNamed) {
  const auto r = brocken("validate no/such/scenario.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no/such/scenario.yaml"), std::string::npos) << r.err;
}

TEST_F(CliTest, ValidateAcceptsTheShippedScenarios) {
  for (const std::string s : {"scenarios/baseline.yaml", "scenarios/smoke.yaml",
                              "scenarios/policies/language_courses.yaml"}) {
    const auto r = brocken("validate " + s);
    EXPECT_EQ(r.code, 0) << s << ": " << r.err;
    EXPECT_NE(r.out.find("valid"), std::string::npos) << r.out;
  }
}

TEST_F(CliTest, ValidateReportsEveryProblemOnItsOwnLine) {
  const fs::path bad = write("bad.yaml", fmt::format("extends: {}\n"
                                                     "seed: \"abc\"\n"
                                                     "populaton:\n"
                                                     "  scale: 0.1\n"
                                                     "population:\n"
                                                     "  scale: 5\n",
                                                     smoke_scenario().string()));
  const auto r = brocken("validate " + bad.string());
  EXPECT_EQ(r.code, 2);
  const auto lines = located_lines(r.err, "bad.yaml");
  ASSERT_EQ(lines.size(), 3U) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:2:1: seed: expected an integer"), std::string::npos) << r.err;
  EXPECT_NE(
      r.err.find("bad.yaml:3:1: populaton: unknown key 'populaton', did you mean 'population'?"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("bad.yaml:6:3: population.scale: value 5 is out of range"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTest, CommandLineOverridesAreValidatedAndApplied) {
  const auto bad = brocken("validate scenarios/smoke.yaml --set months=0 --set no_such_key=1");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("<command line>:1:1: months: value 0 is out of range"), std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("<command line>:1:2: no_such_key: unknown key"), std::string::npos)
      << bad.err;
  const auto good = brocken("validate scenarios/smoke.yaml --set months=7");
  EXPECT_EQ(good.code, 0) << good.err;
  EXPECT_NE(good.out.find("7 months"), std::string::npos) << good.out;
}

TEST_F(CliTest, BadScenarioLeavesNoOutputFile) {
  const fs::path bad =
      write("bad.yaml", fmt::format("extends: {}\nmonths: -3\n", smoke_scenario().string()));
  const auto r = brocken(fmt::format("run {} -o {}", bad.string(), (dir_ / "out.h5").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.yaml:2:1: months: value -3 is out of range"), std::string::npos)
      << r.err;
  EXPECT_EQ(files(), std::vector<std::string>{"bad.yaml"});
}

TEST_F(CliTest, RunWritesTheFileAndNeverOverwritesWithoutForce) {
  const fs::path out = dir_ / "smoke.h5";
  const auto first = brocken(fmt::format("run scenarios/smoke.yaml -o {}", out.string()));
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("year"), std::string::npos) << first.out;  // the yearly summary table
  EXPECT_NE(first.out.find("2026"), std::string::npos) << first.out;
  EXPECT_EQ(first.err.find('\r'), std::string::npos)
      << "progress bar drawn although stderr is a file";
  const std::string bytes = slurp(out);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(files(), std::vector<std::string>{"smoke.h5"});  // no temporary file left behind

  const auto second =
      brocken(fmt::format("run scenarios/smoke.yaml -o {} --set seed=99", out.string()));
  EXPECT_EQ(second.code, 2);
  EXPECT_NE(second.err.find("--force"), std::string::npos) << second.err;
  EXPECT_EQ(slurp(out), bytes) << "an existing output changed without --force";

  const auto forced =
      brocken(fmt::format("run scenarios/smoke.yaml -o {} --set seed=99 --force -q", out.string()));
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_TRUE(forced.out.empty()) << "--quiet printed: " << forced.out;
  EXPECT_NE(slurp(out), bytes);
  EXPECT_EQ(files(), std::vector<std::string>{"smoke.h5"});
}

TEST_F(CliTest, MissingOutputDirectoryIsRefusedBeforeRunning) {
  const auto r =
      brocken(fmt::format("run scenarios/smoke.yaml -o {}", (dir_ / "no/such/dir/x.h5").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << "ran although the output cannot be written: " << r.out;
}

TEST_F(CliTest, HashIsTheSameAtAnyThreadCountAndChangesWithTheSeed) {
  auto hash_of = [&](const std::string& extra) {
    const auto r =
        brocken(fmt::format("run scenarios/smoke.yaml -o {} --force -q --hash --set months=12 {}",
                            (dir_ / "h.h5").string(), extra));
    EXPECT_EQ(r.code, 0) << r.err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex("state hash: ([0-9a-f]{16})"))) << r.out;
    return m.size() > 1 ? m[1].str() : std::string();
  };
  const std::string one = hash_of("--threads 1");
  EXPECT_EQ(hash_of("--threads 2"), one);
  EXPECT_EQ(hash_of("--threads 3"), one);
  EXPECT_NE(hash_of("--threads 2 --set seed=4711"), one);
}

TEST_F(CliTest, ProgressBarIsDrawnOnATerminal) {
  // script(1) from util-linux gives the child a pseudo-terminal.
  if (std::system("command -v script >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "script(1) not installed";
  const fs::path log = dir_ / "tty.txt";
  const std::string cmd = fmt::format(
      "cd '{}' && script -qec \"'{}' run scenarios/smoke.yaml -o '{}' --set months=12\" /dev/null "
      ">'{}' 2>&1",
      kSource, kBinary, (dir_ / "tty.h5").string(), log.string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(log);
  const std::string text = slurp(log);
  EXPECT_NE(text.find("\r["), std::string::npos) << text;
  EXPECT_NE(text.find("100%"), std::string::npos) << text;
}

TEST_F(CliTest, PolicyScenarioWritesItsSpending) {
  const fs::path out = dir_ / "courses.h5";
  const auto r =
      brocken(fmt::format("run scenarios/policies/language_courses.yaml -o {} -q --set months=24 "
                          "--set population.scale=0.01",
                          out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  // The module spends from January 2025 (month 13 on), per participant, by district: read the
  // series back with h5py.
  const std::string check = fmt::format(
      "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File('{}','r'); "
      "s=f['policies/spending'][:, 0, :, :]; "
      "names=[n.decode() if isinstance(n, bytes) else n for n in f['policy'][:]]; "
      "cats=[n.decode() if isinstance(n, bytes) else n for n in f['cost_category'][:]]; "
      "ok=names==['language_courses'] and cats==['investment','running','per_participant']; "
      "ok=ok and s.shape[1]==14 and s[:12].sum()==0 and s[12:, :, 2].sum()>0; "
      "ok=ok and s[:, :, :2].sum()==0; "
      "sys.exit(0 if ok else 1)\"",
      out.string());
  EXPECT_EQ(std::system(check.c_str()), 0) << "policies/spending is missing or wrong in " << out;
}

TEST_F(CliTest, SynthReportsTheFitAndWritesTheTable) {
  const fs::path csv = dir_ / "synth.csv";
  const auto r = brocken(fmt::format("synth scenarios/baseline.yaml --csv {}", csv.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("IPF of the full table"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("converged"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("NOT converged"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Harz"), std::string::npos) << r.out;
  // 14 districts x 91 ages x 2 sexes x 3 nationality groups, plus a comment and the header.
  const std::string text = slurp(csv);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 14 * 91 * 2 * 3 + 2);
  EXPECT_NE(text.find("ags,age,sex,nationality,persons\n"), std::string::npos);
  EXPECT_NE(text.find("\n15085,90+,female,german,"), std::string::npos);
  // The CSV is not overwritten without --force.
  const auto again = brocken(fmt::format("synth scenarios/baseline.yaml --csv {}", csv.string()));
  EXPECT_EQ(again.code, 2);
  EXPECT_EQ(slurp(csv), text);
  EXPECT_EQ(files(), std::vector<std::string>{"synth.csv"});
}

TEST_F(CliTest, PoliciesListsTheRegisteredModules) {
  const auto r = brocken("policies");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("language_courses"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("rate levers"), std::string::npos) << "only with --levers";
}

TEST_F(CliTest, PoliciesLeversListsEveryDeclarationWithItsUnit) {
  const auto r = brocken("policies --levers");
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* line :
       {"integration.language_pace                unit factor     neutral 1",
        "arrival.accelerated_share                unit share      neutral 0",
        "departure.foreign_hazard                 unit factor     neutral 1    multiplies",
        "housing.dwellings                        unit dwellings",
        "integration.language_course              unit places     7 months",
        "newcomers_below_b1                       unit persons"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  }
}

}  // namespace
