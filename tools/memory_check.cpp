#include "tools/memory_check.hpp"

#include <algorithm>
#include <array>
#include <fstream>

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

namespace brocken::tools {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

}  // namespace

double MemoryEstimate::peak() const {
  // The months phase (agents, checkpoints, the series so far) and the output phase (series,
  // dataset, file image; the agents are freed by then) do not overlap.
  const double months = agents + checkpoint + series + resume;
  const double out = output + series;
  return std::max(months, out) + overhead;
}

std::string MemoryEstimate::describe() const {
  std::string s =
      fmt::format("agents {}, checkpoint writing {}, series {}, output {}", human_bytes(agents),
                  human_bytes(checkpoint), human_bytes(series), human_bytes(output));
  if (resume > 0) s += fmt::format(", restoring the checkpoint {}", human_bytes(resume));
  if (overhead > 0) s += fmt::format(", threads and libraries {}", human_bytes(overhead));
  return s;
}

bool address_space_limited() {
  rlimit lim{};
  return ::getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY;
}

MemoryEstimate estimate_run(const migration::Scenario& sc, int threads, double resume_bytes) {
  const migration::ResourcePlan plan = migration::plan_resources(sc);
  const auto bpa = static_cast<double>(plan.bytes_per_agent);
  const auto per_rep = static_cast<double>(plan.series_bytes_per_replication);
  const double reps = sc.run.replications;
  MemoryEstimate e;
  // std::vector doubling: up to twice the rows, and old and new buffer of one column at once.
  e.agents = plan.peak_agents * bpa * 2.0;
  // A checkpoint holds the agents three times at its peak: the archive's copy, the HDF5 core
  // driver's buffer and the image taken from it; plus the current replication's series.
  e.checkpoint = plan.peak_agents * bpa * 3.0 + per_rep * 3.0;
  e.series = per_rep * reps;
  // The dataset copies every series, HDF5 builds the file in memory and hands out a copy.
  e.output = per_rep * reps * 3.0 + 16.0 * kMiB;
  // Restoring: the archive read from the file, and the fresh run the state is restored into.
  e.resume = resume_bytes > 0 ? resume_bytes + plan.initial_agents * bpa * 2.0 : 0.0;
  // Under RLIMIT_AS address space counts: each thread reserves its stack and a malloc arena (64
  // MiB), and HDF5, TBB and the allocator map more as they go.
  e.overhead = address_space_limited() ? (threads + 1) * 72.0 * kMiB + 96.0 * kMiB : 32.0 * kMiB;
  return e;
}

double checkpoint_read_bytes(double body_bytes) {
  // The image read from the file, the core driver's copy of it, and the archive of entries
  // (at most the body's size); HDF5's own structures on top.
  return body_bytes * 3.0 + 32.0 * kMiB +
         (address_space_limited() ? 2.0 * 72.0 * kMiB + 96.0 * kMiB : 0.0);
}

std::optional<std::pair<double, std::string>> available_memory() {
  std::optional<std::pair<double, std::string>> best;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (meminfo >> key >> kb) {
    std::getline(meminfo, unit);
    if (key == "MemAvailable:") best = std::make_pair(kb * 1024.0, std::string("MemAvailable"));
  }
  rlimit lim{};
  if (::getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    double used = 0;
    std::ifstream statm("/proc/self/statm");
    double pages = 0;
    if (statm >> pages) used = pages * static_cast<double>(::sysconf(_SC_PAGESIZE));
    const double left = std::max(0.0, static_cast<double>(lim.rlim_cur) - used);
    if (!best || left < best->first) best = std::make_pair(left, std::string("RLIMIT_AS"));
  }
  return best;
}

std::string human_bytes(double b) {
  const std::array<const char*, 6> units{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t u = 0;
  while (b >= 1024.0 && u + 1 < units.size()) {
    b /= 1024.0;
    ++u;
  }
  return fmt::format("{:.1f} {}", b, units[u]);
}

}  // namespace brocken::tools
