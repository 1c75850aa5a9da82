#include "bench/reference/rules.hpp"

#include <stdexcept>

#include <sys/resource.h>

namespace brocken::bench {

std::uint64_t state_hash(const StateView& s, std::span<const double> mean_integration) {
  const std::size_t n = s.key.size();
  if (s.age_months.size() != n || s.months_here.size() != n || s.integration.size() != n) {
    throw std::invalid_argument("state_hash: columns of different lengths");
  }
  std::uint64_t h = rng::mix64(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t packed =
        static_cast<std::uint64_t>(static_cast<std::uint16_t>(s.age_months[i])) |
        (static_cast<std::uint64_t>(static_cast<std::uint16_t>(s.months_here[i])) << 16U) |
        (static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(s.integration[i])) << 32U);
    h = rng::combine(rng::combine(h, s.key[i]), packed);
  }
  h = rng::combine(h, mean_integration.size());
  for (const double m : mean_integration) h = rng::combine(h, std::bit_cast<std::uint64_t>(m));
  return h;
}

std::size_t peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  // ru_maxrss sits in a union inside struct rusage (glibc); Linux reports it in KiB.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-union-access)
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024U;
}

}  // namespace brocken::bench
