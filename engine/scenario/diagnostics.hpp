#pragma once
/// @file
/// @brief Source positions and collected error reports for every loader (scenario YAML, CSV data,
/// command-line overrides). A loader never stops at the first problem: it collects Diagnostics
/// and throws one InputError with all of them.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace brocken::scenario {

/// @brief Where a value came from: file (or "<command line>"), 1-based line and column (0 =
/// unknown).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

/// @brief One problem: position, dotted key path (may be empty) and what was expected.
struct Diagnostic {
  SourcePos pos;
  std::string key_path;
  std::string message;
  /// @brief Formats as `file:line:column: key.path: message` (the user-facing form).
  [[nodiscard]] std::string str() const;
};

/// @brief Collects diagnostics in the order found; `throw_if_any()` throws InputError sorted by
/// file, line, column.
///
/// At most 1000 are kept: further ones are only counted, and the InputError then ends with one
/// line "and N more problems not shown (the first 1000 are listed)" (no file, no key). Adding
/// such a line (from a nested loader's InputError) adds its N to the count. `str()` shortens
/// key paths over 200 and messages over 1000 bytes.
class Diagnostics {
 public:
  void add(SourcePos pos, std::string key_path, std::string message);
  [[nodiscard]] bool empty() const noexcept { return items_.empty() && dropped_ == 0; }
  /// @brief Problems added so far, including those not kept.
  [[nodiscard]] std::size_t size() const noexcept { return items_.size() + dropped_; }
  [[nodiscard]] const std::vector<Diagnostic>& items() const noexcept { return items_; }
  /// @brief Throws InputError with every collected diagnostic, if there is at least one.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t dropped_ = 0;
};

/// @brief Bad user input (scenario, data file, override). The CLI maps it to exit code 2 and
/// prints one line per diagnostic.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }
  /// @brief The number of problems, including those past the listed 1000 (the count of the final
  /// "and N more problems not shown" line).
  [[nodiscard]] std::size_t problem_count() const noexcept;

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace brocken::scenario
