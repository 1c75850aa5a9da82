#pragma once
/// @file
/// @brief The migration model's monthly stages, one module each (see docs/model.md for the
/// order and what each reads and writes).
#include <memory>

#include "engine/sim/simulation.hpp"
#include "models/migration/state.hpp"

namespace brocken::migration {

/// @brief Ageing, mortality, fertility, retirement, labour-market entry; the away pool (the
/// dormant agents) ages and is dropped after its bounded time; last month's leavers join it.
/// Agent-local.
std::unique_ptr<sim::Stage> make_demography_stage(ModelState& state);
/// @brief Departures across the state border and returns from the away pool (the dormant agents).
/// Agent-local.
std::unique_ptr<sim::Stage> make_departure_stage(ModelState& state);
/// @brief Moves between the districts of the state (net balances). Agent-local.
std::unique_ptr<sim::Stage> make_relocation_stage(ModelState& state);
/// @brief New arrivals from the rest of Germany and from abroad, and the admission pipeline of
/// skilled workers (capacity-limited immigration offices). Serial: appends rows in a fixed order.
std::unique_ptr<sim::Stage> make_arrival_stage(ModelState& state);
/// @brief Language, social ties, discrimination and recognition of foreign residents. Agent-local.
std::unique_ptr<sim::Stage> make_integration_stage(ModelState& state);
/// @brief Dwelling allocation to searchers by district (market: reduce, clear, apply).
std::unique_ptr<sim::Stage> make_housing_stage(ModelState& state);
/// @brief Separations, and Cobb-Douglas matching of unemployed to vacancies by district (market).
std::unique_ptr<sim::Stage> make_labour_stage(ModelState& state);

}  // namespace brocken::migration
