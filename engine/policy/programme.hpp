#pragma once
/// @file
/// @brief The model side of a programme (LeverBoard::declare_programme): how many places a
/// region has free this month and the report of its participants. The selection itself is
/// sim::CellMarket (engine/sim/market.hpp): gather lists the eligible agents per region with a
/// priority drawn from the agent's key and the tick, clear keeps the free_places() best of each
/// region (ties by key), so who gets a place never depends on storage order, threads or blocks.
/// A stage that fills a programme:
///  1. if !board.funded(id) and nobody is in the programme, does nothing more (the baseline
///     draws nothing);
///  2. gathers the eligible (and counts those still in the programme per region, e.g. as the
///     market's tallies);
///  3. clears with free_places() and marks the winners;
///  4. reports the agents in the programme with report_participants().
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "engine/policy/policy.hpp"

namespace brocken::policy {

/// @brief Places free per region: the funded places (persons at full scale) x `scale` (agents
/// per person), rounded down, minus the agents still in the programme (`enrolled`, per region);
/// never negative.
inline void free_places(const LeverBoard& board, ProgrammeId id, double scale,
                        std::span<const double> enrolled, std::vector<std::size_t>& out) {
  out.assign(enrolled.size(), 0);
  for (std::size_t r = 0; r < enrolled.size(); ++r) {
    const double places = std::floor(board.places(id, r) * scale + 1e-9);
    out[r] = places > enrolled[r] ? static_cast<std::size_t>(places - enrolled[r]) : 0;
  }
}

/// @brief Reports the agents in the programme per region as persons (x `weight`, persons per
/// agent); the board charges the funders (LeverBoard::report_participants).
inline void report_participants(LeverBoard& board, ProgrammeId id, std::span<const double> enrolled,
                                double weight) {
  for (std::size_t r = 0; r < enrolled.size(); ++r) {
    board.report_participants(id, r, enrolled[r] * weight);
  }
}

}  // namespace brocken::policy
