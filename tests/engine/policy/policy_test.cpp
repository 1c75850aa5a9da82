#include "engine/policy/policy.hpp"

#include <gtest/gtest.h>

#include "engine/policy/registry.hpp"
#include "engine/policy/stage.hpp"

namespace brocken::policy {
namespace {

/// A minimal module, written only against the contract.
class Doubler final : public Policy {
 public:
  void configure(scenario::Reader& params) override {
    params.read("factor", factor_, {0, 10});
    params.read("cost", cost_, {0, 1e9});
    params.finish();
  }
  void bind(const LeverBoard& board, scenario::Diagnostics& diags,
            const scenario::SourcePos& where) override {
    lever_ = require_lever(board, "pace", diags, where, "doubler");
    seen_ = require_indicator(board, "arrivals", diags, where, "doubler");
  }
  void act(const PolicyTick& tick, LeverBoard& board) override {
    board.multiply(lever_, factor_);
    spent_ = cost_ * board.indicator(seen_) + tick.tick;
  }
  [[nodiscard]] double spending_eur() const override { return spent_; }
  [[nodiscard]] std::string_view summary() const override { return "multiplies pace"; }

 private:
  double factor_ = 1;
  double cost_ = 0;
  double spent_ = 0;
  LeverId lever_;
  IndicatorId seen_;
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

TEST(LeverBoard, LeversResetToNeutralAndCompose) {
  LeverBoard b;
  const LeverId pace = b.declare_lever("pace", 1.0, "");
  const LeverId delta = b.declare_lever("delta", 0.0, "");
  EXPECT_THROW(b.declare_lever("pace", 1.0, ""), std::logic_error);
  b.multiply(pace, 2.0);
  b.multiply(pace, 1.5);
  b.add(delta, -2.0);
  EXPECT_DOUBLE_EQ(b.lever(pace), 3.0);
  EXPECT_DOUBLE_EQ(b.lever(delta), -2.0);
  b.reset_levers();
  EXPECT_DOUBLE_EQ(b.lever(pace), 1.0);
  EXPECT_DOUBLE_EQ(b.lever(delta), 0.0);
  EXPECT_TRUE(b.find_lever("pace").has_value());
  EXPECT_FALSE(b.find_lever("paec").has_value());
}

TEST(Policy, UnknownLeverIsAScenarioErrorWithSuggestion) {
  LeverBoard b;
  (void)b.declare_lever("pacer", 1.0, "");
  (void)b.declare_indicator("arrivals", "");
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

TEST(PolicyStage, PoliciesActInOrderEachMonthAndReportSpending) {
  LeverBoard b;
  const LeverId pace = b.declare_lever("pace", 1.0, "");
  const IndicatorId arrivals = b.declare_indicator("arrivals", "");
  b.publish(arrivals, 10);
  std::vector<std::unique_ptr<Policy>> ps;
  for (const char* f : {"2", "3"}) {
    auto p = std::make_unique<Doubler>();
    scenario::Diagnostics diags;
    const scenario::Node node = map_of({{"factor", f}, {"cost", "100"}});
    scenario::Reader r(node, diags);
    p->configure(r);
    p->bind(b, diags, {});
    ASSERT_TRUE(diags.empty());
    ps.push_back(std::move(p));
  }
  PolicyStage stage(b, std::move(ps), [](std::int32_t t) {
    return std::pair{2024 + t / 12, t % 12 + 1};
  });
  sim::StepContext ctx;
  ctx.tick = 2;
  stage.run(ctx);
  EXPECT_DOUBLE_EQ(b.lever(pace), 6.0);
  ASSERT_EQ(stage.spending().size(), 2U);
  EXPECT_DOUBLE_EQ(stage.spending()[0], 1002.0);
  stage.run(ctx);
  EXPECT_DOUBLE_EQ(b.lever(pace), 6.0) << "levers are reset to neutral every month";
}

TEST(Registry, CreatesByNameAndRejectsDuplicates) {
  Registry reg;
  reg.add("doubler", [] { return std::make_unique<Doubler>(); });
  EXPECT_THROW(reg.add("doubler", [] { return std::make_unique<Doubler>(); }), std::logic_error);
  EXPECT_NE(reg.create("doubler"), nullptr);
  EXPECT_EQ(reg.create("nope"), nullptr);
  EXPECT_EQ(reg.names(), std::vector<std::string>{"doubler"});
}

}  // namespace
}  // namespace brocken::policy
