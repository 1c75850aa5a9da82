#pragma once
// Helpers shared by the migration model tests: load and run scenarios in-process.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/policy/registry.hpp"
#include "models/migration/model.hpp"

namespace brocken::migration::testing {

inline std::filesystem::path source_dir() {
  return BROCKEN_SOURCE_DIR;
}
inline std::filesystem::path scenario_path(const std::string& name) {
  return source_dir() / "scenarios" / name;
}

inline const policy::Registry& registry() {
  static const policy::Registry r = [] {
    policy::Registry reg;
    register_policies(reg);
    return reg;
  }();
  return r;
}

inline Scenario load(const std::string& name, const std::vector<std::string>& sets = {}) {
  return load_scenario(scenario_path(name), sets, registry());
}

/// The monthly values of the output `name` (model_outputs()) in a run's series.
inline const std::vector<double>& series(const Series& s, const char* name) {
  return s[model_outputs().table.id(name)];
}
/// The values of the stock `name` at the start of the run.
inline const std::vector<double>& start(const Series& s, const char* name) {
  return s.start[model_outputs().table.id(name)];
}

/// A finished run with the executor it ran on (declared first, destroyed last).
struct Finished {
  std::unique_ptr<sched::Executor> exec;
  std::unique_ptr<ModelRun> run;
};

inline Finished run_all(const Scenario& sc, int threads, std::uint32_t rep = 0) {
  Finished f;
  f.exec = std::make_unique<sched::Executor>(threads);
  f.run = std::make_unique<ModelRun>(sc, rep, *f.exec, registry());
  for (int m = 0; m < sc.run.months; ++m) f.run->step();
  return f;
}

/// A unique temporary directory removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("brocken-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    auto p = path / name;
    std::ofstream(p) << text;
    return p;
  }
};

}  // namespace brocken::migration::testing
