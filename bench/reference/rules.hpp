#pragma once
/// @file
/// @brief The reference benchmark model's rules, constants and state hash, shared by the engine
/// implementation (reference_model.hpp) and the hand-written loop (handwritten.hpp). The rules
/// are spelled out in bench/README.md ("Reference model") so that they can be ported to another
/// framework; this header is the authoritative version.
///
/// Per person and month, in this order (tick t, agent key k):
///  1. g = DecisionStream(run, t, kMonth)(k): one keyed pcg32 for the person's month;
///  2. u = g.uniform() (53-bit double in [0, 1), from two 32-bit outputs);
///     p = 0.01 * (1 - 0.8 * integration) (integration widened from float to double);
///     if u < p the person leaves: the row is removed and nothing else happens to it;
///  3. otherwise v = g.uniform();
///     x = i + 0.03 * (1 - i) + 0.01 * (v - 0.5) in double (i = integration as double),
///     clamped to [0, 1], stored as float (round to nearest);
///     age_months += 1, months_here += 1;
///  4. the month's aggregate: mean of the stored (float) integration over the persons who stayed,
///     summed in double per block of `block_size` rows (rows in storage order), then over blocks
///     in block order, divided by the number of stayers.
/// Removal is stable: stayers keep their relative order.
///
/// Initial population (tick -1 is not a month; the draws use DecisionStream(run, 0, kInit)):
///  person i (0-based) has key agent_key::initial(i); g = stream(key);
///  age_months = g.below(960) (uniform integer 0..959), then
///  integration = (g.next_u32() >> 8) * 2^-25 (uniform on a 2^-25 grid in [0, 0.5), exact in
///  float); months_here = 0.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/rng/keyed_rng.hpp"

namespace brocken::bench {

/// @brief Parameters of one reference run.
struct ReferenceConfig {
  std::size_t agents = 100'000;
  std::uint64_t seed = 20240101;
  /// Rows per block of the agent-local pass (the migration model's default).
  std::size_t block_size = 16384;
};

/// Decision of the monthly step (both draws come from the same generator).
inline constexpr rng::DecisionId kMonth = rng::decision("reference.month");
/// Decision of the initial population's age and integration.
inline constexpr rng::DecisionId kInit = rng::decision("reference.init");
static_assert(rng::distinct(std::array{kMonth, kInit}));

inline constexpr double kLeaveBase = 0.01;
inline constexpr double kLeaveIntegrationCut = 0.8;
inline constexpr double kIntegrationPull = 0.03;
inline constexpr double kIntegrationNoise = 0.01;
inline constexpr std::uint32_t kInitialAgeMonths = 960;
/// Above this many months an int16 age could overflow (32767 - 959).
inline constexpr int kMaxMonths = 30000;

/// @brief One person's month under the rules, from its generator `g`: false if the person leaves;
/// otherwise true with the new integration in `next`. Shared by the engine kernel and the
/// hand-written loop, so that both implement the rules from one definition.
inline bool month_rule(rng::Draw& g, float integration, float& next) noexcept {
  const auto x = static_cast<double>(integration);
  if (g.uniform() < kLeaveBase * (1.0 - kLeaveIntegrationCut * x)) return false;
  const double v = g.uniform();
  next = static_cast<float>(
      std::clamp(x + kIntegrationPull * (1.0 - x) + kIntegrationNoise * (v - 0.5), 0.0, 1.0));
  return true;
}

/// @brief Age and integration of initial person `index` (rule above).
struct InitialPerson {
  std::uint64_t key;
  std::int16_t age_months;
  float integration;
};
inline InitialPerson initial_person(const rng::DecisionStream& init, std::uint64_t index) noexcept {
  const std::uint64_t key = rng::agent_key::initial(index);
  rng::Draw g = init(key);
  const auto age = static_cast<std::int16_t>(g.below(kInitialAgeMonths));
  const float integration = static_cast<float>(g.next_u32() >> 8U) * 0x1p-25F;
  return InitialPerson{key, age, integration};
}

/// @brief Read-only view of the four columns, in storage order.
struct StateView {
  std::span<const std::uint64_t> key;
  std::span<const std::int16_t> age_months;
  std::span<const std::int16_t> months_here;
  std::span<const float> integration;
};

/// @brief Hash of the final state: the row count, every row's four fields in storage order
/// (bit patterns), then every monthly mean (bit patterns). Storage order is deterministic (stable
/// removal), so engine and hand-written loop must agree, at any thread count.
std::uint64_t state_hash(const StateView& s, std::span<const double> mean_integration);

/// @brief Peak resident set size of this process so far (getrusage ru_maxrss), in bytes.
std::size_t peak_rss_bytes();

}  // namespace brocken::bench
