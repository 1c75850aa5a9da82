#pragma once
/// @file
/// @brief Structure-of-arrays agent storage. Columns are declared once (before the first row is
/// added) and reached through typed handles; a kernel resolves each handle to a std::span once per
/// step and never looks a column up by name per agent.
///
/// Rows are compacted stably (relative order of survivors is kept), so a row's slot changes over
/// time: nothing may key randomness or identity on a slot (see engine/rng/keyed_rng.hpp).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "engine/io/archive.hpp"

namespace brocken::storage {

/// @brief Typed reference to a declared column; cheap to copy, valid for the store that made it
/// and for stores made with `empty_like()` from it.
template <class T>
struct ColumnHandle {
  std::uint32_t index = UINT32_MAX;
  [[nodiscard]] bool valid() const noexcept { return index != UINT32_MAX; }
};

namespace detail {
/// @brief Type-erased column operations used by structural changes.
class ColumnBase {
 public:
  ColumnBase(std::string name, std::type_index type) : name_(std::move(name)), type_(type) {}
  ColumnBase(const ColumnBase&) = delete;
  ColumnBase& operator=(const ColumnBase&) = delete;
  virtual ~ColumnBase() = default;
  virtual void resize(std::size_t rows) = 0;
  virtual void reserve(std::size_t rows) = 0;
  /// Keeps rows whose keep[i] != 0, in order; returns nothing (size becomes count of kept rows).
  virtual void compact(std::span<const std::uint8_t> keep) = 0;
  /// Removes the rows listed (strictly ascending), moving the survivors down in segments.
  virtual void erase_sorted(std::span<const std::size_t> rows) = 0;
  virtual void append_from(const ColumnBase& other) = 0;
  /// Appends the listed rows of `other` (a column of the same type), in the order listed.
  virtual void append_rows_of(const ColumnBase& other, std::span<const std::size_t> rows) = 0;
  virtual void copy_row(std::size_t dst, const ColumnBase& src, std::size_t src_row) = 0;
  [[nodiscard]] virtual std::unique_ptr<ColumnBase> empty_clone() const = 0;
  /// Writes the column's values as archive entry `name`.
  virtual void save(io::ArchiveWriter& ar, const std::string& name) const = 0;
  /// Replaces the values by archive entry `name`, which must hold `rows` values of this type.
  virtual void load(const io::ArchiveReader& ar, const std::string& name, std::size_t rows) = 0;
  [[nodiscard]] virtual std::size_t element_size() const noexcept = 0;
  [[nodiscard]] virtual std::size_t capacity_bytes() const noexcept = 0;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::type_index type() const noexcept { return type_; }

 private:
  std::string name_;
  std::type_index type_;
};

template <class T>
class Column final : public ColumnBase {
 public:
  explicit Column(std::string name) : ColumnBase(std::move(name), typeid(T)) {}
  void resize(std::size_t rows) override { data.resize(rows); }
  void reserve(std::size_t rows) override { data.reserve(rows); }
  void compact(std::span<const std::uint8_t> keep) override {
    std::size_t out = 0;
    for (std::size_t i = 0; i < keep.size(); ++i) {
      if (keep[i] != 0) data[out++] = data[i];
    }
    data.resize(out);
  }
  void erase_sorted(std::span<const std::size_t> rows) override {
    if (rows.empty()) return;
    T* base = data.data();
    std::size_t out = rows[0];
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::size_t from = rows[k] + 1;
      const std::size_t to = k + 1 < rows.size() ? rows[k + 1] : data.size();
      if (to > from) {
        std::memmove(base + out, base + from, (to - from) * sizeof(T));
        out += to - from;
      }
    }
    data.resize(out);
  }
  void append_from(const ColumnBase& other) override {
    const auto& src = static_cast<const Column<T>&>(other).data;
    data.insert(data.end(), src.begin(), src.end());
  }
  void append_rows_of(const ColumnBase& other, std::span<const std::size_t> rows) override {
    const auto& src = static_cast<const Column<T>&>(other).data;
    const std::size_t at = data.size();
    data.resize(at + rows.size());
    T* out = data.data() + at;
    for (const std::size_t r : rows) *out++ = src[r];
  }
  void copy_row(std::size_t dst, const ColumnBase& src, std::size_t src_row) override {
    data[dst] = static_cast<const Column<T>&>(src).data[src_row];
  }
  [[nodiscard]] std::unique_ptr<ColumnBase> empty_clone() const override {
    return std::make_unique<Column<T>>(name());
  }
  void save(io::ArchiveWriter& ar, const std::string& name) const override {
    ar.put<T>(name, data);
  }
  void load(const io::ArchiveReader& ar, const std::string& name, std::size_t rows) override {
    data = ar.get<T>(name, rows);
  }
  [[nodiscard]] std::size_t element_size() const noexcept override { return sizeof(T); }
  [[nodiscard]] std::size_t capacity_bytes() const noexcept override {
    return data.capacity() * sizeof(T);
  }
  std::vector<T> data;
};
}  // namespace detail

/// @brief A table of agents: one std::vector per declared column, all of equal length.
class ColumnStore {
 public:
  ColumnStore() = default;
  ColumnStore(ColumnStore&&) noexcept = default;
  ColumnStore& operator=(ColumnStore&&) noexcept = default;
  ColumnStore(const ColumnStore&) = delete;
  ColumnStore& operator=(const ColumnStore&) = delete;
  ~ColumnStore() = default;

  /// @brief Declares a column of trivially copyable T. Only allowed while the store is empty;
  /// names must be unique.
  template <class T>
  ColumnHandle<T> declare(std::string name) {
    static_assert(std::is_trivially_copyable_v<T>, "columns hold trivially copyable values");
    if (rows_ != 0) throw std::logic_error("ColumnStore: declare '" + name + "' after rows exist");
    for (const auto& c : columns_) {
      if (c->name() == name) throw std::logic_error("ColumnStore: duplicate column '" + name + "'");
    }
    columns_.push_back(std::make_unique<detail::Column<T>>(std::move(name)));
    return ColumnHandle<T>{static_cast<std::uint32_t>(columns_.size() - 1)};
  }

  /// @brief Handle of an existing column by name and type (for tools and tests, not hot loops).
  template <class T>
  [[nodiscard]] ColumnHandle<T> handle(std::string_view name) const {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i]->name() == name) {
        if (columns_[i]->type() != typeid(T)) {
          throw std::logic_error("ColumnStore: column '" + std::string(name) +
                                 "' has another type");
        }
        return ColumnHandle<T>{static_cast<std::uint32_t>(i)};
      }
    }
    throw std::out_of_range("ColumnStore: no column '" + std::string(name) + "'");
  }

  /// @brief Mutable view of a column. @warning The handle must come from this store's schema.
  template <class T>
  [[nodiscard]] std::span<T> span(ColumnHandle<T> h) {
    return std::span<T>(column<T>(h).data);
  }
  template <class T>
  [[nodiscard]] std::span<const T> span(ColumnHandle<T> h) const {
    return std::span<const T>(column<T>(h).data);
  }

  /// @brief Number of rows.
  [[nodiscard]] std::size_t size() const noexcept { return rows_; }
  [[nodiscard]] std::size_t column_count() const noexcept { return columns_.size(); }
  [[nodiscard]] const std::string& column_name(std::size_t i) const {
    return columns_.at(i)->name();
  }
  /// @brief Sum of the element sizes of all columns: bytes per agent in the store.
  [[nodiscard]] std::size_t bytes_per_row() const noexcept;
  /// @brief Bytes currently reserved by all columns.
  [[nodiscard]] std::size_t capacity_bytes() const noexcept;

  /// @brief Appends `count` value-initialised rows; returns the index of the first.
  std::size_t append_rows(std::size_t count);
  void reserve(std::size_t rows);
  /// @brief Stable compaction: keeps rows with keep[i] != 0 in their relative order.
  /// @warning keep.size() must equal size().
  void compact(std::span<const std::uint8_t> keep);
  /// @brief Stable removal of `rows`, which must be strictly ascending and < size(). Survivors
  /// move down in contiguous segments (memmove).
  void erase_sorted(std::span<const std::size_t> rows);
  /// @brief erase_sorted for one column, so that a caller can process columns in parallel (they
  /// are independent); finish with set_size_after_erase(rows.size()).
  void erase_sorted_column(std::size_t column, std::span<const std::size_t> rows);
  /// @brief Sets the row count after every column had erase_sorted_column with the same rows.
  void set_size_after_erase(std::size_t removed);
  /// @brief Appends every row of `other`, which must have been made by empty_like() of this store.
  void append_from(const ColumnStore& other);
  /// @brief Appends the listed rows of `other` (same schema, e.g. made by empty_like()) in the
  /// order listed; every row must be < other.size().
  void append_rows_of(const ColumnStore& other, std::span<const std::size_t> rows);
  /// @brief append_rows_of for one column, so that a caller can process columns in parallel;
  /// finish with set_size_after_append(rows.size()).
  void append_rows_of_column(std::size_t column, const ColumnStore& other,
                             std::span<const std::size_t> rows);
  /// @brief Sets the row count after every column had append_rows_of_column with as many rows.
  void set_size_after_append(std::size_t appended) noexcept { rows_ += appended; }
  /// @brief Removes all rows (keeps the schema and capacity).
  void clear_rows();
  /// @brief An empty store with the same schema (handles stay valid for it).
  [[nodiscard]] ColumnStore empty_like() const;
  /// @brief True when both stores have the same column names and types in the same order.
  [[nodiscard]] bool same_schema(const ColumnStore& other) const noexcept;

  /// @brief Saves every row under `prefix`: `<prefix>/rows` (u64), `<prefix>/columns` (the
  /// column names, comma-separated) and one entry `<prefix>/<column name>` per column. Column
  /// names must be valid archive names.
  void save(io::ArchiveWriter& ar, const std::string& prefix) const;
  /// @brief Replaces all rows by those saved under `prefix` by save() from a store with the same
  /// schema. Throws io::ArchiveError (and leaves the store unchanged) when the saved columns,
  /// their types or their lengths do not match.
  void restore(const io::ArchiveReader& ar, const std::string& prefix);

 private:
  template <class T>
  detail::Column<T>& column(ColumnHandle<T> h) const {
#ifndef NDEBUG
    if (h.index >= columns_.size() || columns_[h.index]->type() != typeid(T)) {
      throw std::logic_error("ColumnStore: handle does not match this store's schema");
    }
#endif
    return static_cast<detail::Column<T>&>(*columns_[h.index]);
  }

  std::vector<std::unique_ptr<detail::ColumnBase>> columns_;
  std::size_t rows_ = 0;
};

}  // namespace brocken::storage
