#pragma once
/// @file
/// @brief An append-only file of checksummed records: where a checkpoint keeps the series of
/// finished replications, so that each is written once instead of at every checkpoint (the cost
/// of a checkpoint no longer grows with the number of finished replications).
///
/// Layout: a 64-byte header line `BROCKEN JOURNAL 1 owner <16 hex>` (padded with newlines), then
/// records, each `REC1`, the payload length (u64 LE), the FNV-1a 64 hash of the payload (u64 LE)
/// and the payload. The checkpoint that refers to the journal stores how many bytes of it are
/// valid and their hash; anything after that (a record appended after the last checkpoint, or a
/// torn one) is ignored by the reader and cut off by the next writer. A record is fsync()ed
/// before the checkpoint that counts it is written, so a checkpoint never refers to bytes that
/// are not on disk.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace brocken::io {

/// @brief Length of the journal header.
inline constexpr std::uint64_t kJournalHeader = 64;

/// @brief FNV-1a 64, continued from `h` (start with kFnvStart).
inline constexpr std::uint64_t kFnvStart = 1469598103934665603ULL;
std::uint64_t fnv1a(std::span<const unsigned char> bytes, std::uint64_t h = kFnvStart) noexcept;

/// @brief The owner tag of a journal's header, or "" when `path` is not a journal (or cannot be
/// read). Used to decide whether an existing file may be replaced.
std::string journal_owner(const std::filesystem::path& path);

/// @brief Appends records to a journal.
class JournalWriter {
 public:
  /// @brief Continues the journal at `path` after its first `valid_bytes` bytes (which must be a
  /// header and whole records, as the checkpoint recorded them), or starts a new one (replacing
  /// any file there) when `valid_bytes` is 0. Throws OutputError.
  JournalWriter(std::filesystem::path path, std::string owner, std::uint64_t valid_bytes,
                std::uint64_t valid_hash);

  /// @brief Appends one record and fsync()s the file (and, for a new file, its directory).
  /// Throws OutputError (disk full, file-size limit, ...); the valid part is unchanged then.
  void append(std::span<const unsigned char> payload);

  /// @brief Bytes and hash of the valid part (header and whole records).
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::uint64_t hash() const noexcept { return hash_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  std::string owner_;
  std::uint64_t bytes_ = 0;
  std::uint64_t hash_ = kFnvStart;
};

/// @brief Reads the records of the first `valid_bytes` bytes of the journal at `path`, checking
/// the header, every record's hash, the hash of the whole valid part (`valid_hash`) and that
/// there are exactly `records` records. Reads record by record, so it never holds more than the
/// records themselves. Throws CheckpointError-style messages as std::runtime_error (the caller
/// names the checkpoint).
std::vector<std::vector<unsigned char>> read_journal(const std::filesystem::path& path,
                                                     std::uint64_t valid_bytes,
                                                     std::uint64_t valid_hash,
                                                     std::uint64_t records);

}  // namespace brocken::io
