#include "engine/policy/instances.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace brocken::policy {

std::vector<PolicySpec> parse_policy_specs(const scenario::Node& policies, const Registry& registry,
                                           scenario::Diagnostics& diags) {
  std::vector<PolicySpec> out;
  if (policies.is_null()) return out;
  if (!policies.is_map()) {
    diags.add(policies.pos(), policies.path(),
              "expected a mapping of policy instances to their parameters");
    return out;
  }
  for (const auto& [name, node] : policies.entries()) {
    const bool good_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    });
    if (!good_name) {
      diags.add(node.pos(), node.path(),
                fmt::format("instance name '{}': use letters, digits, '_' and '-' only", name));
      continue;
    }
    std::string module = name;
    const scenario::Node* where = &node;
    if (node.is_map()) {
      if (const scenario::Node* m = node.find("module")) {
        where = m;
        module = m->is_scalar() ? m->scalar() : std::string();
      }
    }
    if (!registry.create(module)) {
      std::string msg = fmt::format("unknown policy '{}'", module);
      const std::string hint = scenario::did_you_mean(module, registry.names());
      msg += hint.empty() ? fmt::format(" (available: {})", fmt::join(registry.names(), ", "))
                          : fmt::format(", did you mean '{}'?", hint);
      diags.add(where->pos(), where->path(), msg);
      continue;
    }
    out.push_back(PolicySpec{name, module, node});
  }
  return out;
}

namespace {

/// Reads `start`, `end` and `districts` (marking `module` known).
Scope read_scope(scenario::Reader& r, const scenario::Node& entry, const LeverBoard& board) {
  Scope scope;
  (void)r.raw("module");
  if (r.has("start")) {
    scenario::YearMonth ym;
    r.read("start", ym);
    if (ym.year != 0) scope.first_month = ym.index();
  }
  if (r.has("end")) {
    scenario::YearMonth ym;
    r.read("end", ym);
    if (ym.year != 0) scope.last_month = ym.index();
    if (scope.last_month < scope.first_month) {
      const scenario::Node* n = entry.find("end");
      r.diagnostics().add(n->pos(), n->path(), "the end month is before the start month");
    }
  }
  std::vector<bool> chosen(board.regions(), false);
  if (!board.regions_named()) {
    (void)r.raw("districts");  // nothing to check them against (the data did not load)
    std::fill(chosen.begin(), chosen.end(), true);
  } else if (r.has("districts")) {
    std::vector<std::string> names;
    r.read("districts", names);
    const scenario::Node* list = entry.find("districts");
    std::vector<std::string> known;
    for (const auto& region : board.region_names()) known.push_back(region.name);
    for (std::size_t k = 0; k < names.size(); ++k) {
      const scenario::Node& item = list->items()[k];
      const auto& regions = board.region_names();
      const auto it = std::find_if(regions.begin(), regions.end(), [&](const RegionName& rn) {
        return rn.name == names[k] || (!rn.id.empty() && rn.id == names[k]);
      });
      if (it == regions.end()) {
        std::string msg = fmt::format("unknown district '{}'", names[k]);
        const std::string hint = scenario::did_you_mean(names[k], known);
        if (!hint.empty()) msg += fmt::format(", did you mean '{}'?", hint);
        r.diagnostics().add(item.pos(), item.path(), std::move(msg));
        continue;
      }
      chosen[static_cast<std::size_t>(it - regions.begin())] = true;
    }
    if (names.empty() && list != nullptr && list->is_sequence()) {
      r.diagnostics().add(list->pos(), list->path(),
                          "an empty list of districts (leave the key out for all)");
    }
    scope.all_regions = std::all_of(chosen.begin(), chosen.end(), [](bool b) { return b; });
  } else {
    std::fill(chosen.begin(), chosen.end(), true);
  }
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    if (chosen[k]) scope.regions.push_back(static_cast<std::uint32_t>(k));
  }
  return scope;
}

}  // namespace

std::vector<Instance> instantiate(const std::vector<PolicySpec>& specs, const Registry& registry,
                                  LeverBoard& board, scenario::Diagnostics& diags) {
  std::vector<Instance> out;
  board.set_instances(specs.size());
  for (const auto& spec : specs) {
    auto p = registry.create(spec.module);
    if (!p) continue;  // reported while parsing
    scenario::Reader r(spec.params, diags);
    Instance inst{spec.instance, spec.module, read_scope(r, spec.params, board), std::move(p)};
    inst.policy->configure(r);
    board.begin_policy(out.size(), inst.scope);
    inst.policy->bind(board, diags, spec.params.pos());
    board.end_policy();
    out.push_back(std::move(inst));
  }
  return out;
}

}  // namespace brocken::policy
