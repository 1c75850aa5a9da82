#pragma once
/// @file
/// @brief Policy instances from a scenario's `policies:` map. Each entry is an *instance* with
/// its own name (the key), a module, a scope and the module's parameters:
/// @code
///   policies:
///     language_courses:            # key = module name: that module (no `module:` needed)
///       budget_eur_per_year: 1e7
///     courses_halle:               # a second instance of the same module
///       module: language_courses
///       start: 2026-01             # first month (default: the run's first month)
///       end: 2028-12               # last month, inclusive (default: the run's end)
///       districts: [Halle (Saale)] # names or ids the model gives its regions (default: all)
///       budget_eur_per_year: 2e6
/// @endcode
/// The engine reads `module`, `start`, `end` and `districts`; everything else goes to the
/// module's configure(). Instance names appear in the output (spending) and in checkpoints.
#include <memory>
#include <string>
#include <vector>

#include "engine/policy/policy.hpp"
#include "engine/policy/registry.hpp"
#include "engine/scenario/node.hpp"

namespace brocken::policy {

/// @brief An enabled instance as written in the scenario.
struct PolicySpec {
  std::string instance;   ///< its key under `policies:`
  std::string module;     ///< the registered module
  scenario::Node params;  ///< the entry (the engine's keys included)
};

/// @brief Parses `policies:` (a map, or null for none): instance names (letters, digits, `_`,
/// `-`), modules (unknown: a diagnostic with did-you-mean). Scopes are read by instantiate().
std::vector<PolicySpec> parse_policy_specs(const scenario::Node& policies, const Registry& registry,
                                           scenario::Diagnostics& diags);

/// @brief A configured and bound instance.
struct Instance {
  std::string name;
  std::string module;
  Scope scope;
  std::unique_ptr<Policy> policy;
};

/// @brief Reads each spec's scope against the board's regions (an unknown district: a
/// diagnostic at its position, with did-you-mean), then configures and binds the module.
/// Sets the board's instance count. Specs whose module is unknown are skipped.
std::vector<Instance> instantiate(const std::vector<PolicySpec>& specs, const Registry& registry,
                                  LeverBoard& board, scenario::Diagnostics& diags);

}  // namespace brocken::policy
