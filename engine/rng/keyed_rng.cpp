#include "engine/rng/keyed_rng.hpp"

namespace brocken::rng {

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
