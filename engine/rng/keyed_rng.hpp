#pragma once
/// @file
/// @brief Keyed random numbers. Every draw comes from a pcg32 generator whose state and stream are
/// derived from (seed, replication, agent key, tick, decision) — never from a thread, a block, a
/// storage slot or the order in which agents are visited. Consequences:
///  - results are identical at any thread count and block size;
///  - two scenarios that differ only in a parameter give the same agent the same numbers for the
///    same decision in the same month (common random numbers), so policy effects are paired;
///  - adding a new decision never shifts the numbers of existing ones.
/// A decision id is a 32-bit FNV-1a hash of a dotted name ("departure.leave"), computed at compile
/// time. A model lists its decisions and checks with `static_assert(rng::distinct(...))` that no
/// two names collide; DecisionRegistry does the same at run time for names known only then.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pcg_random.hpp>

namespace brocken::rng {

/// @brief Identifies one decision kind (a random "stream" per purpose).
struct DecisionId {
  std::uint32_t value;
};

/// @brief Compile-time id of a named decision.
consteval DecisionId decision(std::string_view name) {
  std::uint32_t h = 2166136261U;
  for (const char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  return DecisionId{h};
}

/// @brief True when no two ids are equal (for a static_assert over a model's decision list).
template <std::size_t N>
consteval bool distinct(const std::array<DecisionId, N>& ids) {
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = i + 1; j < N; ++j) {
      if (ids[i].value == ids[j].value) return false;
    }
  }
  return true;
}

/// @brief splitmix64 finaliser: a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31U);
}

/// @brief Combines a running hash with one more 64-bit word (order-sensitive).
constexpr std::uint64_t combine(std::uint64_t h, std::uint64_t v) noexcept {
  return mix64(h ^ mix64(v + 0x632be59bd9b4e019ULL));
}

/// @brief Run-level key: the scenario seed and the replication index.
struct RunKey {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
};

/// @brief A generator for one (agent, tick, decision). Cheap to construct (three 64-bit mixes and
/// a pcg32 seeding); draw as many numbers from it as the decision needs.
class Draw {
 public:
  /// @brief The generator of `agent_key`'s `decision` in month `tick` of run `run`. Equal to
  /// DecisionStream(run, tick, decision)(agent_key).
  Draw(const RunKey& run, std::uint64_t agent_key, std::int32_t tick, DecisionId decision) noexcept;
  /// @brief From an already mixed state and stream (see DecisionStream).
  Draw(std::uint64_t state, std::uint64_t stream) noexcept : gen_(state, stream) {}

  /// @brief Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept {
    const std::uint64_t hi = gen_();
    const std::uint64_t lo = gen_();
    return static_cast<double>(((hi << 21U) ^ lo) & ((1ULL << 53U) - 1U)) * 0x1p-53;
  }
  /// @brief True with probability p (p outside [0, 1] behaves as clamped).
  bool bernoulli(double p) noexcept { return uniform() < p; }
  /// @brief Uniform integer in [0, n) without modulo bias (n > 0).
  std::uint32_t below(std::uint32_t n) noexcept { return gen_(n); }
  /// @brief Raw 32-bit output.
  std::uint32_t next_u32() noexcept { return gen_(); }

 private:
  pcg32 gen_;
};

/// @brief The (run, tick, decision) part of the key, hashed once per stage; calling it with an
/// agent key gives that agent's generator. Use it in kernels instead of constructing Draw from
/// scratch for every agent.
class DecisionStream {
 public:
  DecisionStream(const RunKey& run, std::int32_t tick, DecisionId decision) noexcept
      : prefix_(combine(combine(combine(mix64(run.seed), run.replication),
                                static_cast<std::uint64_t>(static_cast<std::uint32_t>(tick))),
                        decision.value)),
        stream_(combine(run.seed ^ 0xa0761d6478bd642fULL, decision.value)) {}
  [[nodiscard]] Draw operator()(std::uint64_t agent_key) const noexcept {
    return Draw(combine(prefix_, agent_key), mix64(agent_key ^ stream_));
  }
  /// @brief out[k] = (*this)(keys[k]).uniform() for k < min(keys.size(), out.size()): the first
  /// number of each agent's generator, for kernels that need a draw for most rows (fill a chunk
  /// ahead, then read it). The same bits as drawing one by one (tests/engine/rng), but the loop
  /// over independent keys is vectorised where the processor has AVX-512 (about 5x faster per
  /// draw on the development machine; bench/README.md).
  void first_uniforms(std::span<const std::uint64_t> keys, std::span<double> out) const noexcept;
  /// @brief first_uniforms() without the AVX-512 path (for tests and comparisons).
  void first_uniforms_portable(std::span<const std::uint64_t> keys,
                               std::span<double> out) const noexcept;
  /// @brief True when first_uniforms() uses the AVX-512 path on this processor.
  [[nodiscard]] static bool vectorised() noexcept;

 private:
  std::uint64_t prefix_;
  std::uint64_t stream_;
};

inline Draw::Draw(const RunKey& run, std::uint64_t agent_key, std::int32_t tick,
                  DecisionId decision) noexcept
    : Draw(DecisionStream(run, tick, decision)(agent_key)) {}

/// @brief Calls body(i, u) for every row i in [begin, end), where u is the first number of row i's
/// generator, stream(keys[i]).uniform(). The numbers are filled a chunk at a time by
/// DecisionStream::first_uniforms() (vectorised): for kernels in which most rows draw. A row that
/// needs more numbers makes its generator again: stream(keys[i]), skipping the first.
/// Always inlined: the body's captures must stay the kernel's own locals (see the models' kernels).
template <class Body>
[[gnu::always_inline]] inline void for_rows_with_first_uniform(const DecisionStream& stream,
                                                               const std::uint64_t* keys,
                                                               std::size_t begin, std::size_t end,
                                                               Body&& body) {
  constexpr std::size_t kChunk = 256;
  std::array<double, kChunk> u;  // NOLINT(cppcoreguidelines-pro-type-member-init): filled below
  for (std::size_t c0 = begin; c0 < end; c0 += kChunk) {
    const std::size_t c1 = end - c0 < kChunk ? end : c0 + kChunk;
    stream.first_uniforms(std::span(keys + c0, c1 - c0), u);
    for (std::size_t i = c0; i < c1; ++i) body(i, u[i - c0]);
  }
}

/// @brief Guards against two decision names hashing to the same id.
class DecisionRegistry {
 public:
  /// @brief Registers a name; throws std::logic_error if another name has the same id.
  DecisionId add(std::string_view name);

 private:
  std::unordered_map<std::uint32_t, std::string> names_;
};

/// @brief Agent keys: stable 64-bit ids derived from how an agent came to be. The top two bits
/// tell the origin (00 initial population, 01 birth, 10 arrival) so the kinds never collide.
namespace agent_key {
/// @brief The i-th person of the initial population.
constexpr std::uint64_t initial(std::uint64_t index) noexcept {
  return index & ((1ULL << 62U) - 1U);
}
/// @brief The seq-th child born to `mother` in month `tick` (seq > 0 only for multiple births).
constexpr std::uint64_t birth(std::uint64_t mother, std::int32_t tick, std::uint32_t seq) noexcept {
  const std::uint64_t h =
      combine(combine(combine(0x5bd1e995ULL, mother), static_cast<std::uint32_t>(tick)), seq);
  return (1ULL << 62U) | (h >> 2U);
}
/// @brief The seq-th arrival of arrival stream `stream` in month `tick`.
constexpr std::uint64_t arrival(std::uint64_t stream, std::int32_t tick,
                                std::uint64_t seq) noexcept {
  const std::uint64_t h =
      combine(combine(combine(0x27d4eb2fULL, stream), static_cast<std::uint32_t>(tick)), seq);
  return (2ULL << 62U) | (h >> 2U);
}
}  // namespace agent_key

}  // namespace brocken::rng
