#include "engine/scenario/node.hpp"

#include <cstddef>

#include <yaml-cpp/yaml.h>

namespace brocken::scenario {
namespace {

/// True when a plain (unquoted) emission of `text` might not read back as the same scalar.
/// yaml-cpp's emitter already quotes YAML indicators, null words and leading/trailing spaces,
/// but it writes carriage returns, DEL and the Unicode line/format characters raw, and a raw
/// CR is read back as a line break. Double quotes with escapes always read back exactly.
bool needs_double_quotes(const std::string& text) {
  // A plain `<<` key is YAML 1.1's merge key, which the loader refuses.
  if (text == "<<") return true;
  // yaml-cpp writes these plain; as a key at the start of a line they are document markers.
  if (text.starts_with("---") || text.starts_with("...")) return true;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = bytes[i];
    if (c < 0x20 || c == 0x7f) return true;
    // U+0080..U+009F (C1 controls, including NEL U+0085): C2 80..C2 9F.
    if (c == 0xc2 && i + 1 < n && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9f) return true;
    // U+2028 / U+2029 (line and paragraph separators): E2 80 A8 / E2 80 A9.
    if (c == 0xe2 && i + 2 < n && bytes[i + 1] == 0x80 &&
        (bytes[i + 2] == 0xa8 || bytes[i + 2] == 0xa9)) {
      return true;
    }
    // U+FEFF (byte order mark): EF BB BF.
    if (c == 0xef && i + 2 < n && bytes[i + 1] == 0xbb && bytes[i + 2] == 0xbf) return true;
  }
  return false;
}

void emit_scalar(YAML::Emitter& out, const std::string& text) {
  if (needs_double_quotes(text)) out << YAML::DoubleQuoted;
  out << text;
}

void emit(YAML::Emitter& out, const Node& node) {
  switch (node.kind()) {
    case Node::Kind::kNull:
      out << YAML::Null;
      break;
    case Node::Kind::kScalar:
      emit_scalar(out, node.scalar());
      break;
    case Node::Kind::kSequence:
      out << YAML::BeginSeq;
      for (const Node& item : node.items()) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Node::Kind::kMap:
      out << YAML::BeginMap;
      for (const auto& [key, value] : node.entries()) {
        out << YAML::Key;
        emit_scalar(out, key);
        out << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

const Node* Node::find(std::string_view key) const noexcept {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

Node* Node::find_mutable(std::string_view key) noexcept {
  for (auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

std::string_view Node::kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kScalar:
      return "a scalar";
    case Kind::kSequence:
      return "a list";
    case Kind::kMap:
      return "a mapping";
  }
  return "null";
}

Node Node::make_null(SourcePos pos, std::string path) {
  Node n;
  n.kind_ = Kind::kNull;
  n.pos_ = std::move(pos);
  n.path_ = std::move(path);
  return n;
}

Node Node::make_scalar(std::string text, SourcePos pos, std::string path) {
  Node n = make_null(std::move(pos), std::move(path));
  n.kind_ = Kind::kScalar;
  n.scalar_ = std::move(text);
  return n;
}

Node Node::make_sequence(std::vector<Node> items, SourcePos pos, std::string path) {
  Node n = make_null(std::move(pos), std::move(path));
  n.kind_ = Kind::kSequence;
  n.items_ = std::move(items);
  return n;
}

Node Node::make_map(std::vector<std::pair<std::string, Node>> entries, SourcePos pos,
                    std::string path) {
  Node n = make_null(std::move(pos), std::move(path));
  n.kind_ = Kind::kMap;
  n.entries_ = std::move(entries);
  return n;
}

void Node::set_entry(const std::string& key, Node value) {
  if (Node* existing = find_mutable(key)) {
    *existing = std::move(value);
    return;
  }
  entries_.emplace_back(key, std::move(value));
}

std::vector<std::pair<std::string, Node>> Node::take_entries() noexcept {
  std::vector<std::pair<std::string, Node>> out = std::move(entries_);
  entries_.clear();
  return out;
}

std::string join_key_path(std::string_view parent, std::string_view key) {
  std::string out;
  out.reserve(parent.size() + 1 + key.size());
  out += parent;
  if (!parent.empty()) out += '.';
  out += key;
  return out;
}

std::string to_yaml(const Node& node) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, node);
  // yaml-cpp escapes every control character inside double quotes except DEL, which YAML does
  // not allow raw. DEL is a single byte that never occurs inside a multi-byte UTF-8 sequence,
  // and needs_double_quotes() put every scalar holding one in double quotes, so each raw DEL
  // can be replaced by its escape.
  const std::string_view emitted(out.c_str(), out.size());
  std::string text;
  text.reserve(emitted.size() + 1);
  for (const char c : emitted) {
    if (c == '\x7f') {
      text += "\\x7f";
    } else {
      text += c;
    }
  }
  text += '\n';
  return text;
}

}  // namespace brocken::scenario
