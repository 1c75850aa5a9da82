#pragma once
/// @file
/// @brief Strict CSV reading for calibration data. Lines starting with '#' before the header are
/// comments (sources, notes). Fields may be double-quoted (RFC 4180). Every problem is collected
/// as a Diagnostic naming file, line and column (1-based, column = field start) and the column
/// name, and thrown together as scenario::InputError.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/diagnostics.hpp"

namespace brocken::io {

/// @brief A parsed CSV table: header and rows of text fields with their positions.
class CsvTable {
 public:
  /// @brief Parses `path`. Throws InputError for an unreadable file, no header, ragged rows,
  /// unterminated quotes, embedded NUL bytes, a file over 256 MiB, a record of more than 10,000
  /// fields or a file of more than 4,000,000 fields. A FIFO is never waited on: without a
  /// writer it reads as empty.
  static CsvTable read(const std::filesystem::path& path);
  /// @brief Parses text (for tests); `name` is used as the file name in messages.
  static CsvTable parse(std::string_view text, std::string name);

  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  [[nodiscard]] std::size_t rows() const noexcept { return cells_.size(); }
  /// @brief Comment lines before the header, without the leading '#'.
  [[nodiscard]] const std::vector<std::string>& comments() const noexcept { return comments_; }
  /// @brief Index of a column; adds "missing column" to `diags` and returns npos when absent.
  std::size_t column(std::string_view name, scenario::Diagnostics& diags) const;
  [[nodiscard]] const std::string& cell(std::size_t row, std::size_t col) const;
  [[nodiscard]] scenario::SourcePos pos(std::size_t row, std::size_t col) const;
  /// @brief Where the header line is (column 1); for problems of the whole table.
  [[nodiscard]] scenario::SourcePos header_pos() const;

  /// @brief Typed cell access: on failure (not a number, not finite, outside [min, max], not an
  /// integer) adds a diagnostic `file:line:col: <column>: expected ...` and returns 0. With
  /// `col == npos` (a column() miss, already reported) they return 0 and add nothing.
  double number(std::size_t row, std::size_t col, scenario::Diagnostics& diags, double min = -1e300,
                double max = 1e300) const;
  std::int64_t integer(std::size_t row, std::size_t col, scenario::Diagnostics& diags,
                       std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const;

 private:
  std::string file_;
  std::vector<std::string> comments_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> cells_;
  std::vector<std::vector<int>> columns_;  // 1-based column of each field
  std::vector<int> lines_;                 // 1-based line of each row
  // Line of each field for rows whose quoted fields span lines; empty for one-line rows (the
  // common case) so that the row's line is used.
  std::vector<std::vector<int>> field_lines_;
  int header_line_ = 0;  // 1-based line of the header (for "missing column")
};

}  // namespace brocken::io
