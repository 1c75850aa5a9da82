/// @file
/// @brief Writes a small Dataset shaped like a real run's output to argv[1], for read_back.py
/// (which checks it with xarray/h5netcdf, h5py and ncdump). Not a gtest: the checks live in
/// Python because the contract is what external scripts see.
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/dataset.hpp"
#include "engine/io/hdf5_writer.hpp"

namespace {

using brocken::io::Dataset;
using brocken::io::Dimension;
using brocken::io::Variable;

constexpr int kMonths = 36;
constexpr int kDistricts = 3;

Variable make_var(std::string name, std::vector<std::string> dims) {
  Variable v;
  v.name = std::move(name);
  v.dims = std::move(dims);
  return v;
}

Dataset make_sample() {
  using std::chrono::sys_days;
  using std::chrono::year_month_day;
  namespace chr = std::chrono;

  Dimension time;
  time.name = "time";
  const sys_days epoch = year_month_day{chr::year{2024}, chr::January, chr::day{1}};
  for (int m = 0; m < kMonths; ++m) {
    const auto first = year_month_day{chr::year{2024 + m / 12},
                                      chr::month{static_cast<unsigned>(m % 12 + 1)}, chr::day{1}};
    time.numeric.push_back(static_cast<double>((sys_days{first} - epoch).count()));
  }
  time.attrs["units"] = std::string("days since 2024-01-01");
  time.attrs["calendar"] = std::string("standard");
  time.attrs["long_name"] = std::string("first day of the month");

  Dimension district;
  district.name = "district";
  district.text = {"15001", "15002", "15003"};
  district.attrs["long_name"] = std::string("official district key (AGS)");

  Dataset data;
  data.dims = {time, district};

  Variable name = make_var("district_name", {"district"});
  name.text = {"Dessau-Roßlau", "Halle (Saale)", "Magdeburg"};
  data.vars.push_back(name);

  Variable population = make_var("population", {"time", "district"});
  Variable births = make_var("births", {"time", "district"});
  for (int t = 0; t < kMonths; ++t) {
    for (int d = 0; d < kDistricts; ++d) {
      population.values.push_back(1000.0 * (d + 1) + t);
      births.values.push_back(0.5 * t + d);
    }
  }
  population.attrs["units"] = std::string("persons");
  births.attrs["units"] = std::string("persons per month");
  data.vars.push_back(population);
  data.vars.push_back(births);

  Variable spending = make_var("spending", {"time"});
  spending.group = "policy";
  for (int t = 0; t < kMonths; ++t) spending.values.push_back(100.0 + t);
  spending.attrs["units"] = std::string("EUR");
  data.vars.push_back(spending);

  data.attrs["title"] = std::string("Brocken write_sample");
  data.attrs["scenario_yaml"] = std::string(100'000, 'y');
  data.attrs["note"] = std::string("Grüße aus Sachsen-Anhalt");
  data.attrs["empty"] = std::string();
  data.attrs["seed"] = std::int64_t{20240101};
  data.attrs["scale"] = 0.25;
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_sample <output.h5>\n";
    return 2;
  }
  try {
    brocken::io::write_hdf5(make_sample(), argv[1], /*force=*/false);
  } catch (const std::exception& e) {
    std::cerr << "write_sample: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
