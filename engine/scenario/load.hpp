#pragma once
/// @file
/// @brief Loading a scenario file: YAML parse with positions, `extends:` inheritance, `--set`
/// overrides. Everything that can go wrong is collected and thrown as one InputError.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/node.hpp"

namespace brocken::scenario {

/// @brief A loaded scenario document.
struct Document {
  Node root;                                 ///< merged tree (a map)
  std::filesystem::path file;                ///< the file named by the user
  std::vector<std::filesystem::path> chain;  ///< files read, most-derived first
  std::string resolved_yaml;                 ///< to_yaml(root): the resolved scenario text
};

/// @brief Loads `file`, following `extends: other.yaml` (relative to the extending file; chains
/// allowed; cycles and missing files are errors), merging maps key by key (the extending file
/// wins; sequences and scalars are replaced whole), then applying each override `a.b.c=value`
/// in order (value parsed as a YAML scalar or flow node; position reported as
/// `<command line>:1:N` where N is the 1-based index of the override). The `extends` key is
/// removed from the result. Syntax errors report the yaml-cpp position. Throws InputError.
Document load_document(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides);

/// @brief The bytes of a file, or why they could not be read.
struct FileText {
  std::optional<std::string> text;  ///< the whole file; nullopt on failure
  std::string error;                ///< why it could not be read (an errno text, ...)
  bool too_large = false;           ///< failure because the file exceeds the limit
};

/// @brief Reads a whole file of at most `max_bytes` bytes. Never waits for a writer: a FIFO
/// that nobody writes to reads as empty (a pipe with a writer is read to its end). Reads at most
/// one byte past the limit, so endless devices (/dev/zero) are refused quickly.
FileText read_text_file(const std::filesystem::path& path, std::size_t max_bytes);

/// @brief Reads the file an `extends:` names.
using FileReader = std::function<FileText(const std::filesystem::path&)>;

/// @brief As above, but the scenario's own text is given in memory (fuzzing, tests): `display`
/// names it in messages and is the base of a relative `extends:`, whose files are read through
/// `read` (e.g. an in-memory set of files, or `read_text_file`). The text is subject to the same
/// limits as a file.
Document load_document(std::string_view text, const std::string& display,
                       const std::vector<std::string>& overrides, const FileReader& read);

/// @brief Parses one YAML document from `text` into a Node tree with positions naming `file`
/// (no `extends:` handling, no overrides, any root kind). Scalars keep their quoting and tag
/// (Node::style); `!!null` on a null word is null. Syntax errors, duplicate keys, invalid UTF-8,
/// control characters (and a CR not followed by LF), nesting deeper than 256 levels, oversized
/// input, tags on lists and mappings other than `!!seq` and `!!map`, tags on keys other than
/// `!!str`, and tags that are not made of URI characters are added to `diags`; the result is then
/// a null node. Empty text gives a null node and no diagnostic.
Node parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags);

}  // namespace brocken::scenario
