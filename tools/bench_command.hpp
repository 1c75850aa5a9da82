#pragma once
/// @file
/// @brief `brocken bench`: whole-run benchmarks (issue #4, part 2; bench/README.md).
///  - `--model reference`: the reference model (bench/reference/) at --agents × --months on
///    --threads, then the hand-written loop with the same rules; prints agent-months per second,
///    threads, peak memory, bytes per agent, wall time, the state hash of both and their ratio.
///  - `--model baseline`: the full baseline scenario end to end in this process: loading the
///    scenario, building the population, every month, building the dataset and writing the HDF5
///    file (to a temporary file that is removed); prints wall time, threads, peak memory and the
///    dataset hash (the same hash as `brocken run --hash`).
#include <cstddef>
#include <string>

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}

namespace brocken::tools {

struct BenchOptions {
  std::string model = "reference";  ///< "reference" or "baseline"
  std::size_t agents = 2'200'000;   ///< reference: initial persons
  int months = 300;                 ///< reference: simulated months
  int threads = 1;
  int repeat = 1;                                    ///< runs; figures are min / median / max
  std::size_t block_size = 16384;                    ///< reference: rows per block
  bool handwritten = true;                           ///< reference: also run the hand-written loop
  std::string scenario = "scenarios/baseline.yaml";  ///< baseline: the scenario file
  std::string output;  ///< reference: write the monthly series here (optional)
};

/// @brief Adds the `bench` subcommand and its options (bound to `options`) to `app`.
CLI::App* add_bench_subcommand(CLI::App& app, BenchOptions& options);

/// @brief Runs the benchmark and prints its figures on stdout. Returns the process exit code:
/// 0 success, 1 when results differ between runs or from the hand-written loop, 2 invalid input,
/// 3 the output could not be written. Scenario errors are thrown as scenario::InputError.
int bench_command(const BenchOptions& options);

}  // namespace brocken::tools
