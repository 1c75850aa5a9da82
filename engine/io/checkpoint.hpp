#pragma once
/// @file
/// @brief Checkpoint files: a MemoryArchive stored as an HDF5 file, written atomically
/// (engine/io/atomic_file.hpp) and read back with every check a resume needs: that the file is
/// a checkpoint at all, that it was written by this engine version and git commit, that every
/// entry is intact (a content hash over all entries, besides HDF5's own metadata checksums), and
/// that no entry claims more data than the file holds. The layout is in
/// docs/output-format.md ("Checkpoint files").
///
/// The file is read into memory and opened from there, so a damaged file costs at most one
/// allocation of its own size and HDF5 never writes anything. Like the output writer, this uses
/// the serial HDF5 library: call it from one thread at a time.
#include <filesystem>
#include <stdexcept>
#include <string>

#include "engine/io/archive.hpp"

namespace brocken::io {

/// @brief A checkpoint could not be used: missing, unreadable, not a checkpoint, damaged, or
/// written by another build. The message names the file.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief Who wrote a checkpoint.
struct CheckpointStamp {
  std::string engine_version;
  std::string git_commit;
};

/// @brief The stamp of this binary (engine_version(), git_commit()).
CheckpointStamp this_build();

/// @brief Writes `archive` to `path` atomically, replacing an existing checkpoint only when the
/// new one is complete. Throws OutputError (disk full, permissions, ...), which leaves the old
/// file untouched and no temporary file behind.
void write_checkpoint(const MemoryArchive& archive, const std::filesystem::path& path,
                      const CheckpointStamp& stamp = this_build());

/// @brief Reads the checkpoint at `path`. Throws CheckpointError when it is missing, unreadable,
/// not a checkpoint, damaged or truncated, or when its stamp differs from `expected`.
MemoryArchive read_checkpoint(const std::filesystem::path& path,
                              const CheckpointStamp& expected = this_build());

/// @brief The content hash the file stores (FNV-1a 64 over every entry's name, type, count and
/// bytes, in name order), as 16 hex digits.
std::string archive_hash(const MemoryArchive& archive);

}  // namespace brocken::io
