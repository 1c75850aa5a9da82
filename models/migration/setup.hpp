#pragma once
/// @file
/// @brief Model set-up: derived rates from the region data, and the initial population.
#include "engine/rng/keyed_rng.hpp"
#include "engine/storage/columns.hpp"
#include "models/migration/state.hpp"

namespace brocken::migration {

/// @brief Fills the derived monthly rates and the districts' market state of `s` (needs
/// s.params, s.region, s.scale).
void derive_rates(ModelState& s);

/// @brief Appends the initial population (31.12.of the year before the start) to `agents`,
/// whose columns are s.cols; also sets the departure normalisation and vacancy inflows.
void build_population(ModelState& s, storage::ColumnStore& agents, const rng::RunKey& run);

}  // namespace brocken::migration
