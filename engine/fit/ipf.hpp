#pragma once
/// @file
/// @brief Iterative proportional fitting (IPF, also raking or biproportional fitting) of a dense
/// n-dimensional table to marginal totals. The seed table carries the interaction structure
/// that no margin constrains (e.g. the age shape of each district from an older census); the
/// margins are the targets (e.g. the state's age x sex table, the district totals).
///
/// Each iteration scales the table once per margin, in the order given, so that the table's sums
/// over the margin's free axes equal the margin's targets. With consistent margins (equal grand
/// totals, and equal sums wherever two margins share axes) and a seed without structural zeros
/// that block a target, IPF converges to the table closest to the seed in Kullback-Leibler
/// divergence that meets every margin (Ireland & Kullback 1968). With inconsistent margins it
/// cannot meet them all; the report then shows which margins are missed and by how much, and the
/// caller decides (reconcile the targets first, or accept documented residuals).
#include <cstddef>
#include <string>
#include <vector>

namespace brocken::fit {

/// @brief A target: the table summed over every axis not in `axes` must equal `target`.
/// A kept axis may be coarsened into bins (e.g. single years of age into age groups).
struct Margin {
  std::string name;               ///< for reports, e.g. "state age x sex 31.12.2023"
  std::vector<std::size_t> axes;  ///< kept axes, strictly ascending
  std::vector<double> target;     ///< row-major over the kept axes' extents (or bin counts);
                                  ///< NaN = no target for that cell
  /// Optional, one entry per kept axis: bins[k][i] = bin of value i of axis axes[k]; an empty
  /// entry (or no entry) keeps the axis as it is. Bins are numbered 0..n-1, all used.
  std::vector<std::vector<std::size_t>> bins{};
};

/// @brief How well one margin is met after fitting.
struct MarginResidual {
  std::string name;
  double max_abs = 0;       ///< largest |fitted - target| over the margin's cells
  double max_rel = 0;       ///< largest |fitted - target| / target over cells with target > 0
  double target_total = 0;  ///< sum of the (non-NaN) targets
  double fitted_total = 0;  ///< sum of the fitted table over the same cells
};

struct IpfOptions {
  int max_iterations = 2000;
  /// Converged when, over a whole iteration, no cell of any margin needed a relative
  /// correction larger than this.
  double tolerance = 1e-10;
};

struct IpfReport {
  int iterations = 0;
  bool converged = false;
  std::vector<MarginResidual> residuals;  ///< one per margin, in the order given
};

/// @brief Fits `table` (row-major over `shape`, non-negative) to `margins` in place.
/// @throws std::invalid_argument for a malformed problem: a size that does not match the
/// shape, axes not ascending or out of range, a negative or non-finite seed or target, or a
/// positive target whose cells are all zero in the seed (no scaling can reach it).
IpfReport ipf(std::vector<double>& table, const std::vector<std::size_t>& shape,
              const std::vector<Margin>& margins, const IpfOptions& options = {});

/// @brief The table summed over every axis not in `axes` (row-major over the kept axes), with
/// optional bins as in Margin.
std::vector<double> marginal(const std::vector<double>& table,
                             const std::vector<std::size_t>& shape,
                             const std::vector<std::size_t>& axes,
                             const std::vector<std::vector<std::size_t>>& bins = {});

}  // namespace brocken::fit
