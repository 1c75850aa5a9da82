#include "engine/storage/columns.hpp"

#include <limits>

namespace brocken::storage {

std::size_t ColumnStore::bytes_per_row() const noexcept {
  std::size_t bytes = 0;
  for (const auto& c : columns_) bytes += c->element_size();
  return bytes;
}

std::size_t ColumnStore::capacity_bytes() const noexcept {
  std::size_t bytes = 0;
  for (const auto& c : columns_) bytes += c->capacity_bytes();
  return bytes;
}

std::size_t ColumnStore::append_rows(std::size_t count) {
  const std::size_t first = rows_;
  for (auto& c : columns_) c->resize(rows_ + count);
  rows_ += count;
  return first;
}

void ColumnStore::reserve(std::size_t rows) {
  for (auto& c : columns_) c->reserve(rows);
}

void ColumnStore::compact(std::span<const std::uint8_t> keep) {
  if (keep.size() != rows_) throw std::logic_error("ColumnStore::compact: mask size mismatch");
  std::size_t kept = 0;
  for (const auto k : keep) kept += (k != 0) ? 1U : 0U;
  if (kept == rows_) return;
  for (auto& c : columns_) c->compact(keep);
  rows_ = kept;
}

void ColumnStore::erase_sorted(std::span<const std::size_t> rows) {
  for (std::size_t c = 0; c < columns_.size(); ++c) erase_sorted_column(c, rows);
  set_size_after_erase(rows.size());
}

void ColumnStore::erase_sorted_column(std::size_t column, std::span<const std::size_t> rows) {
  columns_[column]->erase_sorted(rows);
}

void ColumnStore::set_size_after_erase(std::size_t removed) {
  if (removed > rows_)
    throw std::logic_error("ColumnStore::erase_sorted: more rows removed than exist");
  rows_ -= removed;
}

void ColumnStore::append_from(const ColumnStore& other) {
  if (other.rows_ == 0) return;
  if (!same_schema(other)) throw std::logic_error("ColumnStore::append_from: schema mismatch");
  for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i]->append_from(*other.columns_[i]);
  rows_ += other.rows_;
}

void ColumnStore::append_rows_of(const ColumnStore& other, std::span<const std::size_t> rows) {
  if (rows.empty()) return;
  if (!same_schema(other)) throw std::logic_error("ColumnStore::append_rows_of: schema mismatch");
  for (const std::size_t r : rows) {
    if (r >= other.rows_) throw std::logic_error("ColumnStore::append_rows_of: row out of range");
  }
  for (std::size_t c = 0; c < columns_.size(); ++c) append_rows_of_column(c, other, rows);
  set_size_after_append(rows.size());
}

void ColumnStore::append_rows_of_column(std::size_t column, const ColumnStore& other,
                                        std::span<const std::size_t> rows) {
  columns_[column]->append_rows_of(*other.columns_[column], rows);
}

void ColumnStore::clear_rows() {
  for (auto& c : columns_) c->resize(0);
  rows_ = 0;
}

ColumnStore ColumnStore::empty_like() const {
  ColumnStore out;
  out.columns_.reserve(columns_.size());
  for (const auto& c : columns_) out.columns_.push_back(c->empty_clone());
  return out;
}

bool ColumnStore::same_schema(const ColumnStore& other) const noexcept {
  if (columns_.size() != other.columns_.size()) return false;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i]->name() != other.columns_[i]->name() ||
        columns_[i]->type() != other.columns_[i]->type()) {
      return false;
    }
  }
  return true;
}

namespace {
std::string column_list(const std::vector<std::unique_ptr<detail::ColumnBase>>& columns) {
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ",") + c->name();
  return names;
}
}  // namespace

void ColumnStore::save(io::ArchiveWriter& ar, const std::string& prefix) const {
  ar.put_scalar<std::uint64_t>(prefix + "/rows", rows_);
  ar.put_text(prefix + "/columns", column_list(columns_));
  for (const auto& c : columns_) c->save(ar, prefix + "/" + c->name());
}

void ColumnStore::restore(const io::ArchiveReader& ar, const std::string& prefix) {
  const std::string names = ar.get_text(prefix + "/columns");
  if (names != column_list(columns_)) {
    throw io::ArchiveError("the agents in the checkpoint have the columns '" + names +
                           "', the model declares '" + column_list(columns_) + "'");
  }
  const auto rows = ar.get_scalar<std::uint64_t>(prefix + "/rows");
  if (rows > std::numeric_limits<std::size_t>::max() / 64) {
    throw io::ArchiveError("entry '" + prefix + "/rows' is implausibly large");
  }
  // Load into fresh columns first, so that a failure leaves this store as it was.
  std::vector<std::unique_ptr<detail::ColumnBase>> loaded;
  loaded.reserve(columns_.size());
  for (const auto& c : columns_) {
    loaded.push_back(c->empty_clone());
    loaded.back()->load(ar, prefix + "/" + c->name(), static_cast<std::size_t>(rows));
  }
  columns_ = std::move(loaded);
  rows_ = static_cast<std::size_t>(rows);
}

}  // namespace brocken::storage
