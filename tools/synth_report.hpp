#pragma once
/// @file
/// @brief `brocken synth`: the fitted starting population, its fit report and a per-district
/// comparison with the published shares, and the full table as CSV.
#include <filesystem>
#include <ostream>

#include "models/migration/model.hpp"

namespace brocken::tools {

/// @brief The IPF report (iterations, residuals per margin) and one row per district: start
/// total, broad age shares and foreign share as fitted beside the published shares, mean age.
void print_synth_report(std::ostream& out, const migration::Scenario& sc);

/// @brief Writes the fitted table, long format: ags,age,sex,nationality,persons (full scale;
/// the last age is the open group). Written to a temporary name and renamed when complete.
/// Atomic (io::write_file_atomically); replaces an existing file only with `force`.
void write_synth_csv(const migration::Scenario& sc, const std::filesystem::path& path, bool force);

}  // namespace brocken::tools
