#include "bench/reference/reference_model.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace brocken::bench {

ReferenceColumns ReferenceColumns::declare(storage::ColumnStore& store) {
  ReferenceColumns c;
  c.key = store.declare<std::uint64_t>("key");
  c.age_months = store.declare<std::int16_t>("age_months");
  c.months_here = store.declare<std::int16_t>("months_here");
  c.integration = store.declare<float>("integration");
  return c;
}

/// @brief The whole month as one agent-local pass (rules.hpp, steps 1-4).
class MonthStage final : public sim::Stage {
 public:
  explicit MonthStage(ReferenceColumns c) : c_(c) {}
  [[nodiscard]] std::string_view name() const override { return "reference.month"; }

  void run(sim::StepContext& ctx) override {
    auto& a = *ctx.agents;
    const auto key = a.span(c_.key);
    const auto age = a.span(c_.age_months);
    const auto here = a.span(c_.months_here);
    const auto integ = a.span(c_.integration);
    const rng::DecisionStream stream = ctx.stream(kMonth);
    const auto totals = ctx.for_agents(2, [&](const sched::BlockRange& r, sim::BlockEffects& fx) {
      // Local copies: fx.remove() may allocate, so through the closure's references the compiler
      // would reload every column pointer and the stream on each row (bench/README.md).
      const std::uint64_t* const key_p = key.data();
      std::int16_t* const age_p = age.data();
      std::int16_t* const here_p = here.data();
      float* const integ_p = integ.data();
      const rng::DecisionStream local_stream = stream;
      double sum = 0.0;
      std::size_t stayed = 0;
      for (std::size_t i = r.begin; i < r.end; ++i) {
        rng::Draw g = local_stream(key_p[i]);
        float stored = 0.0F;
        if (!month_rule(g, integ_p[i], stored)) {
          fx.remove(i);
          continue;
        }
        integ_p[i] = stored;
        age_p[i] = static_cast<std::int16_t>(age_p[i] + 1);
        here_p[i] = static_cast<std::int16_t>(here_p[i] + 1);
        sum += static_cast<double>(stored);
        ++stayed;
      }
      fx.tally()[0] += sum;
      fx.tally()[1] += static_cast<double>(stayed);
    });
    mean_integration.push_back(totals[1] > 0.0 ? totals[0] / totals[1] : 0.0);
    persons.push_back(totals[1]);
  }

  std::vector<double> mean_integration;
  std::vector<double> persons;

 private:
  ReferenceColumns c_;
};

namespace {

storage::ColumnStore initial_population(const ReferenceConfig& config, const ReferenceColumns& c,
                                        storage::ColumnStore store, const sched::Executor& exec) {
  store.append_rows(config.agents);
  const auto key = store.span(c.key);
  const auto age = store.span(c.age_months);
  const auto integ = store.span(c.integration);
  // months_here stays value-initialised (0).
  const rng::DecisionStream init(rng::RunKey{config.seed, 0}, 0, kInit);
  exec.for_each_block(config.agents, config.block_size, [&](const sched::BlockRange& r) {
    for (std::size_t i = r.begin; i < r.end; ++i) {
      const InitialPerson p = initial_person(init, i);
      key[i] = p.key;
      age[i] = p.age_months;
      integ[i] = p.integration;
    }
  });
  return store;
}

}  // namespace

ReferenceModel::ReferenceModel(const ReferenceConfig& config, const sched::Executor& exec)
    : config_(config),
      sim_(
          [&] {
            if (config.block_size == 0) throw std::invalid_argument("block size must be > 0");
            storage::ColumnStore store;
            cols_ = ReferenceColumns::declare(store);
            return initial_population(config, cols_, std::move(store), exec);
          }(),
          rng::RunKey{config.seed, 0}, exec, config.block_size) {
  auto stage = std::make_unique<MonthStage>(cols_);
  stage_ = stage.get();
  sim_.add_stage(std::move(stage));
}

ReferenceModel::~ReferenceModel() = default;

void ReferenceModel::step() {
  if (sim_.tick() >= kMaxMonths) throw std::logic_error("reference model: too many months");
  sim_.step();
}

const std::vector<double>& ReferenceModel::mean_integration() const noexcept {
  return stage_->mean_integration;
}

const std::vector<double>& ReferenceModel::persons() const noexcept {
  return stage_->persons;
}

std::uint64_t ReferenceModel::state_hash() const {
  const auto& a = sim_.agents();
  return bench::state_hash(StateView{a.span(cols_.key), a.span(cols_.age_months),
                                     a.span(cols_.months_here), a.span(cols_.integration)},
                           stage_->mean_integration);
}

io::Dataset ReferenceModel::dataset(io::Attributes attrs) const {
  io::Dataset ds;
  io::Dimension time;
  time.name = "time";
  const auto months = stage_->mean_integration.size();
  time.numeric.resize(months);
  for (std::size_t m = 0; m < months; ++m) time.numeric[m] = static_cast<double>(m);
  time.attrs["long_name"] = std::string("simulated month (0-based); values refer to its end");
  time.attrs["units"] = std::string("1");
  ds.dims.push_back(std::move(time));

  io::Variable mean;
  mean.name = "mean_integration";
  mean.dims = {"time"};
  mean.values = stage_->mean_integration;
  mean.attrs["units"] = std::string("1");
  mean.attrs["long_name"] = std::string("mean integration of the persons who stayed");
  ds.vars.push_back(std::move(mean));

  io::Variable count;
  count.name = "persons";
  count.dims = {"time"};
  count.values = stage_->persons;
  count.attrs["units"] = std::string("persons");
  count.attrs["long_name"] = std::string("persons at the end of the month");
  ds.vars.push_back(std::move(count));

  attrs["title"] = std::string("Brocken reference benchmark model");
  attrs["agents_initial"] = static_cast<std::int64_t>(config_.agents);
  attrs["seed"] = static_cast<std::int64_t>(config_.seed);
  attrs["bytes_per_agent"] = static_cast<std::int64_t>(bytes_per_agent());
  ds.attrs = std::move(attrs);
  return ds;
}

}  // namespace brocken::bench
