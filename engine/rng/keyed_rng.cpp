#include "engine/rng/keyed_rng.hpp"

#include <algorithm>

namespace brocken::rng {

namespace {

// The loop behind first_uniforms(). Inlined into each variant below, so that the compiler
// vectorises it for that variant's instruction set; every variant computes the same integers
// (pcg32 and the mixers are exact 64-bit arithmetic) and the same conversion to double.
[[gnu::always_inline]] inline void uniforms_loop(const DecisionStream& s,
                                                 std::span<const std::uint64_t> keys,
                                                 std::span<double> out) noexcept {
  const std::size_t n = std::min(keys.size(), out.size());
  const std::uint64_t* const k = keys.data();
  double* const o = out.data();
  for (std::size_t i = 0; i < n; ++i) o[i] = s(k[i]).uniform();
}

#if defined(__x86_64__) && defined(__GNUC__)
#define BROCKEN_RNG_AVX512 1
// x86-64-v4 = AVX-512 F, BW, CD, DQ, VL: 64-bit vector multiplies (vpmullq), variable rotates
// and 64-bit integer to double conversion, all the loop needs.
[[gnu::target("arch=x86-64-v4")]] void uniforms_avx512(const DecisionStream& s,
                                                       std::span<const std::uint64_t> keys,
                                                       std::span<double> out) noexcept {
  uniforms_loop(s, keys, out);
}

bool cpu_has_avx512() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0 &&
         __builtin_cpu_supports("avx512cd") != 0 && __builtin_cpu_supports("avx512dq") != 0 &&
         __builtin_cpu_supports("avx512vl") != 0;
}
#endif

}  // namespace

bool DecisionStream::vectorised() noexcept {
#ifdef BROCKEN_RNG_AVX512
  static const bool has = cpu_has_avx512();
  return has;
#else
  return false;
#endif
}

void DecisionStream::first_uniforms(std::span<const std::uint64_t> keys,
                                    std::span<double> out) const noexcept {
#ifdef BROCKEN_RNG_AVX512
  if (vectorised()) {
    uniforms_avx512(*this, keys, out);
    return;
  }
#endif
  uniforms_loop(*this, keys, out);
}

void DecisionStream::first_uniforms_portable(std::span<const std::uint64_t> keys,
                                             std::span<double> out) const noexcept {
  uniforms_loop(*this, keys, out);
}

DecisionId DecisionRegistry::add(std::string_view name) {
  std::uint32_t h = 2166136261U;
  for (const char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  auto [it, inserted] = names_.emplace(h, std::string(name));
  if (!inserted && it->second != name) {
    throw std::logic_error("decision ids collide: '" + it->second + "' and '" + std::string(name) +
                           "'");
  }
  return DecisionId{h};
}

}  // namespace brocken::rng
