#pragma once
/// @file
/// @brief A cell market: candidates (agents) compete for a limited number of slots in their cell
/// (a district's vacancies, dwellings, office appointments). Three phases:
///  1. gather (parallel over blocks): each block lists its candidates with a priority;
///  2. clear (parallel over cells): per cell, the `capacity[cell]` candidates with the highest
///     priority win; ties are broken by agent key, never by slot or thread;
///  3. apply: the winners' rows, ascending, for the stage to update (each row once).
/// Priorities should be derived from keyed draws (e.g. Efraimidis-Spirakis weighted sampling:
/// priority = log(u) / weight), so that who wins is the same at any thread count and, between two
/// scenarios, the same agent gets the same draw.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/sim/step.hpp"

namespace brocken::sim {

class CellMarket {
 public:
  struct Candidate {
    double priority;
    std::uint64_t key;
    std::uint32_t row;
    std::uint32_t cell;
  };

  /// @brief Block-local list that the gather kernel appends to.
  class Emitter {
   public:
    explicit Emitter(std::vector<Candidate>& out) : out_(out) {}
    void operator()(std::uint32_t cell, double priority, std::uint64_t key, std::size_t row) {
      out_.push_back(Candidate{priority, key, static_cast<std::uint32_t>(row), cell});
    }

   private:
    std::vector<Candidate>& out_;
  };

  /// @brief Phase 1: kernel(BlockRange, Emitter&) lists candidates; returns candidates per cell.
  template <class Kernel>
  const std::vector<std::size_t>& gather(const StepContext& ctx, std::size_t cells,
                                         Kernel&& kernel) {
    const std::size_t rows = ctx.agents->size();
    const std::size_t blocks = sched::block_count(rows, ctx.block_size);
    if (per_block_.size() < blocks) per_block_.resize(blocks);
    ctx.exec->for_each_block(rows, ctx.block_size, [&](const sched::BlockRange& r) {
      auto& list = per_block_[r.index];
      list.clear();
      Emitter emit(list);
      kernel(r, emit);
    });
    by_cell_.assign(cells, {});
    for (std::size_t b = 0; b < blocks; ++b) {
      for (const Candidate& c : per_block_[b]) by_cell_[c.cell].push_back(c);
    }
    counts_.assign(cells, 0);
    for (std::size_t c = 0; c < cells; ++c) counts_[c] = by_cell_[c].size();
    return counts_;
  }

  /// @brief Phase 1 fused with an agent-local update: kernel(BlockRange, Emitter&,
  /// std::span<double> tally) may also change its own block's rows (never remove, transfer or
  /// spawn them: the candidates are rows) and add to its block's `tallies` accumulators (zeroed
  /// first); the sums, in block order, are in tallies() afterwards. For a stage whose agents
  /// change state and then compete, in one pass over the rows instead of two.
  template <class Kernel>
  const std::vector<std::size_t>& gather(const StepContext& ctx, std::size_t cells,
                                         std::size_t tallies, Kernel&& kernel) {
    const std::size_t blocks = sched::block_count(ctx.agents->size(), ctx.block_size);
    if (block_tallies_.size() < blocks) block_tallies_.resize(blocks);
    for (std::size_t b = 0; b < blocks; ++b) block_tallies_[b].assign(tallies, 0.0);
    gather(ctx, cells, [&](const sched::BlockRange& r, Emitter& emit) {
      kernel(r, emit, std::span<double>(block_tallies_[r.index]));
    });
    totals_.assign(tallies, 0.0);
    for (std::size_t b = 0; b < blocks; ++b) {
      for (std::size_t t = 0; t < tallies; ++t) totals_[t] += block_tallies_[b][t];
    }
    return counts_;
  }
  /// @brief The summed tallies of the last gather() with tallies.
  [[nodiscard]] const std::vector<double>& tallies() const noexcept { return totals_; }

  /// @brief Phase 2: keeps the `capacity[cell]` best candidates of each cell; returns the winners'
  /// rows in ascending order.
  const std::vector<std::uint32_t>& clear(const StepContext& ctx,
                                          const std::vector<std::size_t>& capacity) {
    const std::size_t cells = by_cell_.size();
    ctx.exec->for_each_index(cells, [&](std::size_t c) {
      auto& list = by_cell_[c];
      const std::size_t k = std::min(capacity[c], list.size());
      auto better = [](const Candidate& x, const Candidate& y) {
        return x.priority != y.priority ? x.priority > y.priority : x.key < y.key;
      };
      if (k < list.size())
        std::nth_element(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(k), list.end(),
                         better);
      list.resize(k);
    });
    winners_.clear();
    for (const auto& list : by_cell_) {
      for (const Candidate& c : list) winners_.push_back(c.row);
    }
    std::sort(winners_.begin(), winners_.end());
    return winners_;
  }

 private:
  std::vector<std::vector<Candidate>> per_block_;
  std::vector<std::vector<Candidate>> by_cell_;
  std::vector<std::size_t> counts_;
  std::vector<std::uint32_t> winners_;
  std::vector<std::vector<double>> block_tallies_;
  std::vector<double> totals_;
};

}  // namespace brocken::sim
