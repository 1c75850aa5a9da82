/// @file
/// @brief Strict CSV reader (see csv.hpp).
///
/// Conventions beyond RFC 4180, chosen so that a mistake in a calibration file is reported rather
/// than silently misread:
/// - Columns in positions are 1-based characters (UTF-8 code points), not bytes, so they match
///   what an editor shows; a record's fields after a quoted line break are positioned on the line
///   where each field starts.
/// - A file must be UTF-8 (a leading byte order mark is skipped); the first ill-formed byte is
///   reported once. The first NUL byte is reported and parsing stops there (binary or UTF-16).
/// - A '"' inside an unquoted field, or text after a closing quote, is an error.
/// - Blank lines (empty or only spaces/tabs) are skipped everywhere; '#' lines are comments only
///   before the header.
/// - After 100 errors parsing stops with a final "too many errors" diagnostic.
/// - number()/integer() accept an optional leading '+'; no surrounding spaces, no hex, no
///   nan/inf. They return 0 without a new diagnostic when `col` is npos, because column() has
///   already reported the missing column; this lets a loader look up every column, read every
///   row, and throw once with all problems.
#include "engine/io/csv.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "engine/io/utf8.hpp"
#include "engine/scenario/load.hpp"

namespace brocken::io {
namespace {

namespace fs = std::filesystem;
using scenario::Diagnostics;
using scenario::SourcePos;

constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{256} << 20U;
constexpr int kMaxErrors = 100;
/// Every field costs about 40 bytes of memory beyond its text, so a 256 MiB file of commas or of
/// one-character lines would take gigabytes. Calibration tables have a few thousand fields.
constexpr std::size_t kMaxFieldsPerRecord = 10'000;
constexpr std::size_t kMaxFields = 4'000'000;
constexpr std::size_t kMaxEcho = 40;  // longest field quoted back in a message

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

/// @brief 1-based line and character column of byte `offset` in `text`.
std::pair<int, int> line_col(std::string_view text, std::size_t offset) {
  int line = 1;
  int col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else if (!is_continuation(text[i])) {
      ++col;
    }
  }
  return {line, col};
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

struct Field {
  std::string text;
  int line = 0;
  int col = 0;
};

/// @brief Single pass over the text keeping the current line and character column.
class Parser {
 public:
  Parser(std::string_view text, const std::string& file, Diagnostics& diags)
      : s_(text), file_(file), diags_(diags) {}

  [[nodiscard]] bool at_end() const noexcept { return i_ >= s_.size(); }
  [[nodiscard]] bool stopped() const noexcept { return stop_; }
  [[nodiscard]] int line() const noexcept { return line_; }

  void skip_bytes(std::size_t n) noexcept { i_ += n; }  // only for the BOM (no visible column)

  /// @brief The rest of the current physical line without its terminator ("\n" or "\r\n").
  [[nodiscard]] std::string_view rest_of_line() const noexcept {
    const auto nl = s_.find('\n', i_);
    std::string_view line =
        s_.substr(i_, nl == std::string_view::npos ? std::string_view::npos : nl - i_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  void skip_line() noexcept {
    const auto nl = s_.find('\n', i_);
    if (nl == std::string_view::npos) {
      i_ = s_.size();
    } else {
      i_ = nl + 1;
      ++line_;
    }
    col_ = 1;
  }

  void error(int line, int col, std::string message, std::string key = {}) {
    if (stop_) return;
    if (errors_ == kMaxErrors) {
      diags_.add(SourcePos{file_, line, col}, "", "too many errors; stopping here");
      stop_ = true;
      return;
    }
    ++errors_;
    diags_.add(SourcePos{file_, line, col}, std::move(key), std::move(message));
  }

  void stop() noexcept { stop_ = true; }

  /// @brief Parses one record (which may span lines inside quotes) into `out`. Returns false when
  /// the file ended inside a quoted field (reported; nothing after it can be parsed).
  bool parse_record(std::vector<Field>& out) {
    out.clear();
    while (true) {
      Field f;
      f.line = line_;
      f.col = col_;
      if (peek() == '"') {
        advance();
        bool closed = false;
        while (!at_end()) {
          if (peek() == '"') {
            advance();
            if (peek() != '"') {
              closed = true;
              break;
            }
          }
          f.text += peek();
          advance();
        }
        if (!closed) {
          error(f.line, f.col, "unterminated quoted field");
          stop_ = true;
          return false;
        }
        if (!at_end() && peek() != ',' && !at_eol()) {
          error(line_, col_,
                "unexpected text after a closing quote (write a quote inside a quoted field as "
                "\"\")");
          while (!at_end() && peek() != ',' && !at_eol()) advance();
        }
      } else {
        bool reported = false;
        while (!at_end() && peek() != ',' && !at_eol()) {
          if (peek() == '"' && !reported) {
            error(line_, col_,
                  "quote inside an unquoted field (quote the whole field and write the quote as "
                  "\"\")");
            reported = true;
          }
          f.text += peek();
          advance();
        }
      }
      out.push_back(std::move(f));
      if (out.size() > kMaxFieldsPerRecord) {
        error(line_, col_,
              "more than " + std::to_string(kMaxFieldsPerRecord) +
                  " fields in one record; stopping here");
        stop_ = true;
        return false;
      }
      if (!at_end() && peek() == ',') {
        advance();
        continue;
      }
      skip_eol();
      return true;
    }
  }

 private:
  [[nodiscard]] char peek(std::size_t k = 0) const noexcept {
    return i_ + k < s_.size() ? s_[i_ + k] : '\0';
  }

  /// @brief "\n", "\r\n", or a '\r' that ends the file; a lone '\r' elsewhere is field content.
  [[nodiscard]] bool at_eol() const noexcept {
    return peek() == '\n' || (peek() == '\r' && (i_ + 1 == s_.size() || s_[i_ + 1] == '\n'));
  }

  void skip_eol() noexcept {
    if (peek() == '\r') advance();
    if (peek() == '\n') advance();
  }

  void advance() noexcept {
    const char c = s_[i_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if (!is_continuation(c)) {
      ++col_;
    }
  }

  std::string_view s_;
  const std::string& file_;
  Diagnostics& diags_;
  std::size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
  int errors_ = 0;
  bool stop_ = false;
};

/// @brief Shortest round-trip text of a bound ("0", "0.5", "1e+06").
std::string format_double(double v) {
  std::array<char, 32> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), res.ptr);
}

/// @brief "expected a number in [0, 1]" / ">= 0" / "<= 1" / plain, depending on which bounds
/// the caller set (the defaults mean "no bound").
std::string expectation(const std::string& kind, const std::string& min, const std::string& max,
                        bool has_min, bool has_max) {
  if (has_min && has_max) return "expected " + kind + " in [" + min + ", " + max + "]";
  if (has_min) return "expected " + kind + " >= " + min;
  if (has_max) return "expected " + kind + " <= " + max;
  return "expected " + kind;
}

/// @brief The field as quoted back in a message, shortened (at a character boundary) if long.
std::string echo(const std::string& field) {
  if (field.size() <= kMaxEcho) return "\"" + field + "\"";
  std::size_t cut = kMaxEcho - 3;
  while (cut > 0 && is_continuation(field[cut])) --cut;
  return "\"" + field.substr(0, cut) + "...\"";
}

/// @brief Drops one leading '+' before a digit or '.', which std::from_chars does not accept.
std::string_view strip_plus(std::string_view s) {
  if (s.size() >= 2 && s.front() == '+' && (s[1] == '.' || (s[1] >= '0' && s[1] <= '9'))) {
    s.remove_prefix(1);
  }
  return s;
}

[[noreturn]] void throw_file_error(const std::string& file, const std::string& message) {
  Diagnostics diags;
  diags.add(SourcePos{file, 0, 0}, "", message);
  diags.throw_if_any();
  throw scenario::InputError(diags.items());  // unreachable: throw_if_any threw
}

}  // namespace

CsvTable CsvTable::read(const fs::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw_file_error(file, "cannot read the file: it does not exist");
  if (fs::is_directory(status)) throw_file_error(file, "cannot read the file: it is a directory");
  constexpr const char* kTooLarge =
      "the file is larger than 256 MiB; split it or aggregate the data";
  if (fs::is_regular_file(status) && fs::file_size(path, ec) > kMaxFileBytes && !ec) {
    throw_file_error(file, kTooLarge);
  }

  // Not fopen(): it would wait forever for a writer on a FIFO (read_text_file does not).
  scenario::FileText text = scenario::read_text_file(path, kMaxFileBytes);
  if (text.too_large) throw_file_error(file, kTooLarge);
  if (!text.text) throw_file_error(file, "cannot read the file: " + text.error);
  return parse(*text.text, file);
}

CsvTable CsvTable::parse(std::string_view text, std::string name) {
  CsvTable table;
  table.file_ = std::move(name);
  Diagnostics diags;

  // A NUL means a binary or UTF-16 file: everything after it would only produce noise.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    const auto [line, col] = line_col(text, nul);
    diags.add(SourcePos{table.file_, line, col}, "",
              "NUL byte in the file (is it binary or UTF-16 encoded?)");
    diags.throw_if_any();
  }
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  const bool has_bom = text.substr(0, kBom.size()) == kBom;
  if (const auto bad = find_invalid_utf8(text); bad != std::string_view::npos) {
    const auto [line, col] = line_col(text, bad);
    diags.add(SourcePos{table.file_, line, has_bom && line == 1 ? col - 1 : col}, "",
              "invalid UTF-8 (the file must be UTF-8 encoded; convert it, e.g. with "
              "iconv -f latin1 -t utf-8)");
  }

  Parser p(text, table.file_, diags);
  if (has_bom) p.skip_bytes(kBom.size());
  bool have_header = false;
  std::vector<Field> fields;
  std::size_t total_fields = 0;
  while (!p.at_end() && !p.stopped()) {
    const std::string_view line = p.rest_of_line();
    if (is_blank(line)) {
      p.skip_line();
      continue;
    }
    if (!have_header && line.front() == '#') {
      std::string_view comment = line.substr(1);
      comment.remove_prefix(std::min(comment.find_first_not_of(" \t"), comment.size()));
      table.comments_.emplace_back(comment);
      p.skip_line();
      continue;
    }
    const int record_line = p.line();
    if (!p.parse_record(fields)) break;

    if (!have_header) {
      have_header = true;
      table.header_line_ = record_line;
      for (std::size_t k = 0; k < fields.size(); ++k) {
        const Field& f = fields[k];
        if (f.text.empty()) {
          p.error(f.line, f.col, "empty column name in the header");
          continue;
        }
        for (std::size_t j = 0; j < k; ++j) {
          if (fields[j].text == f.text) {
            p.error(f.line, f.col,
                    "duplicate column name '" + f.text + "' (also at column " +
                        std::to_string(fields[j].col) + ")");
            break;
          }
        }
      }
      for (auto& f : fields) table.header_.push_back(std::move(f.text));
      continue;
    }

    total_fields += fields.size();
    if (total_fields > kMaxFields) {
      p.error(record_line, 1,
              "more than " + std::to_string(kMaxFields) +
                  " fields in the file (too many rows); stopping here");
      p.stop();
      break;
    }
    if (fields.size() != table.header_.size()) {
      p.error(record_line, 1,
              "expected " + std::to_string(table.header_.size()) + " fields, got " +
                  std::to_string(fields.size()));
      continue;
    }
    std::vector<std::string> cells;
    std::vector<int> cols;
    std::vector<int> lines;
    cells.reserve(fields.size());
    cols.reserve(fields.size());
    const bool one_line = fields.back().line == record_line;
    for (auto& f : fields) {
      cols.push_back(f.col);
      if (!one_line) lines.push_back(f.line);
      cells.push_back(std::move(f.text));
    }
    table.cells_.push_back(std::move(cells));
    table.columns_.push_back(std::move(cols));
    table.lines_.push_back(record_line);
    table.field_lines_.push_back(std::move(lines));
  }
  if (!have_header && !p.stopped()) {
    p.error(p.line(), 1, "no header line (the file is empty or has only comments)");
  }
  diags.throw_if_any();
  return table;
}

std::size_t CsvTable::column(std::string_view name, scenario::Diagnostics& diags) const {
  std::string list;
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
    list += (i == 0 ? "" : ", ") + header_[i];
  }
  diags.add(SourcePos{file_, header_line_, 1}, "",
            "missing column '" + std::string(name) + "' (columns: " + list + ")");
  return std::string::npos;
}

const std::string& CsvTable::cell(std::size_t row, std::size_t col) const {
  return cells_.at(row).at(col);
}

scenario::SourcePos CsvTable::header_pos() const {
  return SourcePos{file_, header_line_, 1};
}

scenario::SourcePos CsvTable::pos(std::size_t row, std::size_t col) const {
  const int column = columns_.at(row).at(col);
  const auto& lines = field_lines_.at(row);
  return SourcePos{file_, lines.empty() ? lines_.at(row) : lines.at(col), column};
}

double CsvTable::number(std::size_t row, std::size_t col, scenario::Diagnostics& diags, double min,
                        double max) const {
  if (col == std::string::npos) return 0.0;
  const std::string& field = cell(row, col);
  const std::string_view s = strip_plus(field);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (!s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(value) &&
      value >= min && value <= max) {
    return value;
  }
  const std::string expected =
      expectation("a number", format_double(min), format_double(max), min != -1e300, max != 1e300);
  diags.add(pos(row, col), header_.at(col), expected + ", got " + echo(field));
  return 0.0;
}

std::int64_t CsvTable::integer(std::size_t row, std::size_t col, scenario::Diagnostics& diags,
                               std::int64_t min, std::int64_t max) const {
  if (col == std::string::npos) return 0;
  const std::string& field = cell(row, col);
  const std::string_view s = strip_plus(field);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 10);
  if (!s.empty() && ec == std::errc() && end == s.data() + s.size() && value >= min &&
      value <= max) {
    return value;
  }
  const std::string expected = expectation("an integer", std::to_string(min), std::to_string(max),
                                           min != std::numeric_limits<std::int64_t>::min(),
                                           max != std::numeric_limits<std::int64_t>::max());
  diags.add(pos(row, col), header_.at(col), expected + ", got " + echo(field));
  return 0;
}

}  // namespace brocken::io
