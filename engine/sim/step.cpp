#include "engine/sim/step.hpp"

#include <algorithm>
#include <functional>
#include <iterator>

namespace brocken::sim {

void Workspace::prepare(const storage::ColumnStore& agents, std::size_t blocks,
                        std::size_t tallies) {
  if (buffers_.size() < blocks) buffers_.resize(blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    BlockEffects& fx = buffers_[b];
    fx.removals_.clear();
    fx.transfers_.clear();
    if (!fx.spawned_.same_schema(agents)) {
      fx.spawned_ = agents.empty_like();
    } else {
      fx.spawned_.clear_rows();
    }
    fx.tally_.assign(tallies, 0.0);
  }
}

std::vector<double> Workspace::commit(const sched::Executor& exec, storage::ColumnStore& agents,
                                      storage::ColumnStore& other, std::size_t blocks,
                                      std::size_t tallies) {
  std::vector<double> totals(tallies, 0.0);
  removed_.clear();
  transferred_.clear();
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t t = 0; t < tallies; ++t) totals[t] += buffers_[b].tally_[t];
    // Blocks are visited in order and each block's removals (transfers) are ascending row
    // numbers of its own range, so the concatenation is strictly ascending.
    const auto& r = buffers_[b].removals_;
    removed_.insert(removed_.end(), r.begin(), r.end());
    const auto& m = buffers_[b].transfers_;
    transferred_.insert(transferred_.end(), m.begin(), m.end());
  }
  const std::vector<std::size_t>* erase = &removed_;
  if (!transferred_.empty()) {
    BROCKEN_ASSERT(other.same_schema(agents), "transfer between stores of different schemas");
    exec.for_each_index(agents.column_count(), [&](std::size_t c) {
      other.append_rows_of_column(c, agents, transferred_);
    });
    other.set_size_after_append(transferred_.size());
    erased_.clear();
    std::merge(removed_.begin(), removed_.end(), transferred_.begin(), transferred_.end(),
               std::back_inserter(erased_));
    erase = &erased_;
  }
  if (!erase->empty()) {
    BROCKEN_ASSERT(
        std::adjacent_find(erase->begin(), erase->end(), std::greater_equal<>()) == erase->end(),
        "each row may be removed or transferred once");
    // A stable compaction: the survivors keep their order, which keeps the population's initial
    // order (by district, age and sex) and so the kernels' branches predictable. Moving the last
    // rows into the holes instead moves far fewer bytes but made the baseline about 5 % slower
    // (docs/architecture.md). Columns are independent: compact them in parallel.
    exec.for_each_index(agents.column_count(),
                        [&](std::size_t c) { agents.erase_sorted_column(c, *erase); });
    agents.set_size_after_erase(erase->size());
  }
  for (std::size_t b = 0; b < blocks; ++b) agents.append_from(buffers_[b].spawned_);
  return totals;
}

}  // namespace brocken::sim
