#include "engine/sim/simulation.hpp"

#include <stdexcept>

namespace brocken::sim {

Simulation::Simulation(storage::ColumnStore agents, rng::RunKey run, const sched::Executor& exec,
                       std::size_t block_size)
    : agents_(std::move(agents)),
      dormant_(agents_.empty_like()),
      run_(run),
      exec_(&exec),
      block_size_(block_size) {
  if (block_size == 0) throw std::invalid_argument("Simulation: block size must be > 0");
}

void Simulation::add_stage(std::unique_ptr<Stage> stage) {
  if (tick_ != 0) throw std::logic_error("Simulation: stages are fixed once the run has started");
  stages_.push_back(std::move(stage));
}

void Simulation::restore_tick(std::int32_t tick) {
  if (tick < 0) throw std::invalid_argument("Simulation: negative tick");
  tick_ = tick;
}

StepContext Simulation::context() noexcept {
  StepContext ctx;
  ctx.tick = tick_;
  ctx.run = run_;
  ctx.exec = exec_;
  ctx.agents = &agents_;
  ctx.dormant = &dormant_;
  ctx.block_size = block_size_;
  ctx.workspace = &workspace_;
  return ctx;
}

void Simulation::step() {
  StepContext ctx = context();
  for (auto& stage : stages_) stage->run(ctx);
  ++tick_;
}

void Simulation::observe(Stage& stage) {
  StepContext ctx = context();
  stage.run(ctx);
}

}  // namespace brocken::sim
