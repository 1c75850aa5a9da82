#include "engine/sim/step.hpp"

#include <algorithm>

namespace brocken::sim {

void Workspace::prepare(const storage::ColumnStore& agents, std::size_t blocks,
                        std::size_t tallies) {
  if (buffers_.size() < blocks) buffers_.resize(blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    BlockEffects& fx = buffers_[b];
    fx.removals_.clear();
    if (!fx.spawned_.same_schema(agents)) {
      fx.spawned_ = agents.empty_like();
    } else {
      fx.spawned_.clear_rows();
    }
    fx.tally_.assign(tallies, 0.0);
  }
}

std::vector<double> Workspace::commit(const sched::Executor& exec, storage::ColumnStore& agents,
                                      std::size_t blocks, std::size_t tallies) {
  std::vector<double> totals(tallies, 0.0);
  removed_.clear();
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t t = 0; t < tallies; ++t) totals[t] += buffers_[b].tally_[t];
    // Blocks are visited in order and each block's removals are ascending row numbers of its
    // own range, so the concatenation is strictly ascending.
    const auto& r = buffers_[b].removals_;
    removed_.insert(removed_.end(), r.begin(), r.end());
  }
  if (!removed_.empty()) {
    BROCKEN_ASSERT(std::is_sorted(removed_.begin(), removed_.end()) &&
                       std::adjacent_find(removed_.begin(), removed_.end()) == removed_.end(),
                   "each row may be removed once");
    // Columns are independent: compact them in parallel.
    exec.for_each_index(agents.column_count(),
                        [&](std::size_t c) { agents.erase_sorted_column(c, removed_); });
    agents.set_size_after_erase(removed_.size());
  }
  for (std::size_t b = 0; b < blocks; ++b) agents.append_from(buffers_[b].spawned_);
  return totals;
}

}  // namespace brocken::sim
