// Parser of the `models.relocation` section (params.hpp).
#include "models/migration/relocation/params.hpp"

namespace brocken::migration::relocation {

void parse_params(scenario::Reader r, RelocationParams& p) {
  r.read("enabled", p.enabled);
  read_bands(r, "age_band_multipliers", p.age_band_multipliers, {0, 100}, false);
  r.read("outlier_iqr_factor", p.outlier_iqr_factor, {0.5, 100});
  r.finish();
}

}  // namespace brocken::migration::relocation
