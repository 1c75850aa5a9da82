#pragma once
// Helpers shared by the migration model tests: load and run scenarios in-process.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
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

/// A test module for the stock levers: adds `dwellings` dwellings a month to housing.dwellings in
/// each district of its scope (effective after `lag_months`, built up linearly) and spends
/// `eur_per_dwelling` for each as an investment; each addition lasts `lifetime_months` once
/// effective (optional, 0: for good); counts its months (state, checkpointed).
class TestDwellings final : public policy::Policy {
 public:
  void configure(scenario::Reader& params) override {
    params.read("dwellings", dwellings_, {0, 1e6});
    params.read("lag_months", lag_, {0, 120});
    params.read("eur_per_dwelling", eur_, {0, 1e7});
    params.read_optional("lifetime_months", lifetime_, {0, 1200});
    params.finish();
  }
  void bind(const policy::LeverBoard& board, scenario::Diagnostics& diags,
            const scenario::SourcePos& where) override {
    stock_ = policy::require_stock(board, "housing.dwellings", diags, where, "test_dwellings");
  }
  void act(const policy::PolicyTick& /*tick*/, policy::LeverBoard& board) override {
    ++months_;
    for (const std::uint32_t d : board.scope().regions) {
      board.add_stock(stock_, dwellings_, policy::StockTerms{lag_, true, lifetime_}, d);
      board.spend(policy::Cost::kInvestment, dwellings_ * eur_, d);
    }
  }
  [[nodiscard]] std::string_view summary() const override { return "test: builds dwellings"; }
  void save_state(io::ArchiveWriter& ar, const std::string& prefix) const override {
    ar.put_scalar<std::int32_t>(prefix + "/months", months_);
  }
  void restore_state(const io::ArchiveReader& ar, const std::string& prefix) override {
    months_ = ar.get_scalar<std::int32_t>(prefix + "/months");
  }

 private:
  double dwellings_ = 0;
  int lag_ = 0;
  int lifetime_ = 0;
  double eur_ = 0;
  std::int32_t months_ = 0;
  policy::StockId stock_;
};

/// A test module for the rate levers: multiplies the lever `lever` by `factor` in every district
/// of its scope each month.
class TestMultiply final : public policy::Policy {
 public:
  void configure(scenario::Reader& params) override {
    params.read("lever", name_);
    params.read("factor", factor_, {0, 100});
    params.finish();
  }
  void bind(const policy::LeverBoard& board, scenario::Diagnostics& diags,
            const scenario::SourcePos& where) override {
    lever_ = policy::require_lever(board, name_, diags, where, "test_multiply");
  }
  void act(const policy::PolicyTick& /*tick*/, policy::LeverBoard& board) override {
    board.multiply(lever_, factor_);
  }
  [[nodiscard]] std::string_view summary() const override { return "test: multiplies a lever"; }

 private:
  std::string name_;
  double factor_ = 1;
  policy::LeverId lever_;
};

/// A test module: adds `delta` to one rate lever every month (for levers whose neutral value is
/// 0, which a factor cannot move).
class TestAdd final : public policy::Policy {
 public:
  void configure(scenario::Reader& params) override {
    params.read("lever", name_);
    params.read("delta", delta_, {-1e6, 1e6});
    params.finish();
  }
  void bind(const policy::LeverBoard& board, scenario::Diagnostics& diags,
            const scenario::SourcePos& where) override {
    lever_ = policy::require_lever(board, name_, diags, where, "test_add");
  }
  void act(const policy::PolicyTick& /*tick*/, policy::LeverBoard& board) override {
    board.add(lever_, delta_);
  }
  [[nodiscard]] std::string_view summary() const override { return "test: adds to a lever"; }

 private:
  std::string name_;
  double delta_ = 0;
  policy::LeverId lever_;
};

/// The model's modules and, for tests, test_dwellings, test_multiply and test_add.
inline const policy::Registry& registry() {
  static const policy::Registry r = [] {
    policy::Registry reg;
    register_policies(reg);
    reg.add("test_dwellings", [] { return std::make_unique<TestDwellings>(); });
    reg.add("test_multiply", [] { return std::make_unique<TestMultiply>(); });
    reg.add("test_add", [] { return std::make_unique<TestAdd>(); });
    return reg;
  }();
  return r;
}

/// A scenario text that extends `name` (under scenarios/) and adds `rest`.
inline std::string extending(const std::string& name, const std::string& rest) {
  return "extends: " + scenario_path(name).string() + "\n" + rest;
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

/// A person's columns (all but the key): age, months here, sex, district, nationality, status,
/// residence, housed, language, discriminated, ties, away months, search months, recognition,
/// occupation, qualification.
using PersonRow =
    std::tuple<std::int16_t, std::int16_t, std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t,
               std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t, float, std::int16_t,
               std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t>;

/// The rows of the residents and the away pool that `keep(store, row)` accepts, by key.
template <class Keep>
std::map<std::uint64_t, PersonRow> person_rows(const ModelRun& run, Keep keep) {
  const auto& c = run.state().cols;
  std::map<std::uint64_t, PersonRow> out;
  for (const storage::ColumnStore* store : {&run.agents(), &run.away_pool()}) {
    const auto& a = *store;
    const auto key = a.span(c.key);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!keep(a, i)) continue;
      const PersonRow row{
          a.span(c.age_months)[i],    a.span(c.months_here)[i], a.span(c.sex)[i],
          a.span(c.district)[i],      a.span(c.nationality)[i], a.span(c.status)[i],
          a.span(c.residence)[i],     a.span(c.housed)[i],      a.span(c.language)[i],
          a.span(c.discriminated)[i], a.span(c.ties)[i],        a.span(c.away_months)[i],
          a.span(c.search_months)[i], a.span(c.recognition)[i], a.span(c.occupation)[i],
          a.span(c.qualification)[i]};
      EXPECT_TRUE(out.try_emplace(key[i], row).second) << "key " << key[i] << " twice";
    }
  }
  return out;
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
