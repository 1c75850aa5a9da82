/// @file
/// @brief Cost of writing the output file (io::write_hdf5, engine/io/hdf5_writer.hpp) for a
/// dataset shaped like the baseline's output.
///
/// Question answered: how much of an end-to-end baseline run is the output step? The dataset has
/// the baseline's layout (docs/output-format.md) for 204 months × 14 districts: 19 root
/// variables over (time, district) and the district names; a `demography` group with
/// population_by_age_sex (time, district, 6 age bands, 2 sexes), population_by_nationality (3),
/// the 5-d population_by_age_sex_nationality (time, district, 6, 2, 3), population_by_qualification
/// (4), mean_age and away_pool; `arrival/skilled_pipeline`; `housing` with 2 variables; and a
/// 20 kB text attribute standing for the resolved scenario. Values are smooth series with
/// noise, like population counts, so that the deflate filter sees realistic data. Each iteration
/// writes the whole file atomically (temporary file, fsync, rename) into the system's temporary
/// directory, replacing the previous one. Bytes are the float64 values written.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <pcg_random.hpp>
#include <unistd.h>

#include "engine/io/dataset.hpp"
#include "engine/io/hdf5_writer.hpp"

namespace {

using brocken::io::Dataset;
using brocken::io::Dimension;
using brocken::io::Variable;

constexpr std::size_t kMonths = 204;
constexpr std::size_t kDistricts = 14;

Dimension text_dim(const std::string& name, std::size_t n, const std::string& prefix) {
  Dimension d;
  d.name = name;
  for (std::size_t i = 0; i < n; ++i) d.text.push_back(fmt::format("{}{}", prefix, i));
  return d;
}

/// Values over (time, rest...): a level per cell drifting slowly over time, plus noise.
Variable numeric(const std::string& group, const std::string& name, std::vector<std::string> dims,
                 std::size_t cells_per_month, pcg32& gen) {
  Variable v;
  v.group = group;
  v.name = name;
  v.dims = std::move(dims);
  v.attrs["units"] = std::string("persons");
  v.attrs["long_name"] = name;
  v.values.resize(kMonths * cells_per_month);
  for (std::size_t c = 0; c < cells_per_month; ++c) {
    const double level = 1000.0 + 100000.0 * static_cast<double>(gen(1000U)) / 1000.0;
    for (std::size_t t = 0; t < kMonths; ++t) {
      const double drift = 1.0 - 0.0005 * static_cast<double>(t);
      v.values[t * cells_per_month + c] =
          std::round(level * drift + static_cast<double>(gen(200U)) - 100.0);
    }
  }
  return v;
}

Dataset baseline_like() {
  pcg32 gen(7U);
  Dataset ds;
  Dimension time;
  time.name = "time";
  for (std::size_t t = 0; t < kMonths; ++t) time.numeric.push_back(30.44 * static_cast<double>(t));
  time.attrs["units"] = std::string("days since 2024-01-01");
  time.attrs["calendar"] = std::string("standard");
  ds.dims.push_back(std::move(time));
  ds.dims.push_back(text_dim("district", kDistricts, "150"));
  ds.dims.push_back(text_dim("age_band", 6, "band"));
  ds.dims.push_back(text_dim("sex", 2, "sex"));
  ds.dims.push_back(text_dim("nationality", 3, "nat"));
  ds.dims.push_back(text_dim("qualification", 4, "q"));

  Variable names;
  names.name = "district_name";
  names.dims = {"district"};
  for (std::size_t d = 0; d < kDistricts; ++d) names.text.push_back(fmt::format("District {}", d));
  ds.vars.push_back(std::move(names));
  for (int i = 0; i < 19; ++i) {
    ds.vars.push_back(
        numeric("", fmt::format("series_{:02d}", i), {"time", "district"}, kDistricts, gen));
  }
  ds.vars.push_back(numeric("demography", "population_by_age_sex",
                            {"time", "district", "age_band", "sex"}, kDistricts * 12, gen));
  ds.vars.push_back(numeric("demography", "population_by_nationality",
                            {"time", "district", "nationality"}, kDistricts * 3, gen));
  ds.vars.push_back(numeric("demography", "population_by_age_sex_nationality",
                            {"time", "district", "age_band", "sex", "nationality"}, kDistricts * 36,
                            gen));
  ds.vars.push_back(numeric("demography", "population_by_qualification",
                            {"time", "district", "qualification"}, kDistricts * 4, gen));
  ds.vars.push_back(numeric("demography", "mean_age", {"time", "district"}, kDistricts, gen));
  ds.vars.push_back(numeric("demography", "away_pool", {"time"}, 1, gen));
  ds.vars.push_back(numeric("arrival", "skilled_pipeline", {"time"}, 1, gen));
  ds.vars.push_back(numeric("housing", "usable_vacant", {"time", "district"}, kDistricts, gen));
  ds.vars.push_back(numeric("housing", "searchers", {"time", "district"}, kDistricts, gen));
  ds.attrs["title"] = std::string("Brocken simulation output");
  ds.attrs["scenario_resolved_yaml"] = std::string(20000, 'x');
  ds.attrs["seed"] = std::int64_t{20240101};
  return ds;
}

void hdf5_write_baseline_like(benchmark::State& state) {
  const Dataset ds = baseline_like();
  std::size_t values = 0;
  for (const auto& v : ds.vars) values += v.values.size();
  const auto path =
      std::filesystem::temp_directory_path() / fmt::format("brocken-bench-hdf5-{}.h5", ::getpid());
  for ([[maybe_unused]] auto _ : state) brocken::io::write_hdf5(ds, path, true);
  std::filesystem::remove(path);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(values * sizeof(double)));
  state.counters["values"] = static_cast<double>(values);
}

}  // namespace

BENCHMARK(hdf5_write_baseline_like)->UseRealTime()->Unit(benchmark::kMillisecond);
