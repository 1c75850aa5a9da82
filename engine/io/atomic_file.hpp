#pragma once
/// @file
/// @brief Atomic file replacement, shared by the HDF5 output writer and the checkpoint writer:
/// the bytes go to `<path>.tmp-<pid>` in the target directory, are fsync()ed and closed, then the
/// temporary file is renamed to `path` and the directory is fsync()ed. A crash, a full disk or a
/// file-size limit therefore never leaves a partial file under `path`, and an existing `path`
/// stays as it was until the rename. Nothing ever reads a `*.tmp-<pid>` file.
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>

namespace brocken::io {

/// @brief An output file could not be written (disk full, permissions, existing file, HDF5 error).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief The temporary name used for `path` by this process: `<path>.tmp-<pid>`.
std::filesystem::path temporary_path(const std::filesystem::path& path);

/// @brief The directory of `path` ("." when it has none).
std::filesystem::path parent_dir(const std::filesystem::path& path);

/// @brief Checks, before any work is done, that files named `path` (and its temporary name, and
/// the other names brocken derives from it: `<path>.lock`, `<path>.series`) can be created in
/// its directory: each name fits the file system's NAME_MAX, the directory is not on a pseudo
/// file system (proc, sysfs, cgroup, debugfs, ...), and the temporary file can actually be
/// created there (it is created and removed again). Throws OutputError naming the path.
void probe_output_location(const std::filesystem::path& path);

/// @brief Writes `bytes` to `path` atomically (see file comment). With `replace` an existing
/// file is replaced; without it the rename refuses to replace a file (RENAME_NOREPLACE), and
/// OutputError says that the file appeared. Any failure (ENOSPC, EFBIG, EIO, ...) removes the
/// temporary file and throws OutputError naming the path and the system's reason.
void write_file_atomically(const std::filesystem::path& path, std::span<const unsigned char> bytes,
                           bool replace);

}  // namespace brocken::io
