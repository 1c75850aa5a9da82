#include "tools/summary.hpp"

#include <cstring>
#include <map>

#include <fmt/format.h>

#include "engine/core/build_info.hpp"

namespace brocken::tools {

void print_yearly_summary(std::ostream& out, const migration::Scenario& sc,
                          const migration::Series& s) {
  const std::size_t nd = sc.region->districts.size();
  const auto& table = migration::model_outputs().table;
  struct Col {
    const char* name;
    const char* header;
    bool stock;
  };
  const Col cols[] = {{"population", "population", true},  {"births", "births", false},
                      {"deaths", "deaths", false},         {"arrivals", "arrivals", false},
                      {"departures", "departures", false}, {"returns", "returns", false},
                      {"employed", "employed", true},      {"unemployed", "unemployed", true},
                      {"vacancies", "vacancies", true},    {"foreign_population", "foreign", true}};
  out << fmt::format("{:>6}", "year");
  for (const auto& c : cols) out << fmt::format(" {:>11}", c.header);
  out << '\n';
  const int months =
      static_cast<int>(s.monthly.empty() ? 0 : s[table.id("population")].size() / nd);
  int m = 0;
  while (m < months) {
    const int idx = sc.run.start.index() + m;
    const int year = idx / 12;
    const int last = std::min(months - 1, m + (11 - idx % 12));
    out << fmt::format("{:>6}", year);
    for (const auto& c : cols) {
      const std::vector<double>& values = s[table.id(c.name)];
      double v = 0;
      for (int t = c.stock ? last : m; t <= last; ++t) {
        for (std::size_t d = 0; d < nd; ++d) v += values[static_cast<std::size_t>(t) * nd + d];
      }
      out << fmt::format(" {:>11.0f}", v);
    }
    out << (last - m + 1 < 12 ? fmt::format("  ({} months)\n", last - m + 1) : std::string("\n"));
    m = last + 1;
  }
}

io::Attributes provenance_attributes(const migration::Scenario& sc,
                                     const std::string& scenario_file, int threads,
                                     std::size_t bytes_per_agent, std::size_t peak_agents) {
  io::Attributes attrs;
  attrs["title"] = std::string("Brocken simulation output");
  attrs["Conventions"] = std::string("CF-1.8");
  attrs["scenario_file"] = scenario_file;
  attrs["scenario_resolved_yaml"] = sc.doc.resolved_yaml;
  attrs["seed"] = static_cast<std::int64_t>(sc.run.seed);
  attrs["replications"] = static_cast<std::int64_t>(sc.run.replications);
  attrs["population_scale"] = sc.run.scale;
  attrs["engine_version"] = std::string(engine_version());
  attrs["git_commit"] = std::string(git_commit());
  attrs["build_type"] = std::string(build_type());
  attrs["compiler"] = std::string(compiler_id());
  attrs["threads"] = static_cast<std::int64_t>(threads);
  attrs["bytes_per_agent"] = static_cast<std::int64_t>(bytes_per_agent);
  attrs["peak_agents"] = static_cast<std::int64_t>(peak_agents);
  return attrs;
}

std::vector<std::string> policy_names(const migration::Scenario& sc) {
  std::vector<std::string> names;
  names.reserve(sc.policies.size());
  for (const auto& p : sc.policies) names.push_back(p.instance);
  return names;
}

std::uint64_t dataset_hash(const io::Dataset& ds) {
  std::uint64_t h = 1469598103934665603ULL;
  auto bytes = [&](const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= c[i];
      h *= 1099511628211ULL;
    }
  };
  for (const auto& v : ds.vars) {
    bytes(v.group.data(), v.group.size());
    bytes(v.name.data(), v.name.size());
    bytes(v.values.data(), v.values.size() * sizeof(double));
    for (const auto& t : v.text) bytes(t.data(), t.size());
  }
  return h;
}

}  // namespace brocken::tools
