#pragma once
/// @file
/// @brief The yearly summary table printed after a run, and a hash over output datasets.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "engine/io/dataset.hpp"
#include "models/migration/model.hpp"

namespace brocken::tools {

/// @brief One row per simulated calendar year: stocks at December (or the last month), flows
/// summed over the year, all at full scale, summed over districts.
void print_yearly_summary(std::ostream& out, const migration::Scenario& sc,
                          const migration::Series& s);

/// @brief The provenance attributes every output file carries at its root
/// (docs/output-format.md): title, conventions, scenario (file and resolved text), seed,
/// replications, scale, engine version, git commit, build type, compiler, threads, bytes per
/// agent and peak agents. Callers add what only they know (wall time, creation time).
io::Attributes provenance_attributes(const migration::Scenario& sc,
                                     const std::string& scenario_file, int threads,
                                     std::size_t bytes_per_agent, std::size_t peak_agents);

/// @brief Names of the scenario's policies, in scenario order.
std::vector<std::string> policy_names(const migration::Scenario& sc);

/// @brief FNV-1a over every variable's name and values (bit patterns), in dataset order.
std::uint64_t dataset_hash(const io::Dataset& ds);

}  // namespace brocken::tools
