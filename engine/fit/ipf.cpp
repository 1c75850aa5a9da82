#include "engine/fit/ipf.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace brocken::fit {
namespace {

std::size_t product(const std::vector<std::size_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

/// Number of distinct values of kept axis k after binning.
std::size_t kept_extent(const std::vector<std::size_t>& shape, const std::vector<std::size_t>& axes,
                        const std::vector<std::vector<std::size_t>>& bins, std::size_t k) {
  if (k < bins.size() && !bins[k].empty()) {
    return *std::max_element(bins[k].begin(), bins[k].end()) + 1;
  }
  return shape[axes[k]];
}

std::size_t margin_size(const std::vector<std::size_t>& shape, const std::vector<std::size_t>& axes,
                        const std::vector<std::vector<std::size_t>>& bins) {
  std::size_t n = 1;
  for (std::size_t k = 0; k < axes.size(); ++k) n *= kept_extent(shape, axes, bins, k);
  return n;
}

/// For every table cell, the index of the margin cell it adds to.
std::vector<std::uint32_t> cell_map(const std::vector<std::size_t>& shape,
                                    const std::vector<std::size_t>& axes,
                                    const std::vector<std::vector<std::size_t>>& bins) {
  const std::size_t n = product(shape);
  // Per table axis: its stride inside the margin's row-major layout (0 for summed axes) and
  // its bin map (empty = identity).
  std::vector<std::size_t> stride(shape.size(), 0);
  std::vector<const std::vector<std::size_t>*> bin_of(shape.size(), nullptr);
  std::size_t s = 1;
  for (std::size_t k = axes.size(); k-- > 0;) {
    stride[axes[k]] = s;
    if (k < bins.size() && !bins[k].empty()) bin_of[axes[k]] = &bins[k];
    s *= kept_extent(shape, axes, bins, k);
  }
  std::vector<std::uint32_t> map(n);
  std::vector<std::size_t> idx(shape.size(), 0);
  for (std::size_t cell = 0; cell < n; ++cell) {
    std::size_t m = 0;
    for (std::size_t a = 0; a < shape.size(); ++a) {
      m += (bin_of[a] != nullptr ? (*bin_of[a])[idx[a]] : idx[a]) * stride[a];
    }
    map[cell] = static_cast<std::uint32_t>(m);
    for (std::size_t a = shape.size(); a-- > 0;) {  // odometer increment, last axis fastest
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return map;
}

void check_problem(const std::vector<double>& table, const std::vector<std::size_t>& shape,
                   const std::vector<Margin>& margins) {
  if (shape.empty()) throw std::invalid_argument("ipf: the table has no axes");
  if (table.size() != product(shape)) {
    throw std::invalid_argument(
        fmt::format("ipf: table has {} cells, shape needs {}", table.size(), product(shape)));
  }
  if (table.size() > UINT32_MAX) throw std::invalid_argument("ipf: table too large");
  for (const double v : table) {
    if (!std::isfinite(v) || v < 0)
      throw std::invalid_argument("ipf: seed values must be finite and >= 0");
  }
  for (const auto& m : margins) {
    for (std::size_t k = 0; k < m.axes.size(); ++k) {
      if (m.axes[k] >= shape.size() || (k > 0 && m.axes[k] <= m.axes[k - 1])) {
        throw std::invalid_argument("ipf: margin '" + m.name +
                                    "': axes must be ascending table axes");
      }
    }
    if (m.bins.size() > m.axes.size()) {
      throw std::invalid_argument("ipf: margin '" + m.name + "': more bin maps than kept axes");
    }
    for (std::size_t k = 0; k < m.bins.size(); ++k) {
      if (m.bins[k].empty()) continue;
      if (m.bins[k].size() != shape[m.axes[k]]) {
        throw std::invalid_argument("ipf: margin '" + m.name + "': a bin map must cover its axis");
      }
      std::vector<bool> used(*std::max_element(m.bins[k].begin(), m.bins[k].end()) + 1, false);
      for (const std::size_t b : m.bins[k]) used[b] = true;
      if (std::find(used.begin(), used.end(), false) != used.end()) {
        throw std::invalid_argument("ipf: margin '" + m.name + "': bins must be numbered 0..n-1");
      }
    }
    const std::size_t expected = margin_size(shape, m.axes, m.bins);
    if (m.target.size() != expected) {
      throw std::invalid_argument(fmt::format("ipf: margin '{}' has {} targets, expected {}",
                                              m.name, m.target.size(), expected));
    }
    for (const double t : m.target) {
      if (!std::isnan(t) && (!std::isfinite(t) || t < 0)) {
        throw std::invalid_argument("ipf: margin '" + m.name +
                                    "': targets must be finite and >= 0");
      }
    }
  }
}

}  // namespace

std::vector<double> marginal(const std::vector<double>& table,
                             const std::vector<std::size_t>& shape,
                             const std::vector<std::size_t>& axes,
                             const std::vector<std::vector<std::size_t>>& bins) {
  const auto map = cell_map(shape, axes, bins);
  std::vector<double> out(margin_size(shape, axes, bins), 0.0);
  for (std::size_t c = 0; c < table.size(); ++c) out[map[c]] += table[c];
  return out;
}

IpfReport ipf(std::vector<double>& table, const std::vector<std::size_t>& shape,
              const std::vector<Margin>& margins, const IpfOptions& options) {
  check_problem(table, shape, margins);
  std::vector<std::vector<std::uint32_t>> maps;
  maps.reserve(margins.size());
  for (const auto& m : margins) maps.push_back(cell_map(shape, m.axes, m.bins));

  IpfReport report;
  std::vector<double> sums;
  std::vector<double> factor;
  for (int it = 0; it < options.max_iterations; ++it) {
    double worst = 0;
    for (std::size_t k = 0; k < margins.size(); ++k) {
      const Margin& m = margins[k];
      const auto& map = maps[k];
      sums.assign(m.target.size(), 0.0);
      for (std::size_t c = 0; c < table.size(); ++c) sums[map[c]] += table[c];
      factor.assign(m.target.size(), 1.0);
      for (std::size_t j = 0; j < m.target.size(); ++j) {
        const double t = m.target[j];
        if (std::isnan(t)) continue;
        if (sums[j] == 0) {
          if (t > 0) {
            throw std::invalid_argument(fmt::format(
                "ipf: margin '{}', cell {}: target {} but every table cell adding to it is zero",
                m.name, j, t));
          }
          continue;
        }
        factor[j] = t / sums[j];
        worst = std::max(worst, std::abs(factor[j] - 1.0));
      }
      for (std::size_t c = 0; c < table.size(); ++c) table[c] *= factor[map[c]];
    }
    report.iterations = it + 1;
    if (worst <= options.tolerance) {
      report.converged = true;
      break;
    }
  }

  for (std::size_t k = 0; k < margins.size(); ++k) {
    const Margin& m = margins[k];
    sums.assign(m.target.size(), 0.0);
    for (std::size_t c = 0; c < table.size(); ++c) sums[maps[k][c]] += table[c];
    MarginResidual r;
    r.name = m.name;
    for (std::size_t j = 0; j < m.target.size(); ++j) {
      const double t = m.target[j];
      if (std::isnan(t)) continue;
      const double diff = std::abs(sums[j] - t);
      r.max_abs = std::max(r.max_abs, diff);
      if (t > 0) r.max_rel = std::max(r.max_rel, diff / t);
      r.target_total += t;
      r.fitted_total += sums[j];
    }
    report.residuals.push_back(std::move(r));
  }
  return report;
}

}  // namespace brocken::fit
