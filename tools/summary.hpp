#pragma once
/// @file
/// @brief The yearly summary table printed after a run, and a hash over output datasets.
#include <cstdint>
#include <ostream>

#include "engine/io/dataset.hpp"
#include "models/migration/model.hpp"

namespace brocken::tools {

/// @brief One row per simulated calendar year: stocks at December (or the last month), flows
/// summed over the year, all at full scale, summed over districts.
void print_yearly_summary(std::ostream& out, const migration::Scenario& sc,
                          const migration::Series& s);

/// @brief FNV-1a over every variable's name and values (bit patterns), in dataset order.
std::uint64_t dataset_hash(const io::Dataset& ds);

}  // namespace brocken::tools
