#pragma once
/// @file
/// @brief Typed, validating access to a map node. Every read marks its key as known; `finish()`
/// reports keys that were never read ("unknown key 'x', did you mean 'y'?"). Type and range
/// problems are collected in the shared Diagnostics, never thrown one at a time.
///
/// Typical use, in a model's parameter parser:
/// @code
///   Reader r(node, diags);
///   r.read("base_hazard", p.base_hazard, {.min = 0.0, .max = 1.0});
///   r.read("months", p.months, {.min = 1});
///   Reader sub = r.section("housing");
///   ...
///   r.finish();
/// @endcode
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/node.hpp"

namespace brocken::scenario {

/// @brief Inclusive bounds for a numeric value. Doubles must also be finite (no NaN or inf).
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

/// @brief A calendar month, written `YYYY-MM` in scenarios.
struct YearMonth {
  int year = 0;
  int month = 1;  ///< 1..12
  [[nodiscard]] int index() const noexcept { return year * 12 + (month - 1); }
  friend bool operator==(const YearMonth&, const YearMonth&) = default;
};

class Reader {
 public:
  /// @brief Reads from `map` (a diagnostic is added if it is not a map; reads then report nothing
  /// further). `diags` must outlive the reader.
  /// A null node (an empty section) is read as an empty map.
  Reader(const Node& map, Diagnostics& diags);
  /// @brief A reader over nothing: every required read reports "missing" at `parent_pos`.
  Reader(SourcePos parent_pos, std::string path, Diagnostics& diags);

  /// @brief Required values. A missing key, a wrong type or a value outside `bounds` adds a
  /// diagnostic and leaves `out` unchanged. Integers must be written as integers (no "1.5").
  /// Numbers and bools must be written plain, or with their YAML core tag (`!!int` for
  /// integers, `!!int` or `!!float` for doubles and floats, `!!bool`): a quoted scalar is a
  /// string ("expected an integer, got the quoted string "12" (remove the quotes)"), and so is
  /// any other tag. Strings and months may be plain, quoted or `!!str`, and no other tag.
  void read(std::string_view key, double& out, Bounds bounds = {});
  void read(std::string_view key, float& out, Bounds bounds = {});
  void read(std::string_view key, std::int64_t& out, Bounds bounds = {});
  void read(std::string_view key, int& out, Bounds bounds = {});
  void read(std::string_view key, bool& out);
  void read(std::string_view key, std::string& out);
  void read(std::string_view key, YearMonth& out);
  /// @brief A list of numbers, each within bounds; `length` (if set) is the required length.
  void read(std::string_view key, std::vector<double>& out, Bounds bounds = {},
            std::optional<std::size_t> length = std::nullopt);
  void read(std::string_view key, std::vector<std::string>& out);
  /// @brief One of `choices` (exact match; a near miss gets "did you mean").
  void read_choice(std::string_view key, std::string& out, const std::vector<std::string>& choices);

  /// @brief True when the key is present (marks it known).
  bool has(std::string_view key);
  /// @brief Optional variants: absent keeps `out`; present is validated as above.
  void read_optional(std::string_view key, double& out, Bounds bounds = {});
  void read_optional(std::string_view key, std::int64_t& out, Bounds bounds = {});
  void read_optional(std::string_view key, int& out, Bounds bounds = {});
  void read_optional(std::string_view key, bool& out);
  void read_optional(std::string_view key, std::string& out);

  /// @brief A required sub-map; missing or not-a-map adds a diagnostic and returns an empty
  /// reader (whose reads report "missing" against the parent position).
  /// A value that is present but not a map is reported once and the returned reader stays
  /// silent, like Reader(const Node&); an empty value (`key:` alone, YAML null) reads as an
  /// empty map.
  Reader section(std::string_view key);
  /// @brief The raw child node (marks it known), or nullptr when absent (no diagnostic).
  const Node* raw(std::string_view key);
  /// @brief Keys present in the map, in document order.
  [[nodiscard]] std::vector<std::string> keys() const;

  /// @brief Reports every key that was present but never read or marked, with "did you mean"
  /// against the keys that were read. Call once, after all reads.
  void finish();

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] const SourcePos& pos() const noexcept { return pos_; }
  [[nodiscard]] Diagnostics& diagnostics() noexcept { return *diags_; }

 private:
  /// Marks `key` known and returns its node; a missing key adds "missing required key" when
  /// `required`. Returns nullptr when absent or when this reader is silent.
  const Node* lookup(std::string_view key, bool required);

  const Node* node_ = nullptr;
  SourcePos pos_;
  std::string path_;
  Diagnostics* diags_;
  std::set<std::string, std::less<>> known_;
  /// Keys asked for, in first-asked order: "did you mean" candidates (ties go to the earlier).
  std::vector<std::string> asked_;
  /// Set when the node was not a mapping: that was reported once, reads report nothing more.
  bool silent_ = false;
  bool finished_ = false;
};

/// @brief Levenshtein-nearest candidate within distance max(2, |word|/3), or empty. Ties go to
/// the earlier candidate; a candidate that would need every character changed is never offered.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace brocken::scenario
