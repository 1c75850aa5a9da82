#pragma once
/// @file
/// @brief A YAML document tree that remembers, for every node, the file, line and column it was
/// written at. `extends:` merging and `--set` overrides keep those positions, so an error in an
/// inherited value names the file that holds it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/scenario/diagnostics.hpp"

namespace brocken::scenario {

/// @brief Immutable-after-load tree node: null, scalar (kept as its source text and how it was
/// written), sequence or map (keys in document order).
class Node {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };
  /// @brief How a scalar was written. Only a plain scalar can be read as a number or a bool
  /// without a tag: quoting a value (or a block scalar, `|` or `>`) makes it a string, as in
  /// YAML itself.
  enum class Style {
    kPlain,   ///< no quotes, no tag: `12`, `true`, `hello`
    kQuoted,  ///< single or double quotes, a block scalar, or the non-specific tag `!`
    kTagged,  ///< an explicit tag: `!!str 12`, `!custom x` (see tag())
  };

  Node() = default;
  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] bool is_map() const noexcept { return kind_ == Kind::kMap; }
  [[nodiscard]] bool is_scalar() const noexcept { return kind_ == Kind::kScalar; }
  [[nodiscard]] bool is_sequence() const noexcept { return kind_ == Kind::kSequence; }
  [[nodiscard]] bool is_null() const noexcept { return kind_ == Kind::kNull; }
  /// @brief Where this node was written. For a map entry's value this is the position of its
  /// KEY (errors about an entry point at the line and column where the entry starts, and
  /// unknown-key errors point at the key); for sequence items and the root it is the node's own
  /// start. Values from `--set` are at `<command line>:1:N`.
  [[nodiscard]] const SourcePos& pos() const noexcept { return pos_; }
  /// @brief Dotted key path from the document root, e.g. `models.departure.base_hazard`; sequence
  /// items appear as `list[3]`.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// @brief The scalar's text as written (only for kScalar).
  [[nodiscard]] const std::string& scalar() const noexcept { return scalar_; }
  /// @brief How the scalar was written (only for kScalar; kPlain otherwise).
  [[nodiscard]] Style style() const noexcept { return style_; }
  /// @brief The scalar's explicit tag, resolved as yaml-cpp reports it: `!!str` is
  /// `tag:yaml.org,2002:str`, `!custom` is `!custom`. Empty unless style() is kTagged.
  [[nodiscard]] const std::string& tag() const noexcept { return tag_; }
  /// @brief Map entries in document order (only for kMap).
  [[nodiscard]] const std::vector<std::pair<std::string, Node>>& entries() const noexcept {
    return entries_;
  }
  /// @brief Sequence items (only for kSequence).
  [[nodiscard]] const std::vector<Node>& items() const noexcept { return items_; }
  /// @brief Child of a map by key, or nullptr.
  [[nodiscard]] const Node* find(std::string_view key) const noexcept;
  /// @brief Kind as a word for messages: "null", "a scalar", "a list", "a mapping".
  [[nodiscard]] static std::string_view kind_name(Kind kind) noexcept;

  // Construction (used by the loader and by tests).
  static Node make_null(SourcePos pos, std::string path);
  static Node make_scalar(std::string text, SourcePos pos, std::string path,
                          Style style = Style::kPlain);
  /// @brief A scalar with an explicit tag (style kTagged); `tag` is in the form tag() returns.
  static Node make_tagged(std::string text, std::string tag, SourcePos pos, std::string path);
  static Node make_sequence(std::vector<Node> items, SourcePos pos, std::string path);
  static Node make_map(std::vector<std::pair<std::string, Node>> entries, SourcePos pos,
                       std::string path);
  /// @brief Mutable child lookup for merging; nullptr when absent.
  Node* find_mutable(std::string_view key) noexcept;
  /// @brief Adds or replaces a map entry (keeps the position of first insertion in key order).
  void set_entry(const std::string& key, Node value);
  /// @brief Moves the map entries out, leaving this map empty; used to rebuild a map (merging,
  /// dropping `extends`) without copying the subtrees.
  std::vector<std::pair<std::string, Node>> take_entries() noexcept;

 private:
  Kind kind_ = Kind::kNull;
  SourcePos pos_;
  std::string path_;
  std::string scalar_;
  Style style_ = Style::kPlain;
  std::string tag_;
  std::vector<std::pair<std::string, Node>> entries_;
  std::vector<Node> items_;
};

/// @brief Joins a dotted key path: `join_key_path("", "a") == "a"`,
/// `join_key_path("a", "b") == "a.b"`. Use it to build the key path of a child for diagnostics.
std::string join_key_path(std::string_view parent, std::string_view key);

/// @brief The prefix of the YAML core schema's tags: `!!int` is `tag:yaml.org,2002:int`.
inline constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

/// @brief A tag as a user would write it, for messages: `tag:yaml.org,2002:str` is `!!str`,
/// a local tag such as `!custom` stays as it is, any other is shown verbatim (`!<tag:x.org,1:y>`).
std::string tag_name(std::string_view tag);

/// @brief True when to_yaml can write `tag`: it is not empty, not one of the non-specific tags
/// `!` and `?`, and made of URI characters (`%` only as `%XX`). The loader refuses other tags.
bool is_writable_tag(std::string_view tag);

/// @brief Emits a node as YAML text (block style, keys in order). Used to store the resolved
/// scenario as provenance; parsing the emitted text gives an equal tree, with every scalar's
/// style and tag: a quoted string is written quoted, a tagged scalar with its tag, a plain one
/// plain. Exceptions, written quoted: a plain `-`, which only a flow collection can hold
/// (`[a, -]`), and a plain scalar built in code whose text YAML cannot write plain ("", " x").
std::string to_yaml(const Node& node);

}  // namespace brocken::scenario
