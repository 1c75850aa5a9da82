#pragma once
/// @file
/// @brief The reference rules (rules.hpp) as a plain C++ loop over four std::vector arrays, with
/// no engine (issue #4, part 3): the practical limit that the engine's time is compared with.
/// It uses the same keyed draws (rng::DecisionStream, the only engine header it includes) and
/// the same fixed blocks for the monthly sums, so its state hash must equal the engine's: that
/// is the check that both implement the same rules.
///
/// What is measured:
///  - 1 thread: one fused pass per month. Each row is read, decided, updated and written to the
///    next free slot (stable in-place compaction in the same pass), so every byte is read and
///    written once.
///  - T > 1 threads: a tbb::task_arena(T) runs the rows' blocks in parallel (tbb::parallel_for,
///    simple_partitioner, one block per task, the engine's block boundaries); each block updates
///    its rows and compacts its stayers to the front of its own range. Then the block segments
///    are moved down to their final offsets with memmove, one task per column, in block order.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <oneapi/tbb/task_arena.h>

#include "bench/reference/rules.hpp"

namespace brocken::bench {

class HandwrittenReference {
 public:
  /// @param threads >= 1; above 1 the loop runs on its own tbb::task_arena of that size.
  HandwrittenReference(const ReferenceConfig& config, int threads);
  ~HandwrittenReference();
  HandwrittenReference(const HandwrittenReference&) = delete;
  HandwrittenReference& operator=(const HandwrittenReference&) = delete;
  HandwrittenReference(HandwrittenReference&&) = delete;
  HandwrittenReference& operator=(HandwrittenReference&&) = delete;

  /// @brief Simulates one month.
  void step();
  [[nodiscard]] std::int32_t tick() const noexcept { return tick_; }
  [[nodiscard]] std::size_t agent_count() const noexcept { return key_.size(); }
  [[nodiscard]] int threads() const noexcept { return threads_; }
  /// @brief Bytes per person in the four arrays.
  [[nodiscard]] static constexpr std::size_t bytes_per_agent() noexcept {
    return sizeof(std::uint64_t) + 2 * sizeof(std::int16_t) + sizeof(float);
  }
  [[nodiscard]] StateView view() const noexcept {
    return StateView{key_, age_months_, months_here_, integration_};
  }
  [[nodiscard]] const std::vector<double>& mean_integration() const noexcept { return mean_; }
  [[nodiscard]] std::uint64_t state_hash() const { return bench::state_hash(view(), mean_); }

 private:
  void step_serial();
  void step_parallel();

  ReferenceConfig config_;
  int threads_;
  std::unique_ptr<oneapi::tbb::task_arena> arena_;
  std::vector<std::uint64_t> key_;
  std::vector<std::int16_t> age_months_;
  std::vector<std::int16_t> months_here_;
  std::vector<float> integration_;
  std::vector<std::size_t> block_kept_;  ///< stayers per block (parallel path)
  std::vector<double> block_sum_;        ///< integration sum per block (parallel path)
  std::vector<double> mean_;
  std::int32_t tick_ = 0;
};

}  // namespace brocken::bench
