#pragma once
/// @file
/// @brief Advisory locks that make a run the owner of its output and checkpoint paths while it
/// runs: a second run on the same paths is refused and told who holds them.
///
/// The lock of `path` is an flock() on the file `<path>.lock` in the same directory, which holds
/// a line describing the holder (pid, host, user, start time, command). The kernel releases an
/// flock when its process ends, however it ends (SIGKILL included), so a lock file left behind by
/// a killed run is stale and is simply taken over; the holder removes its lock file when it
/// finishes. Taking the lock checks that the file locked is still the one under the name (a
/// holder that removed it meanwhile), so two processes can never both believe they hold it.
/// flock() works between processes on one machine and, on Linux, on NFS (emulated with byte-range
/// locks); see docs/reliability.md.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace brocken::io {

/// @brief The lock is held by another process; the message names the path and the holder.
class LockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief The name of the lock file of `path`: `<path>.lock`.
std::filesystem::path lock_path(const std::filesystem::path& path);

class PathLock {
 public:
  PathLock() = default;
  /// @brief Takes the lock of `path`, writing `holder` (one line) into the lock file. Throws
  /// LockError when another process holds it, OutputError when the lock file cannot be created.
  PathLock(const std::filesystem::path& path, const std::string& holder);
  PathLock(PathLock&& other) noexcept;
  PathLock& operator=(PathLock&& other) noexcept;
  PathLock(const PathLock&) = delete;
  PathLock& operator=(const PathLock&) = delete;
  /// @brief Removes the lock file and releases the lock.
  ~PathLock();
  void release() noexcept;
  [[nodiscard]] bool held() const noexcept { return fd_ >= 0; }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

/// @brief A one-line description of this process for a lock file: "pid 123 on host (user), since
/// 2026-12-01T10:00:00Z: <command>".
std::string describe_this_process(const std::string& command);

}  // namespace brocken::io
