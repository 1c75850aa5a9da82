#pragma once
/// @file
/// @brief Policy modules by name. A model fills a registry in one registration function (no
/// static-initialisation tricks, which static libraries silently drop); a scenario enables
/// modules by name under `policies:`.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/policy/policy.hpp"

namespace brocken::policy {

class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Policy>()>;
  /// @brief Registers a module; a duplicate name is a programming error (std::logic_error).
  void add(std::string name, Factory factory);
  /// @brief Creates a module, or nullptr for an unknown name.
  [[nodiscard]] std::unique_ptr<Policy> create(const std::string& name) const;
  /// @brief Registered names, sorted.
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory> factories_;
};

}  // namespace brocken::policy
