#pragma once
/// @file
/// @brief The memory a run or a resume needs, estimated before anything large is allocated, and
/// the check against what this process may use (MemAvailable, RLIMIT_AS). docs/reliability.md
/// ("Memory") explains the estimate; tests/hostile/runtime.py checks it against measured peaks
/// and under `ulimit -v` at many sizes.
#include <cstdint>
#include <optional>
#include <string>

#include "models/migration/model.hpp"

namespace brocken::tools {

/// @brief The parts of a run's estimated peak memory, in bytes.
struct MemoryEstimate {
  double agents = 0;      ///< the person table at its largest, with vector growth
  double checkpoint = 0;  ///< writing a checkpoint: the archive copy and the HDF5 image
  double series = 0;      ///< the series of every replication
  double output = 0;      ///< assembling and writing the output file (agents freed by then)
  double resume = 0;      ///< a resumed run: the checkpoint's archive while it is restored
  double overhead = 0;    ///< libraries, allocator and thread reservations (RLIMIT_AS only)
  [[nodiscard]] double peak() const;
  [[nodiscard]] std::string describe() const;
};

/// @brief What a run of `sc` at `threads` threads needs; `resume_bytes` is the size of the
/// checkpoint body a resume restores from (0 for a new run).
MemoryEstimate estimate_run(const migration::Scenario& sc, int threads, double resume_bytes);

/// @brief Bytes this process may still allocate: the smaller of MemAvailable and what RLIMIT_AS
/// leaves (with the name of the limit), or nothing when neither is known.
std::optional<std::pair<double, std::string>> available_memory();

/// @brief True when RLIMIT_AS is set (address space, not resident memory, is then what runs out:
/// thread stacks and allocator arenas count).
bool address_space_limited();

/// @brief The memory needed to read a checkpoint whose HDF5 body has `body_bytes` bytes: the
/// image, the HDF5 driver's copy and the archive built from it.
double checkpoint_read_bytes(double body_bytes);

std::string human_bytes(double bytes);

}  // namespace brocken::tools
