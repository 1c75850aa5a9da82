// The age-band reader (age_bands.hpp).
#include "models/migration/age_bands.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace brocken::migration {

using scenario::Bounds;
using scenario::Reader;

void read_bands(Reader& r, std::string_view key, AgeBandShares& out, Bounds bounds,
                bool sum_to_one) {
  std::vector<double> v;
  const scenario::Node* node = nullptr;
  if (r.has(key)) node = r.raw(key);
  r.read(key, v, bounds, kAgeBands);
  if (v.size() != kAgeBands) return;
  double sum = 0;
  for (std::size_t i = 0; i < kAgeBands; ++i) {
    out[i] = v[i];
    sum += v[i];
  }
  if (sum_to_one && std::abs(sum - 1.0) > 1e-6 && node != nullptr) {
    r.diagnostics().add(node->pos(), node->path(),
                        fmt::format("shares must sum to 1, they sum to {:g}", sum));
  }
}

}  // namespace brocken::migration
