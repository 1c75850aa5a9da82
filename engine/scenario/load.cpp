#include "engine/scenario/load.hpp"

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "engine/io/utf8.hpp"

namespace brocken::scenario {
namespace {

namespace fs = std::filesystem;

/// Scenario files are small configuration; anything larger is a mistake or hostile.
constexpr std::size_t kMaxFileBytes = std::size_t{16} << 20;
/// Deepest allowed nesting of sequences and maps. The tree is walked recursively (conversion,
/// merging, destruction), so the bound also keeps the stack small. yaml-cpp's own parser stops
/// at 500 levels (DepthGuard), which is reported with the same message.
constexpr int kMaxDepth = 256;
/// Upper bounds on the converted tree (keys count as nodes). YAML aliases let a few kilobytes
/// expand to billions of nodes ("billion laughs"), and deep, long keys make key paths quadratic
/// in size. Real scenarios have a few thousand nodes; bulk data belongs in CSV files.
constexpr std::size_t kMaxNodes = 500'000;
constexpr std::size_t kMaxTreeBytes = std::size_t{256} << 20;
/// Longest `extends:` chain; real chains are two or three files deep.
constexpr std::size_t kMaxChain = 64;
constexpr const char* kCommandLine = "<command line>";
constexpr std::string_view kDepthMessage = "nesting is deeper than 256 levels";

/// Where the first non-UTF-8 or control byte is, if any (1-based line, byte column).
struct TextProblem {
  int line = 0;
  int column = 0;
  std::string message;
};

/// YAML text must be UTF-8 made of printable characters (YAML 1.2, 5.1), plus tab, LF and CR
/// (only before LF).
/// Checking before yaml-cpp sees the text turns binary junk into one clear message and keeps
/// yaml-cpp's scanner on input it was written for.
std::optional<TextProblem> check_text(std::string_view text) {
  std::size_t i = 0;
  int line = 1;
  std::size_t line_start = 0;
  if (text.size() >= 2 &&
      ((text[0] == '\xff' && text[1] == '\xfe') || (text[0] == '\xfe' && text[1] == '\xff'))) {
    return TextProblem{1, 1, "file is UTF-16 text; save it as UTF-8"};
  }
  if (text.substr(0, 3) == "\xef\xbb\xbf") i = 3;  // a UTF-8 byte order mark is allowed first
  while (i < text.size()) {
    const std::size_t at = i;
    const auto column = [&] { return static_cast<int>(at - line_start) + 1; };
    const std::optional<char32_t> cp = io::decode_utf8(text, i);
    if (!cp) {
      return TextProblem{line, column(),
                         fmt::format("invalid UTF-8 byte 0x{:02x}; YAML text must be UTF-8",
                                     static_cast<unsigned char>(text[at]))};
    }
    const char32_t c = *cp;
    const bool printable = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7e) ||
                           c == 0x85 || (c >= 0xa0 && c <= 0xd7ff) ||
                           (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!printable) {
      return TextProblem{line, column(),
                         fmt::format("control character U+{:04X} is not allowed in YAML text",
                                     static_cast<std::uint32_t>(c))};
    }
    // yaml-cpp reads a carriage return that does not start a CRLF as part of a plain scalar
    // (`a: 1\r` is the text "1\r", not the number 1), which no YAML text can write back plain.
    if (c == '\r' && (i >= text.size() || text[i] != '\n')) {
      return TextProblem{line, column(),
                         "carriage return without a line feed; YAML text must use LF or CRLF line "
                         "endings"};
    }
    if (c == '\n') {
      ++line;
      line_start = i;
    }
  }
  return std::nullopt;
}

SourcePos pos_of(const std::string& file, const YAML::Mark& mark) {
  // yaml-cpp marks are 0-based; a null mark (-1) means "unknown".
  if (mark.line < 0) return SourcePos{file, 0, 0};
  return SourcePos{file, mark.line + 1, mark.column + 1};
}

/// First parsing pass: only records where each document starts. Counting documents through
/// the event interface (rather than YAML::LoadAll) lets the loader stop when yaml-cpp stops
/// making progress.
/// It also counts nodes and stops the parse past kMaxNodes, before yaml-cpp builds its own
/// tree: that costs about 500 bytes a node, so a 16 MiB list of numbers would take gigabytes.
///
/// It also checks that every quoted scalar is closed: yaml-cpp 0.7 silently accepts a quoted
/// scalar that runs to the end of the text (`tfr_reference: "2023` then EOF reads as 2023).
class DocumentCounter final : public YAML::EventHandler {
 public:
  /// Thrown through yaml-cpp's parser to stop it.
  struct TooManyNodes {
    YAML::Mark mark;
  };
  /// Thrown through yaml-cpp's parser: a quoted scalar without its closing quote.
  struct Unterminated {
    YAML::Mark mark;
    char quote = '"';
  };

  explicit DocumentCounter(std::string_view text) : text_(text) {}

  void OnDocumentStart(const YAML::Mark& mark) override { starts_.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    count(mark, 1);
    anchored(anchor, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    // An alias counts as the whole subtree it repeats, as the conversion will expand it: an
    // alias bomb is refused here, in one pass over the events, instead of after building
    // 500,000 nodes (seconds under the sanitizers).
    count(mark,
          anchor < anchor_size_.size() && anchor_size_[anchor] > 0 ? anchor_size_[anchor] : 1);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& /*value*/) override {
    count(mark, 1);
    anchored(anchor, 1);
    check_closed(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

  [[nodiscard]] const std::vector<YAML::Mark>& starts() const noexcept { return starts_; }

 private:
  /// An open sequence or map: its anchor and the node count before it.
  struct Open {
    YAML::anchor_t anchor;
    std::size_t before;
  };

  void count(const YAML::Mark& mark, std::size_t n) {
    nodes_ += n;  // n <= kMaxNodes + 1 and nodes_ <= kMaxNodes here: no overflow
    if (nodes_ > kMaxNodes) throw TooManyNodes{mark};
  }
  /// Records the expanded size of an anchored node (anchors are numbered from 1).
  void anchored(YAML::anchor_t anchor, std::size_t size) {
    if (anchor == YAML::NullAnchor) return;
    if (anchor >= anchor_size_.size()) anchor_size_.resize(anchor + 1, 0);
    anchor_size_[anchor] = size;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    open_.push_back(Open{anchor, nodes_});
    count(mark, 1);
  }
  void close() {
    if (open_.empty()) return;
    const Open o = open_.back();
    open_.pop_back();
    anchored(o.anchor, nodes_ - o.before);
  }

  /// A scalar whose text starts with a quote (after an anchor or tag, if any) is a quoted
  /// scalar, since plain scalars cannot start with one. Each quoted scalar is scanned once, so
  /// the check is linear in the size of the text.
  void check_closed(const YAML::Mark& mark) const {
    if (mark.pos < 0) return;
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    auto i = static_cast<std::size_t>(mark.pos);
    while (i < text_.size() && (text_[i] == '&' || text_[i] == '!')) {
      while (i < text_.size() && !blank(text_[i])) ++i;
      while (i < text_.size() && blank(text_[i])) ++i;
    }
    if (i >= text_.size() || (text_[i] != '"' && text_[i] != '\'')) return;
    const char quote = text_[i];
    for (std::size_t j = i + 1; j < text_.size(); ++j) {
      if (quote == '"' && text_[j] == '\\') {
        ++j;  // an escape: the next character cannot close the scalar
      } else if (text_[j] == quote) {
        if (quote == '\'' && j + 1 < text_.size() && text_[j + 1] == '\'') {
          ++j;  // '' is a quote inside a single-quoted scalar
        } else {
          return;
        }
      }
    }
    throw Unterminated{mark, quote};
  }

  std::string_view text_;
  std::vector<Open> open_;
  std::vector<std::size_t> anchor_size_;
  std::vector<YAML::Mark> starts_;
  std::size_t nodes_ = 0;
};

std::string too_large_message() {
  return fmt::format(
      "document is too large: more than {} YAML nodes or {} MiB (keys count as nodes, and "
      "each use of an alias counts in full)",
      kMaxNodes, kMaxTreeBytes >> 20);
}

bool same_mark(const YAML::Mark& a, const YAML::Mark& b) {
  return a.pos == b.pos && a.line == b.line && a.column == b.column;
}

/// Converts yaml-cpp nodes to Node, checking what yaml-cpp accepts silently: duplicate keys,
/// non-scalar keys, merge keys (`<<`, unsupported by yaml-cpp), depth and size limits.
class Converter {
 public:
  /// `fixed` (if set) is used as the position of every node: values given on the command line.
  Converter(std::string file, Diagnostics& diags, std::optional<SourcePos> fixed)
      : file_(std::move(file)), diags_(diags), fixed_(std::move(fixed)) {}

  /// `pos` is the node's position; map entries get their key's position (see node.hpp users:
  /// an error about an entry points at the line and column where the entry starts).
  Node convert(const YAML::Node& y, const SourcePos& pos, std::string path, int depth) {
    if (aborted_) return Node::make_null(pos, std::move(path));
    // `depth` counts the sequences and maps around this node; a container at depth 256 would
    // be the 257th level.
    if (depth >= kMaxDepth && (y.IsSequence() || y.IsMap())) {
      // The key path of a node 256 levels down is itself unreadable; its start locates it.
      fail(pos, path.size() > 80 ? path.substr(0, 80) + "..." : path, std::string(kDepthMessage));
      return Node::make_null(pos, std::move(path));
    }
    nodes_ += 1;
    bytes_ += sizeof(Node) + path.size() + pos.file.size();
    if (nodes_ > kMaxNodes || bytes_ > kMaxTreeBytes) {
      fail(pos, {}, too_large_message());
      return Node::make_null(pos, std::move(path));
    }
    switch (y.Type()) {
      case YAML::NodeType::Scalar:
        bytes_ += y.Scalar().size() + y.Tag().size();
        return convert_scalar(y, pos, std::move(path));
      case YAML::NodeType::Sequence:
        check_collection_tag(y, "a list", "seq", pos, path);
        return convert_sequence(y, pos, std::move(path), depth);
      case YAML::NodeType::Map:
        check_collection_tag(y, "a mapping", "map", pos, path);
        return convert_map(y, pos, std::move(path), depth);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return Node::make_null(pos, std::move(path));
  }

  [[nodiscard]] SourcePos position(const YAML::Mark& mark) const {
    return fixed_ ? *fixed_ : pos_of(file_, mark);
  }

 private:
  /// Depth and size problems are reported once per document and stop the conversion: after
  /// the first one, the rest would only repeat it (possibly millions of times).
  void fail(const SourcePos& pos, const std::string& path, std::string message) {
    if (!aborted_) diags_.add(pos, path, std::move(message));
    aborted_ = true;
  }

  /// yaml-cpp reports a plain scalar's tag as "?" and a quoted (or block) scalar's as "!";
  /// anything else is an explicit tag. The Reader decides which tags a value may have; only
  /// `!!null` on a null word is resolved here, to null.
  Node convert_scalar(const YAML::Node& y, const SourcePos& pos, std::string path) {
    const std::string& tag = y.Tag();
    const std::string& text = y.Scalar();
    if (tag == "?") return Node::make_scalar(text, pos, std::move(path));
    if (tag == "!") return Node::make_scalar(text, pos, std::move(path), Node::Style::kQuoted);
    if (tag == std::string(kCoreTagPrefix) + "null" &&
        (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")) {
      return Node::make_null(pos, std::move(path));
    }
    if (!is_writable_tag(tag)) {
      // Only a `%TAG` prefix can make one; the resolved scenario could not record it.
      diags_.add(
          pos, path,
          fmt::format("unsupported tag {}: a tag may only hold URI characters", tag_name(tag)));
    }
    return Node::make_tagged(text, tag, pos, std::move(path));
  }

  /// A list or mapping may carry no tag, the non-specific `!`, or its own core tag (`!!seq`,
  /// `!!map`); any other tag is reported once, and its content is still converted.
  void check_collection_tag(const YAML::Node& y, std::string_view what, std::string_view core,
                            const SourcePos& pos, const std::string& path) {
    const std::string& tag = y.Tag();
    if (tag == "?" || tag == "!" || tag == std::string(kCoreTagPrefix) + std::string(core)) {
      return;
    }
    diags_.add(pos, path,
               fmt::format("{} cannot be tagged {} (remove the tag; only !!{} is allowed)", what,
                           tag_name(tag), core));
  }

  Node convert_sequence(const YAML::Node& y, const SourcePos& pos, std::string path, int depth) {
    std::vector<Node> items;
    items.reserve(y.size());
    std::size_t index = 0;
    for (const YAML::Node& item : y) {
      if (aborted_) break;
      items.push_back(
          convert(item, position(item.Mark()), fmt::format("{}[{}]", path, index), depth + 1));
      ++index;
    }
    return Node::make_sequence(std::move(items), pos, std::move(path));
  }

  Node convert_map(const YAML::Node& y, const SourcePos& pos, std::string path, int depth) {
    std::vector<std::pair<std::string, Node>> entries;
    entries.reserve(y.size());
    std::unordered_map<std::string, SourcePos> seen;
    // Iterate by value: yaml-cpp's iterator `operator->` returns a temporary proxy, so a
    // reference to `it->first` would dangle.
    for (const auto& entry : y) {
      if (aborted_) break;
      const YAML::Node& key = entry.first;
      const SourcePos key_pos = position(key.Mark());
      if (!key.IsScalar()) {
        const Node::Kind kind = key.IsSequence() ? Node::Kind::kSequence
                                : key.IsMap()    ? Node::Kind::kMap
                                                 : Node::Kind::kNull;
        diags_.add(key_pos, path,
                   fmt::format("a key must be a scalar, got {}", Node::kind_name(kind)));
        continue;
      }
      const std::string& name = key.Scalar();
      std::string child_path = join_key_path(path, name);
      if (const std::string& tag = key.Tag();
          tag != "?" && tag != "!" && tag != std::string(kCoreTagPrefix) + "str") {
        diags_.add(key_pos, child_path,
                   fmt::format("a key must be a string, got a key tagged {}", tag_name(tag)));
        continue;
      }
      if (name == "<<" && key.Tag() == "?") {
        diags_.add(key_pos, child_path,
                   "YAML merge keys ('<<') are not supported; use 'extends:' or repeat the values");
        continue;
      }
      const auto [where, inserted] = seen.emplace(name, key_pos);
      if (!inserted) {
        const SourcePos& first = where->second;
        diags_.add(key_pos, child_path,
                   !fixed_ && first.line > 0
                       ? fmt::format("duplicate key '{}' (first defined at line {}, column {})",
                                     name, first.line, first.column)
                       : fmt::format("duplicate key '{}'", name));
        continue;
      }
      // Keys count as nodes, as in the first parsing pass (DocumentCounter).
      nodes_ += 1;
      bytes_ += name.size();
      entries.emplace_back(name, convert(entry.second, key_pos, std::move(child_path), depth + 1));
    }
    return Node::make_map(std::move(entries), pos, std::move(path));
  }

  std::string file_;
  Diagnostics& diags_;
  std::optional<SourcePos> fixed_;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
  bool aborted_ = false;
};

/// Result of parsing one text: `empty` when it holds no YAML document at all.
struct Parsed {
  bool ok = false;
  bool empty = false;
  Node root;
};

/// Parses `text`; every node is placed in `file`, or at `fixed` when given (overrides).
/// `path` and `depth` are where the parsed tree will be attached.
Parsed parse_text(std::string_view text, const std::string& file, Diagnostics& diags,
                  const std::optional<SourcePos>& fixed, const std::string& path, int depth) {
  Parsed out;
  const auto at = [&](int line, int column) {
    return fixed ? *fixed : SourcePos{file, line, column};
  };
  if (text.size() > kMaxFileBytes) {
    diags.add(at(0, 0), path,
              fmt::format("text is larger than the {} MiB limit", kMaxFileBytes >> 20));
    return out;
  }
  if (const std::optional<TextProblem> problem = check_text(text)) {
    diags.add(at(problem->line, problem->column), path, problem->message);
    return out;
  }
  const std::string owned(text);
  std::size_t documents = 0;
  YAML::Mark second_start;
  YAML::Node doc;
  try {
    DocumentCounter counter(owned);
    std::istringstream stream(owned);
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(counter)) {
      const std::vector<YAML::Mark>& starts = counter.starts();
      if (starts.size() >= 2 && same_mark(starts[starts.size() - 1], starts[starts.size() - 2])) {
        // yaml-cpp leaves a token it cannot start a node with (a stray ',' at the top level)
        // unconsumed and reports an endless series of empty documents; YAML::LoadAll would
        // collect them until memory runs out.
        const YAML::Mark& m = starts.back();
        const auto at_pos = static_cast<std::size_t>(m.pos);
        diags.add(fixed ? *fixed : pos_of(file, m), path,
                  m.pos >= 0 && at_pos < owned.size()
                      ? fmt::format("invalid YAML: unexpected '{}'", owned[at_pos])
                      : std::string("invalid YAML: unexpected token"));
        return out;
      }
    }
    documents = counter.starts().size();
    if (documents > 1) second_start = counter.starts()[1];
    if (documents == 1) doc = YAML::Load(owned);
  } catch (const DocumentCounter::TooManyNodes& e) {
    diags.add(fixed ? *fixed : pos_of(file, e.mark), path, too_large_message());
    return out;
  } catch (const DocumentCounter::Unterminated& e) {
    diags.add(fixed ? *fixed : pos_of(file, e.mark), path,
              fmt::format("invalid YAML: the quoted scalar starting here has no closing {}",
                          e.quote == '"' ? "'\"'" : "\"'\""));
    return out;
  } catch (const YAML::DeepRecursion& e) {
    diags.add(fixed ? *fixed : pos_of(file, e.mark), path, std::string(kDepthMessage));
    return out;
  } catch (const YAML::Exception& e) {
    // ParserException and everything else yaml-cpp throws carry a mark and a bare message.
    diags.add(fixed ? *fixed : pos_of(file, e.mark), path,
              e.msg.empty() ? std::string("invalid YAML") : "invalid YAML: " + e.msg);
    return out;
  } catch (const std::exception& e) {
    diags.add(at(0, 0), path, fmt::format("cannot parse YAML: {}", e.what()));
    return out;
  }
  if (documents == 0) {
    out.ok = true;
    out.empty = true;
    out.root = Node::make_null(at(1, 1), path);
    return out;
  }
  Converter converter(file, diags, fixed);
  if (documents > 1) {
    diags.add(converter.position(second_start), path,
              fmt::format("expected one YAML document, found {} (remove the '---' separators)",
                          documents));
    return out;
  }
  try {
    out.root = converter.convert(doc, converter.position(doc.Mark()), path, depth);
  } catch (const YAML::Exception& e) {
    diags.add(fixed ? *fixed : pos_of(file, e.mark), path, "invalid YAML: " + e.msg);
    return out;
  }
  // Duplicate or unusable keys were reported and left out; the rest of the tree is sound, so
  // callers go on (following `extends`, applying overrides) to report every other problem too.
  out.ok = true;
  return out;
}

}  // namespace

FileText read_text_file(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return {std::nullopt, "is a directory, not a file", false};
  // O_NONBLOCK only for open(): a FIFO that nobody writes to would otherwise block open()
  // forever. It is cleared again, so that a pipe with a writer (`<(...)`) is read to its end;
  // a FIFO without a writer then reads as empty.
  errno = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno != 0 ? errno : ENOENT;
    return {std::nullopt, std::generic_category().message(err), false};
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
    const int err = errno;
    (void)::close(fd);
    return {std::nullopt, std::generic_category().message(err), false};
  }
  struct Closer {
    // The stream is only read, so there is no buffered output that a failed close could lose.
    void operator()(std::FILE* f) const noexcept { (void)std::fclose(f); }
  };
  const std::unique_ptr<std::FILE, Closer> file(::fdopen(fd, "rb"));
  if (!file) {
    const int err = errno;
    (void)::close(fd);
    return {std::nullopt, std::generic_category().message(err), false};
  }
  // Read at most one byte past the limit instead of trusting the file size: FIFOs and
  // character devices report no size, and a file may grow while it is read.
  std::string text;
  std::array<char, std::size_t{1} << 16U> buffer{};
  while (text.size() <= max_bytes) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
    text.append(buffer.data(), got);
    if (got < buffer.size()) {
      if (std::ferror(file.get()) != 0) return {std::nullopt, "read error", false};
      break;
    }
  }
  if (text.size() > max_bytes) return {std::nullopt, "too large", true};
  return {std::move(text), {}, false};
}

namespace {

FileText read_scenario_file(const fs::path& path) {
  FileText file = read_text_file(path, kMaxFileBytes);
  if (file.too_large) {
    file.error =
        fmt::format("file is larger than the {} MiB limit for scenario files", kMaxFileBytes >> 20);
  }
  return file;
}

/// Identity of a file for cycle detection: symlinks and `..` resolved where possible.
fs::path identity_of(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  if (!ec) return canonical;
  const fs::path absolute = fs::absolute(path, ec);
  return ec ? path.lexically_normal() : absolute.lexically_normal();
}

/// Merges `derived` over `base`: maps key by key (recursively), everything else replaced whole.
/// The merged map takes the derived map's position: that file wrote the winning key.
Node merge(Node base, Node derived) {
  if (!base.is_map() || !derived.is_map()) return derived;
  std::vector<std::pair<std::string, Node>> entries = base.take_entries();
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) index.emplace(entries[i].first, i);
  for (auto& [key, value] : derived.take_entries()) {
    if (const auto it = index.find(key); it != index.end()) {
      Node& slot = entries[it->second].second;
      slot = merge(std::move(slot), std::move(value));
    } else {
      index.emplace(key, entries.size());
      entries.emplace_back(key, std::move(value));
    }
  }
  return Node::make_map(std::move(entries), derived.pos(), derived.path());
}

/// Loads one file of the chain. Problems opening it are reported at `open_pos` (the `extends`
/// key that named it as `named_as`) when given, else at the file itself.
/// `file` holds the text of the layer, or why it could not be read.
std::optional<Node> load_layer(const std::string& display, const FileText& file, Diagnostics& diags,
                               const std::optional<SourcePos>& open_pos,
                               const std::string& named_as) {
  if (!file.text) {
    if (open_pos) {
      diags.add(
          *open_pos, "extends",
          fmt::format("cannot read '{}' (resolved to '{}'): {}", named_as, display, file.error));
    } else {
      diags.add(SourcePos{display, 0, 0}, {}, fmt::format("cannot read file: {}", file.error));
    }
    return std::nullopt;
  }
  Parsed parsed = parse_text(*file.text, display, diags, std::nullopt, {}, 0);
  if (!parsed.ok) return std::nullopt;
  if (parsed.empty) {
    diags.add(SourcePos{display, 1, 1}, {}, "file is empty; a scenario is a YAML mapping");
    return std::nullopt;
  }
  if (!parsed.root.is_map()) {
    diags.add(parsed.root.pos(), {},
              fmt::format("the top level of a scenario file must be a mapping, got {}",
                          Node::kind_name(parsed.root.kind())));
    return std::nullopt;
  }
  return std::move(parsed.root);
}

/// One parsed `--set` override.
struct Override {
  std::vector<std::string> keys;
  std::string key_path;
  SourcePos pos;
  Node value;
};

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::optional<Override> parse_override(const std::string& text, std::size_t index,
                                       Diagnostics& diags) {
  const SourcePos pos{kCommandLine, 1, static_cast<int>(index + 1)};
  if (const std::optional<TextProblem> problem = check_text(text)) {
    diags.add(pos, {}, fmt::format("override is not valid text: {}", problem->message));
    return std::nullopt;
  }
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos) {
    diags.add(pos, {}, fmt::format("override '{}' must have the form key.path=value", text));
    return std::nullopt;
  }
  Override out;
  out.pos = pos;
  out.key_path = trim(std::string_view(text).substr(0, eq));
  if (out.key_path.empty()) {
    diags.add(pos, {}, fmt::format("override '{}' has an empty key", text));
    return std::nullopt;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = out.key_path.find('.', start);
    out.keys.push_back(out.key_path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const std::string& key : out.keys) {
    if (key.empty()) {
      diags.add(pos, out.key_path, "override key path has an empty key (check the dots)");
      return std::nullopt;
    }
  }
  if (out.keys.size() > static_cast<std::size_t>(kMaxDepth)) {
    diags.add(pos, {}, std::string(kDepthMessage));
    return std::nullopt;
  }
  if (out.keys.front() == "extends") {
    diags.add(pos, out.key_path, "'extends' cannot be overridden");
    return std::nullopt;
  }
  Parsed parsed = parse_text(std::string_view(text).substr(eq + 1), kCommandLine, diags, pos,
                             out.key_path, static_cast<int>(out.keys.size()));
  if (!parsed.ok) return std::nullopt;
  out.value = std::move(parsed.root);
  return out;
}

void apply_override(Node& root, Override& o, Diagnostics& diags) {
  Node* cur = &root;
  std::string path;
  for (std::size_t i = 0; i + 1 < o.keys.size(); ++i) {
    path = join_key_path(path, o.keys[i]);
    Node* child = cur->find_mutable(o.keys[i]);
    if (child == nullptr || child->is_null()) {
      // An absent or empty (null) section becomes a map holding the overridden key.
      cur->set_entry(o.keys[i], Node::make_map({}, o.pos, path));
      child = cur->find_mutable(o.keys[i]);
    } else if (!child->is_map()) {
      const SourcePos& where = child->pos();
      diags.add(o.pos, o.key_path,
                fmt::format("cannot set a key inside '{}': it is {}{}", path,
                            Node::kind_name(child->kind()),
                            where.line > 0 ? fmt::format(" (written at {}:{}:{})", where.file,
                                                         where.line, where.column)
                                           : std::string()));
      return;
    }
    cur = child;
  }
  cur->set_entry(o.keys.back(), std::move(o.value));
}

}  // namespace

Node parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags) {
  const std::size_t before = diags.size();
  Parsed parsed = parse_text(text, file, diags, std::nullopt, {}, 0);
  if (!parsed.ok || diags.size() != before) return Node::make_null(SourcePos{file, 0, 0}, {});
  return std::move(parsed.root);
}

namespace {

/// The chain of `extends:`; the first file's text is `first` (already read or given in
/// memory), every other file is read through `read`.
Document load_chain(const fs::path& file, const FileText& first,
                    const std::vector<std::string>& overrides, const FileReader& read) {
  Diagnostics diags;
  Document doc;
  doc.file = file;

  // Read the chain, most-derived first. Each layer loses its `extends` key here.
  std::vector<Node> layers;
  std::vector<fs::path> identities;
  std::string display = file.string();
  std::optional<SourcePos> named_at;  // the `extends` key that named `display`
  std::string named_as;
  bool chain_ok = true;
  while (true) {
    std::optional<Node> root = load_layer(display, layers.empty() ? first : read(fs::path(display)),
                                          diags, named_at, named_as);
    if (!root) {
      chain_ok = false;
      break;
    }
    doc.chain.emplace_back(display);
    identities.push_back(identity_of(display));

    std::optional<Node> extends;
    std::vector<std::pair<std::string, Node>> entries = root->take_entries();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      if (it->first == "extends") {
        extends = std::move(it->second);
        entries.erase(it);
        break;
      }
    }
    layers.push_back(Node::make_map(std::move(entries), root->pos(), root->path()));
    if (!extends) break;

    if (extends->is_scalar() && extends->style() == Node::Style::kTagged &&
        extends->tag() != std::string(kCoreTagPrefix) + "str") {
      diags.add(extends->pos(), "extends",
                fmt::format("expected the path of a scenario file, got a value tagged {}",
                            tag_name(extends->tag())));
      chain_ok = false;
      break;
    }
    if (!extends->is_scalar() || extends->scalar().empty()) {
      diags.add(extends->pos(), "extends",
                fmt::format("expected the path of a scenario file, got {}",
                            extends->is_scalar() ? std::string("an empty string")
                                                 : std::string(Node::kind_name(extends->kind()))));
      chain_ok = false;
      break;
    }
    const fs::path named(extends->scalar());
    const fs::path next =
        (named.is_absolute() ? named : fs::path(display).parent_path() / named).lexically_normal();
    const fs::path next_identity = identity_of(next);
    for (std::size_t i = 0; i < identities.size(); ++i) {
      if (identities[i] != next_identity) continue;
      std::string cycle;
      for (std::size_t k = i; k < doc.chain.size(); ++k) cycle += doc.chain[k].string() + " -> ";
      cycle += next.string();
      diags.add(extends->pos(), "extends", fmt::format("extends cycle: {}", cycle));
      chain_ok = false;
      break;
    }
    if (!chain_ok) break;
    if (layers.size() >= kMaxChain) {
      diags.add(extends->pos(), "extends",
                fmt::format("extends chain is longer than {} files", kMaxChain));
      chain_ok = false;
      break;
    }
    named_at = extends->pos();
    named_as = extends->scalar();
    display = next.string();
  }

  if (chain_ok) {
    doc.root = std::move(layers.back());
    for (std::size_t i = layers.size() - 1; i-- > 0;) {
      doc.root = merge(std::move(doc.root), std::move(layers[i]));
    }
  }

  // Overrides are checked even when the files had errors, so that all problems show at once;
  // they are applied only to a complete tree.
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    std::optional<Override> o = parse_override(overrides[i], i, diags);
    if (o && chain_ok) apply_override(doc.root, *o, diags);
  }

  diags.throw_if_any();
  doc.resolved_yaml = to_yaml(doc.root);
  return doc;
}

}  // namespace

Document load_document(const fs::path& file, const std::vector<std::string>& overrides) {
  return load_chain(file, read_scenario_file(file), overrides, read_scenario_file);
}

Document load_document(std::string_view text, const std::string& display,
                       const std::vector<std::string>& overrides, const FileReader& read) {
  return load_chain(fs::path(display), FileText{std::string(text), {}, false}, overrides,
                    [&read](const fs::path& path) {
                      FileText file = read(path);
                      if (file.too_large) {
                        file.error =
                            fmt::format("file is larger than the {} MiB limit for scenario files",
                                        kMaxFileBytes >> 20);
                      }
                      return file;
                    });
}

}  // namespace brocken::scenario
