#pragma once
/// @file
/// @brief A small archive of named, typed 1-d arrays and texts: what a checkpoint holds. Models
/// save and restore their state through ArchiveWriter / ArchiveReader and never see the file
/// format; engine/io/checkpoint.hpp turns a MemoryArchive into an HDF5 file and back.
///
/// Names are paths of '/'-separated parts ("rep/agents/key"), each part non-empty, made of
/// letters, digits, '_', '-' and '.'. Reading a missing name or a name with another element type
/// throws ArchiveError naming the entry, so that a damaged or foreign checkpoint is reported, not
/// crashed on.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace brocken::io {

/// @brief An archive entry is missing, has another type or size, or holds an impossible value.
class ArchiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief Element type of an archive entry. kBytes holds values of a trivially copyable type
/// without a numeric meaning (stored as raw bytes); kText is one UTF-8 string.
enum class ElemType : std::uint8_t {
  kU8,
  kI8,
  kU16,
  kI16,
  kU32,
  kI32,
  kU64,
  kI64,
  kF32,
  kF64,
  kBytes,
  kText
};

/// @brief Name of an element type ("u8", "f64", ...) for messages and the file layout.
std::string_view elem_type_name(ElemType t) noexcept;
/// @brief Size in bytes of one element (1 for kBytes and kText).
std::size_t elem_size(ElemType t) noexcept;

/// @brief The archive element type of T (kBytes for anything that is not a plain number).
template <class T>
constexpr ElemType elem_type_of() {
  static_assert(std::is_trivially_copyable_v<T>);
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return ElemType::kU8;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return ElemType::kI8;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return ElemType::kU16;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return ElemType::kI16;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return ElemType::kU32;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return ElemType::kI32;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return ElemType::kU64;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return ElemType::kI64;
  else if constexpr (std::is_same_v<T, float>)
    return ElemType::kF32;
  else if constexpr (std::is_same_v<T, double>)
    return ElemType::kF64;
  else
    return ElemType::kBytes;
}

/// @brief Where state is saved to.
class ArchiveWriter {
 public:
  virtual ~ArchiveWriter() = default;

  /// @brief Stores `count` elements of type `type` (`elem_bytes` each) under `name`, replacing
  /// nothing: a name may be written once.
  virtual void put_raw(std::string_view name, ElemType type, std::size_t elem_bytes,
                       std::size_t count, const void* data) = 0;

  template <class T>
  void put(std::string_view name, std::span<const T> values) {
    put_raw(name, elem_type_of<T>(), sizeof(T), values.size(), values.data());
  }
  template <class T>
  void put(std::string_view name, const std::vector<T>& values) {
    put<T>(name, std::span<const T>(values));
  }
  template <class T>
  void put_scalar(std::string_view name, T value) {
    put<T>(name, std::span<const T>(&value, 1));
  }
  void put_text(std::string_view name, std::string_view text) {
    put_raw(name, ElemType::kText, 1, text.size(), text.data());
  }

 protected:
  ArchiveWriter() = default;
  ArchiveWriter(const ArchiveWriter&) = default;
  ArchiveWriter(ArchiveWriter&&) = default;
  ArchiveWriter& operator=(const ArchiveWriter&) = default;
  ArchiveWriter& operator=(ArchiveWriter&&) = default;
};

/// @brief Where state is restored from.
class ArchiveReader {
 public:
  /// @brief A view of one entry.
  struct Raw {
    ElemType type = ElemType::kU8;
    std::size_t elem_bytes = 1;
    std::size_t count = 0;
    const void* data = nullptr;
  };

  virtual ~ArchiveReader() = default;

  /// @brief The entry `name`, or nullptr when there is none.
  [[nodiscard]] virtual const Raw* find(std::string_view name) const = 0;

  [[nodiscard]] bool contains(std::string_view name) const { return find(name) != nullptr; }

  /// @brief The entry `name` as T values; throws ArchiveError when it is missing or has another
  /// type.
  template <class T>
  [[nodiscard]] std::vector<T> get(std::string_view name) const {
    const Raw& r = require(name, elem_type_of<T>(), sizeof(T));
    std::vector<T> out(r.count);
    if (r.count > 0) std::memcpy(out.data(), r.data, r.count * sizeof(T));
    return out;
  }
  /// @brief Like get(), but the entry must hold exactly `count` values.
  template <class T>
  [[nodiscard]] std::vector<T> get(std::string_view name, std::size_t count) const {
    auto v = get<T>(name);
    if (v.size() != count) size_mismatch(name, count, v.size());
    return v;
  }
  /// @brief The single value of entry `name`.
  template <class T>
  [[nodiscard]] T get_scalar(std::string_view name) const {
    return get<T>(name, 1)[0];
  }
  [[nodiscard]] std::string get_text(std::string_view name) const;

 protected:
  ArchiveReader() = default;
  ArchiveReader(const ArchiveReader&) = default;
  ArchiveReader(ArchiveReader&&) = default;
  ArchiveReader& operator=(const ArchiveReader&) = default;
  ArchiveReader& operator=(ArchiveReader&&) = default;
  const Raw& require(std::string_view name, ElemType type, std::size_t elem_bytes) const;
  [[noreturn]] static void size_mismatch(std::string_view name, std::size_t expected,
                                         std::size_t got);
};

/// @brief An archive held in memory; it is both writer and reader.
class MemoryArchive final : public ArchiveWriter, public ArchiveReader {
 public:
  struct Entry {
    std::vector<unsigned char> bytes;
    Raw view;  ///< type, sizes and a pointer into `bytes`
  };

  MemoryArchive() = default;
  /// Move-only: entries' views point into their own byte buffers, which a move keeps.
  MemoryArchive(MemoryArchive&&) = default;
  MemoryArchive& operator=(MemoryArchive&&) = default;
  MemoryArchive(const MemoryArchive&) = delete;
  MemoryArchive& operator=(const MemoryArchive&) = delete;
  ~MemoryArchive() override = default;

  void put_raw(std::string_view name, ElemType type, std::size_t elem_bytes, std::size_t count,
               const void* data) override;
  [[nodiscard]] const Raw* find(std::string_view name) const override;

  /// @brief All entries by name (sorted).
  [[nodiscard]] const std::map<std::string, Entry, std::less<>>& entries() const noexcept {
    return entries_;
  }
  /// @brief Total bytes of all entries.
  [[nodiscard]] std::size_t byte_size() const noexcept;

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

/// @brief Throws std::invalid_argument unless `name` is a valid entry name (see file comment).
void check_archive_name(std::string_view name);

/// @brief The archive as one byte string (a simple length-prefixed layout: entry count, then per
/// entry its name, type, element size, count and bytes; little endian), for the series journal
/// of a checkpoint (engine/io/journal.hpp).
std::vector<unsigned char> serialize_archive(const MemoryArchive& archive);

/// @brief Reads what serialize_archive() wrote. Throws ArchiveError when the bytes are not such
/// an archive: a size that runs past the end, an invalid name or type, a duplicate name, or a
/// floating-point value that is not finite (checkpoints never hold NaN or infinities).
MemoryArchive deserialize_archive(std::span<const unsigned char> bytes);

/// @brief Throws ArchiveError naming the entry when an f32 or f64 entry holds a value that is
/// not finite. Everything a checkpoint restores passes through this check.
void check_finite(std::string_view name, const ArchiveReader::Raw& raw);

}  // namespace brocken::io
