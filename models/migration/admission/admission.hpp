#pragma once
/// @file
/// @brief The admission pipeline in the model (docs/model.md "Admission pipeline"): what it
/// derives at load, its warm-up before the start, the month of one district, and its outputs
/// (group `arrival`). The queue arithmetic is in pipeline.hpp.
#include <cstdint>
#include <vector>

#include "engine/rng/keyed_rng.hpp"
#include "models/migration/admission/pipeline.hpp"

namespace brocken::migration {

struct ModelState;
struct ModelOutputs;

namespace admission {

/// @brief Resolves each step's capacity per 100,000 inhabitants: the parameter, or for a step
/// with a capacity calibration the capacity at which the given share of districts has a
/// steady-state wait of at least the given months (appointments wait ≥ 2 months at > 40 % of
/// offices, docs/parameters.md). Steady state of a fluid FIFO queue with demand λ > c, capacity c
/// and abandonment r a month: the queue holds (λ − c) / r, and a case joining it waits
/// ln(λ / c) / r months. The districts are ranked by demand per inhabitant; the capacity is the
/// geometric mean of those that put the k-th and the (k+1)-th district at the wait,
/// k = ceil(share · districts). Demand: the applications the district receives
/// (application_share) less those refused at recognition.
void derive_admission(ModelState& s);

/// @brief The capacity (cases a month, model units) of step `step` in district d without levers;
/// negative: unlimited.
[[nodiscard]] double capacity(const ModelState& s, std::size_t d, Step step);

/// @brief Expected entries a month from district d's pipeline in the steady state without
/// levers (model units): its applications less those refused at recognition, or the capacity of
/// a limited step where that is smaller. Abandonment is left out (an upper bound; labour uses it
/// for the arrivals with a job at the start).
[[nodiscard]] double expected_entries_per_month(const ModelState& s, std::size_t d);

/// @brief Runs every district's pipeline for `warmup_months` months before the start (ticks
/// −warmup .. −1, neutral levers), so that the queues and procedures are under way at the start;
/// those who would have entered before the start are part of the start population and dropped.
/// The flows are cleared afterwards.
void warm_up(ModelState& s, const rng::RunKey& run);

/// @brief One month of district d: the month's new applications (keys from `key_stream`,
/// numbered within the district and month), then advance() with the district's levers. Cases
/// that enter are appended to `entered`.
void month(ModelState& s, std::size_t d, std::int32_t tick, const rng::RunKey& run,
           std::uint64_t key_stream, std::vector<Candidate>& entered);

/// @brief Declares the pipeline's outputs (group `arrival`) on `o`.
void declare_outputs(ModelOutputs& o);

}  // namespace admission
}  // namespace brocken::migration
