#include "engine/policy/policy.hpp"

#include <gtest/gtest.h>

#include "engine/io/archive.hpp"
#include "engine/io/checkpoint.hpp"
#include "engine/policy/instances.hpp"
#include "engine/policy/programme.hpp"
#include "engine/policy/registry.hpp"
#include "engine/policy/stage.hpp"
#include "engine/scenario/load.hpp"

namespace brocken::policy {
namespace {

/// A minimal module, written only against the contract: multiplies "pace" in its scope, spends
/// `cost` x arrivals (running cost) in each of its regions, adds `stock` dwellings (lag 2,
/// linear) and funds `places` course places each month; counts the months it acted (its
/// state).
class Doubler final : public Policy {
 public:
  void configure(scenario::Reader& params) override {
    params.read("factor", factor_, {0, 10});
    params.read("cost", cost_, {0, 1e9});
    params.read_optional("stock", stock_, {0, 1e6});
    params.read_optional("places", places_, {0, 1e6});
    params.finish();
  }
  void bind(const LeverBoard& board, scenario::Diagnostics& diags,
            const scenario::SourcePos& where) override {
    lever_ = require_lever(board, "pace", diags, where, "doubler");
    seen_ = require_indicator(board, "arrivals", diags, where, "doubler");
    dwellings_ = require_stock(board, "dwellings", diags, where, "doubler");
    course_ = require_programme(board, "course", diags, where, "doubler");
  }
  void act(const PolicyTick& tick, LeverBoard& board) override {
    (void)tick;
    ++months_;
    board.multiply(lever_, factor_);
    for (const std::uint32_t r : board.scope().regions) {
      board.spend(Cost::kRunning, cost_ * board.indicator(seen_, r), r);
      board.add_stock(dwellings_, stock_, StockTerms{2, true, 3}, r);
      board.fund_places(course_, places_, 100.0, r);
    }
  }
  [[nodiscard]] std::string_view summary() const override { return "multiplies pace"; }
  void save_state(io::ArchiveWriter& ar, const std::string& prefix) const override {
    ar.put_scalar<std::int32_t>(prefix + "/months", months_);
  }
  void restore_state(const io::ArchiveReader& ar, const std::string& prefix) override {
    months_ = ar.get_scalar<std::int32_t>(prefix + "/months");
  }
  [[nodiscard]] int months() const { return months_; }

 private:
  double factor_ = 1;
  double cost_ = 0;
  double stock_ = 0;
  double places_ = 0;
  std::int32_t months_ = 0;
  LeverId lever_;
  IndicatorId seen_;
  StockId dwellings_;
  ProgrammeId course_;
};

scenario::Node map_of(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::vector<std::pair<std::string, scenario::Node>> entries;
  entries.reserve(kv.size());
  int line = 1;
  for (const auto& [k, v] : kv) {
    entries.emplace_back(
        k, scenario::Node::make_scalar(v, {"p.yaml", ++line, 3}, "policies.doubler." + k));
  }
  return scenario::Node::make_map(std::move(entries), {"p.yaml", 1, 1}, "policies.doubler");
}

/// A board with three regions, the lever, stock, programme and indicator Doubler uses.
LeverBoard board3() {
  LeverBoard b;
  b.set_regions({{"North", "01"}, {"Middle", "02"}, {"South", "03"}});
  (void)b.declare_lever("pace", "factor", 1.0, "");
  (void)b.declare_lever("state_wide", "factor", 1.0, "", Extent::kState);
  (void)b.declare_stock("dwellings", "dwellings", "");
  (void)b.declare_programme("course", "places", 7, "");
  const IndicatorId arrivals = b.declare_indicator("arrivals", "persons", "");
  const std::vector<double> per_region{10, 20, 30};
  b.publish(arrivals, per_region);
  return b;
}

/// The scope of every region of board3().
Scope all_of_board3() {
  Scope all;
  all.regions = {0, 1, 2};
  return all;
}

/// Index of (instance, region of three, category) in LeverBoard::spending().
std::size_t at(std::size_t instance, std::size_t region, std::size_t category) {
  return (instance * 3 + region) * kCostCategories + category;
}

Registry doubler_registry() {
  Registry reg;
  reg.add("doubler", [] { return std::make_unique<Doubler>(); });
  return reg;
}

scenario::Document doc(const std::string& yaml) {
  const scenario::FileReader none = [](const std::filesystem::path&) {
    scenario::FileText t;
    t.error = "no files";
    return t;
  };
  return scenario::load_document(yaml, "p.yaml", {}, none);
}

/// The instances of a scenario's `policies:` on `board`.
std::vector<Instance> instances_of(const scenario::Document& d, const Registry& reg,
                                   LeverBoard& board, scenario::Diagnostics& diags) {
  return instantiate(parse_policy_specs(*d.root.find("policies"), reg, diags), reg, board, diags);
}

TEST(LeverBoard, LeversResetToNeutralAndCompose) {
  LeverBoard b;
  const LeverId pace = b.declare_lever("pace", "factor", 1.0, "");
  const LeverId delta = b.declare_lever("delta", "months", 0.0, "");
  EXPECT_THROW(b.declare_lever("pace", "factor", 1.0, ""), std::logic_error);
  EXPECT_THROW(b.set_regions({{"a", ""}}), std::logic_error) << "regions come first";
  b.multiply(pace, 2.0);
  b.multiply(pace, 1.5);
  b.add(delta, -2.0);
  EXPECT_DOUBLE_EQ(b.lever(pace, 0), 3.0);
  EXPECT_DOUBLE_EQ(b.lever(delta, 0), -2.0);
  b.reset_levers();
  EXPECT_DOUBLE_EQ(b.lever(pace, 0), 1.0);
  EXPECT_DOUBLE_EQ(b.lever(delta, 0), 0.0);
  EXPECT_TRUE(b.find_lever("pace").has_value());
  EXPECT_FALSE(b.find_lever("paec").has_value());
}

TEST(LeverBoard, MovesAreConfinedToTheActingScope) {
  LeverBoard b = board3();
  const LeverId pace = *b.find_lever("pace");
  const IndicatorId arrivals = *b.find_indicator("arrivals");
  EXPECT_DOUBLE_EQ(b.indicator(arrivals), 60.0) << "the total is the sum of the regions";
  Scope south;
  south.regions = {2};
  south.all_regions = false;
  b.set_instances(1);
  b.begin_month(0);
  b.begin_policy(0, south);
  b.multiply(pace, 2.0);
  b.add(pace, 1.0, 0);  // outside the scope: ignored
  b.multiply(pace, 3.0, 2);
  b.spend(Cost::kInvestment, 5.0, 1);  // outside: ignored
  b.spend(Cost::kInvestment, 7.0, 2);
  EXPECT_DOUBLE_EQ(b.indicator_in_scope(arrivals), 30.0);
  b.end_policy();
  EXPECT_DOUBLE_EQ(b.lever(pace, 0), 1.0);
  EXPECT_DOUBLE_EQ(b.lever(pace, 1), 1.0);
  EXPECT_DOUBLE_EQ(b.lever(pace, 2), 6.0);
  // [instance][region][category]
  const std::vector<double> expected{0, 0, 0, 0, 0, 0, 7, 0, 0};
  EXPECT_EQ(b.spending(), expected);
}

TEST(LeverBoard, StockBuildsUpOverItsLagAndExpires) {
  LeverBoard b = board3();
  const StockId dw = *b.find_stock("dwellings");
  b.set_instances(1);
  const Scope all = all_of_board3();
  std::vector<double> seen;
  for (std::int32_t t = 0; t < 8; ++t) {
    b.begin_month(t);
    b.begin_policy(0, all);
    if (t == 1) b.add_stock(dw, 100.0, StockTerms{4, true, 2}, 1);  // builds up over 4 months
    if (t == 1) b.add_stock(dw, 10.0, StockTerms{2, false, 0}, 0);  // at once after 2, for good
    b.end_policy();
    b.settle_stocks(t);
    seen.push_back(b.stock(dw, 1));
    EXPECT_DOUBLE_EQ(b.stock(dw, 0), t >= 3 ? 10.0 : 0.0) << t;
  }
  // Added at tick 1: 0, 25, 50, 75 %, full at lag 4 (tick 5), for 2 months, gone at tick 7.
  const std::vector<double> expected{0, 0, 25, 50, 75, 100, 100, 0};
  EXPECT_EQ(seen, expected);
  EXPECT_DOUBLE_EQ(b.stock_change(dw, 1), -100.0);
}

TEST(LeverBoard, ParticipantsAreChargedToTheFundersByTheirShareOfPlaces) {
  LeverBoard b = board3();
  const ProgrammeId course = *b.find_programme("course");
  EXPECT_DOUBLE_EQ(b.declaration(course).months, 7.0);
  b.set_instances(2);
  const Scope all = all_of_board3();
  b.begin_month(0);
  EXPECT_FALSE(b.funded(course));
  b.begin_policy(0, all);
  b.fund_places(course, 30, 10.0, 1);
  b.end_policy();
  b.begin_policy(1, all);
  b.fund_places(course, 10, 20.0, 1);
  b.end_policy();
  EXPECT_TRUE(b.funded(course));
  EXPECT_DOUBLE_EQ(b.places(course, 1), 40.0);
  EXPECT_DOUBLE_EQ(b.places(course, 0), 0.0);
  b.report_participants(course, 1, 20);  // half the places used
  const auto& s = b.spending();
  const auto pp = static_cast<std::size_t>(Cost::kPerParticipant);
  EXPECT_DOUBLE_EQ(s[at(0, 1, pp)], 15 * 10.0);
  EXPECT_DOUBLE_EQ(s[at(1, 1, pp)], 5 * 20.0);
  EXPECT_DOUBLE_EQ(b.participants(course, 1), 20.0);
  b.begin_month(1);
  EXPECT_FALSE(b.funded(course)) << "places are funded month by month";
}

TEST(Programme, FreePlacesAtTheRunsScaleAndTheReport) {
  LeverBoard b = board3();
  const ProgrammeId course = *b.find_programme("course");
  const Scope all = all_of_board3();
  b.set_instances(1);
  b.begin_month(0);
  b.begin_policy(0, all);
  b.fund_places(course, 1000, 10.0, 0);
  b.fund_places(course, 299.9, 10.0, 1);
  b.fund_places(course, 100, 10.0, 2);
  b.end_policy();
  // At 1 % scale: 10 agent places, 2.999 -> 2, 1; minus those still in a course.
  const std::vector<double> enrolled{4, 0, 3};
  std::vector<std::size_t> free;
  free_places(b, course, 0.01, enrolled, free);
  EXPECT_EQ(free, (std::vector<std::size_t>{6, 2, 0}));
  report_participants(b, course, enrolled, 100.0);  // persons per agent
  EXPECT_DOUBLE_EQ(b.participants(course, 0), 400.0);
  EXPECT_DOUBLE_EQ(b.spending()[at(0, 0, static_cast<std::size_t>(Cost::kPerParticipant))], 4000.0);
  // Region 2: 300 participants, 100 places: only the places are charged.
  EXPECT_DOUBLE_EQ(b.spending()[at(0, 2, static_cast<std::size_t>(Cost::kPerParticipant))], 1000.0);
}

TEST(Policy, UnknownLeverIsAScenarioErrorWithSuggestion) {
  LeverBoard b;
  (void)b.declare_lever("pacer", "factor", 1.0, "");
  (void)b.declare_indicator("arrivals", "persons", "");
  (void)b.declare_stock("dwellings", "dwellings", "");
  (void)b.declare_programme("course", "places", 7, "");
  Doubler d;
  scenario::Diagnostics diags;
  d.bind(b, diags, {"p.yaml", 4, 5});
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_EQ(diags.items()[0].str(),
            "p.yaml:4:5: doubler: the model has no lever 'pace', did you mean 'pacer'?");
}

TEST(Policy, ConfigureReportsBadParameters) {
  Doubler d;
  scenario::Diagnostics diags;
  const scenario::Node node = map_of({{"factor", "20"}, {"cots", "1"}});
  scenario::Reader r(node, diags);
  d.configure(r);
  // factor out of range, cost missing, cots unknown.
  EXPECT_EQ(diags.size(), 3U);
}

TEST(Instances, NamedInstancesScopesAndTheirErrors) {
  const Registry reg = doubler_registry();
  const auto d =
      doc("policies:\n"
          "  doubler:\n"
          "    factor: 2\n"
          "    cost: 1\n"
          "  south_only:\n"
          "    module: doubler\n"
          "    start: 2025-03\n"
          "    end: 2025-04\n"
          "    districts: [South]\n"
          "    factor: 3\n"
          "    cost: 1\n"
          "  by_id:\n"
          "    module: doubler\n"
          "    districts: ['01', '02', '03']\n"
          "    factor: 1\n"
          "    cost: 1\n");
  scenario::Diagnostics diags;
  LeverBoard b = board3();
  const auto inst = instances_of(d, reg, b, diags);
  ASSERT_TRUE(diags.empty()) << diags.items()[0].str();
  ASSERT_EQ(inst.size(), 3U);
  EXPECT_EQ(inst[0].name, "doubler");
  EXPECT_EQ(inst[1].name, "south_only");
  EXPECT_EQ(inst[1].module, "doubler");
  EXPECT_TRUE(inst[0].scope.all_regions);
  EXPECT_FALSE(inst[1].scope.all_regions);
  EXPECT_EQ(inst[1].scope.regions, std::vector<std::uint32_t>{2});
  EXPECT_TRUE(inst[2].scope.all_regions) << "every region named by its id";
  EXPECT_FALSE(inst[1].scope.active(2025 * 12 + 1));
  EXPECT_TRUE(inst[1].scope.active(2025 * 12 + 2));
  EXPECT_TRUE(inst[1].scope.active(2025 * 12 + 3)) << "the end month is included";
  EXPECT_FALSE(inst[1].scope.active(2025 * 12 + 4));

  const auto bad =
      doc("policies:\n"
          "  dubler: {factor: 1, cost: 1}\n"
          "  x:\n"
          "    module: doubler\n"
          "    districts: [Sout]\n"
          "    factor: 1\n"
          "    cost: 1\n"
          "  y:\n"
          "    module: doubler\n"
          "    districts: [South]\n"
          "    start: 2025-05\n"
          "    end: 2025-04\n"
          "    factor: 1\n"
          "    cost: 1\n");
  scenario::Diagnostics bd;
  LeverBoard b2 = board3();
  (void)instances_of(bad, reg, b2, bd);
  ASSERT_EQ(bd.size(), 3U);
  EXPECT_EQ(bd.items()[0].str(),
            "p.yaml:2:3: policies.dubler: unknown policy 'dubler', did you mean 'doubler'?");
  EXPECT_EQ(bd.items()[1].str(),
            "p.yaml:5:17: policies.x.districts[0]: unknown district 'Sout', did you mean "
            "'South'?");
  EXPECT_NE(bd.items()[2].str().find("before the start month"), std::string::npos)
      << bd.items()[2].str();
}

TEST(Instances, DistrictsAreNotCheckedWhileTheModelCannotNameItsRegions) {
  // E.g. the data directory failed to load: that error is reported, not every district unknown.
  const Registry reg = doubler_registry();
  LeverBoard b;
  (void)b.declare_lever("pace", "factor", 1.0, "");
  (void)b.declare_stock("dwellings", "dwellings", "");
  (void)b.declare_programme("course", "places", 7, "");
  (void)b.declare_indicator("arrivals", "persons", "");
  EXPECT_FALSE(b.regions_named());
  scenario::Diagnostics diags;
  const auto inst = instances_of(
      doc("policies:\n  doubler: {districts: [Anywhere], factor: 1, cost: 1}\n"), reg, b, diags);
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(inst.size(), 1U);
  EXPECT_TRUE(board3().regions_named());
}

TEST(Instances, AStateWideLeverCannotBeMovedInSomeDistricts) {
  class StateMover final : public Policy {
   public:
    void configure(scenario::Reader& params) override { params.finish(); }
    void bind(const LeverBoard& board, scenario::Diagnostics& diags,
              const scenario::SourcePos& where) override {
      (void)require_lever(board, "state_wide", diags, where, "mover");
    }
    void act(const PolicyTick& /*tick*/, LeverBoard& /*board*/) override {}
    [[nodiscard]] std::string_view summary() const override { return ""; }
  };
  Registry reg;
  reg.add("mover", [] { return std::make_unique<StateMover>(); });
  const auto d = doc("policies:\n  mover: {}\n  scoped: {module: mover, districts: [North]}\n");
  scenario::Diagnostics diags;
  LeverBoard b = board3();
  (void)instances_of(d, reg, b, diags);
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_NE(diags.items()[0].str().find("lever 'state_wide' is state-wide"), std::string::npos)
      << diags.items()[0].str();
}

TEST(PolicyStage, InstancesActInTheirScopeAndSpendPerRegionAndCategory) {
  const Registry reg = doubler_registry();
  const auto d =
      doc("policies:\n"
          "  doubler: {factor: 2, cost: 1, stock: 10, places: 4}\n"
          "  south_only: {module: doubler, start: 2024-03, end: 2024-04, districts: [South],\n"
          "               factor: 3, cost: 100}\n");
  scenario::Diagnostics diags;
  LeverBoard b = board3();
  auto inst = instances_of(d, reg, b, diags);
  ASSERT_TRUE(diags.empty());
  const auto* south = dynamic_cast<const Doubler*>(inst[1].policy.get());
  PolicyStage stage(b, std::move(inst), [](std::int32_t t) {
    return std::pair{2024 + t / 12, t % 12 + 1};
  });
  const LeverId pace = *b.find_lever("pace");
  const StockId dw = *b.find_stock("dwellings");
  sim::StepContext ctx;
  for (ctx.tick = 0; ctx.tick < 6; ++ctx.tick) {
    stage.run(ctx);
    const bool in_scope = ctx.tick == 2 || ctx.tick == 3;  // March and April 2024
    EXPECT_DOUBLE_EQ(b.lever(pace, 0), 2.0);
    EXPECT_DOUBLE_EQ(b.lever(pace, 2), in_scope ? 6.0 : 2.0) << ctx.tick;
    const auto& s = b.spending();
    const auto running = static_cast<std::size_t>(Cost::kRunning);
    EXPECT_DOUBLE_EQ(s[at(0, 1, running)], 20.0);  // doubler, Middle: 1 x 20 arrivals
    EXPECT_DOUBLE_EQ(s[at(1, 2, running)], in_scope ? 3000.0 : 0.0);
    EXPECT_DOUBLE_EQ(s[at(1, 1, running)], 0.0) << "outside the instance's districts";
    EXPECT_DOUBLE_EQ(b.places(*b.find_programme("course"), 0), 4.0);
  }
  EXPECT_EQ(south->months(), 2);
  // 10 dwellings a month from tick 0, building up linearly over 2 months, each for 3 months:
  // at tick 5: entries of ticks 0..5 at 0, 1/2, 1, 1, 1, 1 (tick 0's expired at tick 5).
  EXPECT_DOUBLE_EQ(b.stock(dw, 0), 10 * (0.0 + 0.5 + 1 + 1 + 1));

  // Checkpoint: the board and each instance's state (under its name) come back exactly.
  io::MemoryArchive ar;
  b.save(ar, "board");
  stage.save(ar, "policies");
  EXPECT_TRUE(ar.contains("policies/south_only/months"));
  EXPECT_TRUE(ar.contains("policies/doubler/months"));
  LeverBoard b2 = board3();
  diags = {};
  auto inst2 = instances_of(d, reg, b2, diags);
  PolicyStage stage2(b2, std::move(inst2), [](std::int32_t t) {
    return std::pair{2024 + t / 12, t % 12 + 1};
  });
  b2.restore(ar, "board");
  stage2.restore(ar, "policies");
  for (int k = 0; k < 4; ++k) {
    stage.run(ctx);
    stage2.run(ctx);
    EXPECT_EQ(b.spending(), b2.spending());
    EXPECT_EQ(b.stock(dw, 0), b2.stock(dw, 0)) << ctx.tick;
    ++ctx.tick;
  }
  io::MemoryArchive a1;
  io::MemoryArchive a2;
  b.save(a1, "board");
  b2.save(a2, "board");
  EXPECT_EQ(io::archive_hash(a1), io::archive_hash(a2));
}

TEST(Registry, CreatesByNameAndRejectsDuplicates) {
  Registry reg = doubler_registry();
  EXPECT_THROW(reg.add("doubler", [] { return std::make_unique<Doubler>(); }), std::logic_error);
  EXPECT_NE(reg.create("doubler"), nullptr);
  EXPECT_EQ(reg.create("nope"), nullptr);
  EXPECT_EQ(reg.names(), std::vector<std::string>{"doubler"});
}

}  // namespace
}  // namespace brocken::policy
