#pragma once
/// @file
/// @brief Loading a scenario file: YAML parse with positions, `extends:` inheritance, `--set`
/// overrides. Everything that can go wrong is collected and thrown as one InputError.
#include <filesystem>
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

/// @brief Parses one YAML document from `text` into a Node tree with positions naming `file`
/// (no `extends:` handling, no overrides, any root kind). Syntax errors, duplicate keys, invalid
/// UTF-8, control characters, nesting deeper than 256 levels and oversized input are added to
/// `diags`; the result is then a null node. Empty text gives a null node and no diagnostic.
Node parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags);

}  // namespace brocken::scenario
