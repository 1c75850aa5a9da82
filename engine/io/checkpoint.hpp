#pragma once
/// @file
/// @brief Checkpoint files: a MemoryArchive stored as an HDF5 file, written atomically
/// (engine/io/atomic_file.hpp) and read back with every check a resume needs: that the file is
/// a checkpoint at all, that it was written by this engine version and git commit, that every
/// entry is intact (a content hash over all entries, besides HDF5's own metadata checksums), and
/// that no entry claims more data than the file holds. The layout is in
/// docs/output-format.md ("Checkpoint files").
///
/// Nothing in a checkpoint is trusted: its trailer (length, hash, owner) is read and checked
/// first, by itself, so that a file of the wrong length is refused before its body is read; the
/// body is then read into memory (HDF5 never writes anything, and never opens another file:
/// only hard links are followed, external links are refused by a traversal callback as well,
/// and datasets must be contiguous or compact without filters or external storage); every
/// floating-point value must be finite. Like the output writer, this uses the serial HDF5
/// library: call it from one thread at a time.
#include <cstdint>
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

/// @brief The owner tag of a run writing `output`: 16 hex digits of a hash of the absolute,
/// normalised output path. A checkpoint carries it in its trailer, so that `--force` can tell a
/// checkpoint of the same output (which it may replace) from any other file (which it never
/// touches).
std::string owner_tag(const std::filesystem::path& output);

/// @brief What the trailer of a checkpoint says, read without reading the body.
struct CheckpointInfo {
  std::uint64_t file_bytes = 0;  ///< size of the file
  std::uint64_t body_bytes = 0;  ///< the HDF5 part
  std::string owner;             ///< owner_tag() of the output of the run that wrote it
};

/// @brief Reads and checks only the trailer of `path` (a few hundred bytes, whatever the size of
/// the file; a FIFO or device is refused without waiting). Throws CheckpointError when the file
/// is missing, not a regular file, or has no valid trailer for its length.
CheckpointInfo peek_checkpoint(const std::filesystem::path& path);

/// @brief Writes `archive` to `path` atomically, replacing an existing checkpoint only when the
/// new one is complete. `owner` is the owner_tag() of the run's output. Throws OutputError (disk
/// full, permissions, ...), which leaves the old file untouched and no temporary file behind.
/// The default owner (all zeros) belongs to no output.
void write_checkpoint(const MemoryArchive& archive, const std::filesystem::path& path,
                      const CheckpointStamp& stamp = this_build(),
                      const std::string& owner = std::string(16, '0'));

/// @brief Reads the checkpoint at `path`. Throws CheckpointError when it is missing, unreadable,
/// not a checkpoint, damaged or truncated, or when its stamp differs from `expected`.
MemoryArchive read_checkpoint(const std::filesystem::path& path,
                              const CheckpointStamp& expected = this_build());

/// @brief The content hash the file stores (FNV-1a 64 over every entry's name, type, count and
/// bytes, in name order), as 16 hex digits.
std::string archive_hash(const MemoryArchive& archive);

}  // namespace brocken::io
