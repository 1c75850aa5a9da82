#include "engine/storage/columns.hpp"

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

}  // namespace brocken::storage
