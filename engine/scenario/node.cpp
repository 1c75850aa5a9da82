#include "engine/scenario/node.hpp"

#include <cctype>
#include <cstddef>
#include <optional>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/io/utf8.hpp"

namespace brocken::scenario {
namespace {

/// True when a yaml-cpp-chosen (usually plain) emission of `text` might not read back as the
/// same scalar. yaml-cpp's emitter already quotes YAML indicators, null words and
/// leading/trailing spaces, but it writes carriage returns, DEL and the Unicode line/format
/// characters raw, and a raw CR is read back as a line break. Double quotes with escapes always
/// read back exactly. `key_or_root`: the text starts a line (a key, or the root scalar).
bool needs_double_quotes(const std::string& text, bool key_or_root) {
  // A plain `<<` key is YAML 1.1's merge key, which the loader refuses.
  if (key_or_root && text == "<<") return true;
  // yaml-cpp writes these plain; at the start of a line they are document markers.
  if (key_or_root && (text.starts_with("---") || text.starts_with("..."))) return true;
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

/// True for a plain scalar that yaml-cpp's emitter would quote although YAML can write it
/// plain, as the file it came from did: text with a tab, a line break (a plain scalar folds a
/// blank line into one) or U+0085, U+2028, U+2029, U+FEFF, and otherwise only characters a
/// scenario file may hold. Such text is written raw (see to_yaml).
bool wants_raw_plain(std::string_view text) {
  if (text.empty()) return false;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  if (blank(text.front()) || blank(text.back())) return false;
  bool special = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::optional<char32_t> cp = io::decode_utf8(text, i);
    if (!cp) return false;
    const char32_t c = *cp;
    if (c == '\t' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
      special = true;
      continue;
    }
    const bool printable = (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) ||
                           (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!printable) return false;
  }
  return special;
}

/// Characters yaml-cpp's emitter accepts in a tag: URI characters (verbatim tags `!<...>`) or
/// the narrower set of a shorthand tag (`!x`, `!!x`); `%` must start a `%XX` escape.
bool tag_chars_ok(std::string_view s, bool verbatim) {
  const std::string_view extra = verbatim ? "#;/?:@&=+$,_.!~*'()[]" : "#;/?:@&=+$_.~*'()";
  const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' ||
        extra.find(c) != std::string_view::npos) {
      continue;
    }
    if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

/// How to_yaml writes plain scalars that yaml-cpp would quote (see wants_raw_plain): as a
/// placeholder word, replaced by the raw text once yaml-cpp has laid out the document.
struct RawPlain {
  bool enabled = false;
  std::string marker;                     ///< prefix of every placeholder
  std::vector<const std::string*> texts;  ///< the text of placeholder i
};

void emit_tag(YAML::Emitter& out, const std::string& tag) {
  if (tag.starts_with(kCoreTagPrefix) && tag.size() > kCoreTagPrefix.size() &&
      tag_chars_ok(std::string_view(tag).substr(kCoreTagPrefix.size()), false)) {
    out << YAML::SecondaryTag(tag.substr(kCoreTagPrefix.size()));
  } else if (tag.size() > 1 && tag.front() == '!' &&
             tag_chars_ok(std::string_view(tag).substr(1), false)) {
    out << YAML::LocalTag(tag.substr(1));
  } else {
    out << YAML::VerbatimTag(tag);
  }
}

void emit_key(YAML::Emitter& out, const std::string& key) {
  if (needs_double_quotes(key, true)) out << YAML::DoubleQuoted;
  out << key;
}

void emit_scalar(YAML::Emitter& out, const Node& node, RawPlain& raw, bool root) {
  const std::string& text = node.scalar();
  switch (node.style()) {
    case Node::Style::kQuoted:
      out << YAML::DoubleQuoted << text;
      return;
    case Node::Style::kTagged:
      // A tag the emitter cannot write (only possible in a tree built in code: the loader
      // refuses such tags) is left out rather than breaking the document.
      if (is_writable_tag(node.tag())) emit_tag(out, node.tag());
      if (needs_double_quotes(text, false)) out << YAML::DoubleQuoted;
      out << text;
      return;
    case Node::Style::kPlain:
      if (raw.enabled && wants_raw_plain(text)) {
        out << fmt::format("{}{}q", raw.marker, raw.texts.size());
        raw.texts.push_back(&text);
        return;
      }
      if (needs_double_quotes(text, root)) out << YAML::DoubleQuoted;
      out << text;
      return;
  }
}

void emit(YAML::Emitter& out, const Node& node, RawPlain& raw, bool root) {
  switch (node.kind()) {
    case Node::Kind::kNull:
      out << YAML::Null;
      break;
    case Node::Kind::kScalar:
      emit_scalar(out, node, raw, root);
      break;
    case Node::Kind::kSequence:
      out << YAML::BeginSeq;
      for (const Node& item : node.items()) emit(out, item, raw, false);
      out << YAML::EndSeq;
      break;
    case Node::Kind::kMap:
      out << YAML::BeginMap;
      for (const auto& [key, value] : node.entries()) {
        out << YAML::Key;
        emit_key(out, key);
        out << YAML::Value;
        emit(out, value, raw, false);
      }
      out << YAML::EndMap;
      break;
  }
}

/// yaml-cpp escapes every control character inside double quotes except DEL, which YAML does
/// not allow raw. DEL is a single byte that never occurs inside a multi-byte UTF-8 sequence,
/// and needs_double_quotes() put every scalar holding one in double quotes, so each raw DEL
/// can be replaced by its escape.
std::string escape_del(std::string_view emitted) {
  std::string text;
  text.reserve(emitted.size() + 1);
  for (const char c : emitted) {
    if (c == '\x7f') {
      text += "\\x7f";
    } else {
      text += c;
    }
  }
  return text;
}

/// `text` written as a plain scalar that starts at `column`: a line break in the value is a
/// blank line in YAML (a single break folds into a space), and continuation lines are indented
/// to the column where the scalar starts, deeper than its key or `-`.
void append_raw_plain(std::string& out, const std::string& text, std::size_t column) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    out += '\n';
    while (i < text.size() && text[i] == '\n') {
      out += '\n';
      ++i;
    }
    out.append(column, ' ');
    --i;  // the loop's ++i moves to the first character of the next line
  }
}

/// Replaces every placeholder of `raw` in `text` by its raw plain scalar.
std::string substitute_raw(const std::string& text, const RawPlain& raw) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  while (true) {
    const std::size_t at = text.find(raw.marker, from);
    if (at == std::string::npos) break;
    out.append(text, from, at - from);
    std::size_t end = at + raw.marker.size();
    std::size_t index = 0;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
      index = index * 10 + static_cast<std::size_t>(text[end] - '0');
      ++end;
    }
    const std::size_t line_start = text.rfind('\n', at);
    const std::size_t column = line_start == std::string::npos ? at : at - line_start - 1;
    append_raw_plain(out, *raw.texts.at(index), column);
    from = end + 1;  // past the closing 'q'
  }
  out.append(text, from, std::string::npos);
  return out;
}

/// True when yaml-cpp reads `y` as exactly `node`: kinds, texts, scalar styles and tags, keys
/// in order.
bool reads_back_as(const YAML::Node& y, const Node& node) {
  switch (node.kind()) {
    case Node::Kind::kNull:
      return y.IsNull();
    case Node::Kind::kScalar: {
      if (!y.IsScalar() || y.Scalar() != node.scalar()) return false;
      switch (node.style()) {
        case Node::Style::kPlain:
          // A plain `-` (only possible inside a flow collection) is written quoted (see
          // needs_double_quotes' callers); it reads back as the same text.
          return y.Tag() == "?" || (node.scalar() == "-" && y.Tag() == "!");
        case Node::Style::kQuoted:
          return y.Tag() == "!";
        case Node::Style::kTagged:
          return y.Tag() == node.tag();
      }
      return false;
    }
    case Node::Kind::kSequence: {
      if (!y.IsSequence() || y.size() != node.items().size()) return false;
      std::size_t i = 0;
      for (const YAML::Node& item : y) {
        if (!reads_back_as(item, node.items()[i++])) return false;
      }
      return true;
    }
    case Node::Kind::kMap: {
      if (!y.IsMap() || y.size() != node.entries().size()) return false;
      std::size_t i = 0;
      for (const auto& entry : y) {
        const auto& [key, value] = node.entries()[i++];
        if (!entry.first.IsScalar() || entry.first.Scalar() != key) return false;
        if (!reads_back_as(entry.second, value)) return false;
      }
      return true;
    }
  }
  return false;
}

/// The whole document; see to_yaml.
std::string emit_text(const Node& node, RawPlain& raw) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, node, raw, true);
  std::string text = escape_del(std::string_view(out.c_str(), out.size()));
  text += '\n';
  return text;
}

bool reads_back_as(const std::string& text, const Node& node) {
  try {
    return reads_back_as(YAML::Load(text), node);
  } catch (const YAML::Exception&) {
    return false;
  }
}

std::size_t count_of(const std::string& text, const std::string& word) {
  std::size_t n = 0;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    ++n;
  }
  return n;
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

Node Node::make_scalar(std::string text, SourcePos pos, std::string path, Style style) {
  Node n = make_null(std::move(pos), std::move(path));
  n.kind_ = Kind::kScalar;
  n.scalar_ = std::move(text);
  n.style_ = style;
  return n;
}

Node Node::make_tagged(std::string text, std::string tag, SourcePos pos, std::string path) {
  Node n = make_scalar(std::move(text), std::move(pos), std::move(path), Style::kTagged);
  n.tag_ = std::move(tag);
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

bool is_writable_tag(std::string_view tag) {
  return !tag.empty() && tag != "!" && tag != "?" && tag_chars_ok(tag, true);
}

std::string tag_name(std::string_view tag) {
  if (tag.starts_with(kCoreTagPrefix)) return "!!" + std::string(tag.substr(kCoreTagPrefix.size()));
  if (tag.starts_with('!')) return std::string(tag);
  return fmt::format("!<{}>", tag);
}

std::string to_yaml(const Node& node) {
  // Plain scalars that yaml-cpp would quote are written raw through placeholders. The
  // placeholder prefix must occur nowhere else in the text; when a key or value happens to
  // contain it, another prefix is tried. The result is read back to make sure: if it does not
  // give the same tree (a tree built in code can hold such text), those scalars are quoted.
  for (int attempt = 0; attempt < 8; ++attempt) {
    RawPlain raw;
    raw.enabled = true;
    raw.marker = fmt::format("zzbrockenraw{}n", attempt);
    std::string text = emit_text(node, raw);
    if (raw.texts.empty()) return text;
    if (count_of(text, raw.marker) != raw.texts.size()) continue;
    text = substitute_raw(text, raw);
    if (reads_back_as(text, node)) return text;
    break;
  }
  RawPlain quoted;
  return emit_text(node, quoted);
}

}  // namespace brocken::scenario
