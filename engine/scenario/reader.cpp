#include "engine/scenario/reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace brocken::scenario {
namespace {

constexpr std::size_t kMaxQuoted = 60;

/// Quotes a scalar for a message: escapes quotes, backslashes and control characters, and
/// shortens long text (at a UTF-8 character boundary) so one bad value cannot flood the log.
std::string quote_for_message(std::string_view text) {
  std::string out = "\"";
  std::size_t cut = text.size();
  if (cut > kMaxQuoted) {
    cut = kMaxQuoted;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0U) == 0x80U) --cut;
  }
  for (const char ch : text.substr(0, cut)) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  if (cut < text.size()) out += "...";
  out += '"';
  return out;
}

/// A tag for a message (`!!str`, `!custom`), shortened like `quoted`.
std::string shown_tag(const Node& node) {
  const std::string name = tag_name(node.tag());
  if (name.size() <= kMaxQuoted) return name;
  const std::string q = quote_for_message(name);
  return q.substr(1, q.size() - 2);
}

/// "got ..." part of a type error: the quoted scalar (with its tag, if it has one), or the
/// node's kind.
std::string got(const Node& node) {
  if (!node.is_scalar()) return std::string(Node::kind_name(node.kind()));
  if (node.style() == Node::Style::kTagged) {
    return fmt::format("{} tagged {}", quote_for_message(node.scalar()), shown_tag(node));
  }
  return quote_for_message(node.scalar());
}

bool has_core_tag(const Node& node, std::string_view name) {
  return node.style() == Node::Style::kTagged &&
         node.tag().size() == kCoreTagPrefix.size() + name.size() &&
         node.tag().starts_with(kCoreTagPrefix) && node.tag().ends_with(name);
}

/// Checks how a scalar that is to be read as `what` (a number or a bool) was written: plain,
/// or tagged with one of the core `tags` (`int`, `float`, `bool`). A quoted scalar is a string
/// in YAML, and so is one tagged `!!str`; both are refused, as is any other tag. `text_ok` (the
/// text itself would be accepted) adds the hint to remove the quotes or the tag.
bool written_as_value(const Node& node, std::string_view what,
                      std::initializer_list<std::string_view> tags, bool text_ok,
                      Diagnostics& diags) {
  switch (node.style()) {
    case Node::Style::kPlain:
      return true;
    case Node::Style::kQuoted:
      diags.add(
          node.pos(), node.path(),
          fmt::format("expected {}, got the quoted string {}{}", what,
                      quote_for_message(node.scalar()), text_ok ? " (remove the quotes)" : ""));
      return false;
    case Node::Style::kTagged:
      for (const std::string_view tag : tags) {
        if (has_core_tag(node, tag)) return true;
      }
      diags.add(node.pos(), node.path(),
                fmt::format("expected {}, got {}{}", what, got(node),
                            text_ok ? " (remove the tag)" : ""));
      return false;
  }
  return false;
}

/// Checks how a scalar that is to be read as text was written: plain, quoted or `!!str`. Any
/// other tag (`!!int`, `!custom`) is refused with "expected `what`".
bool written_as_string(const Node& node, std::string_view what, Diagnostics& diags) {
  if (node.style() != Node::Style::kTagged || has_core_tag(node, "str")) return true;
  diags.add(node.pos(), node.path(), fmt::format("expected {}, got {}", what, got(node)));
  return false;
}

/// A scalar's text inside a message: as written, shortened like `quoted` when long (a 10 MiB
/// number must not become a 10 MiB line).
std::string shown(const Node& node) {
  const std::string& text = node.scalar();
  if (text.size() <= kMaxQuoted) return text;
  const std::string q = quote_for_message(text);
  return q.substr(1, q.size() - 2);
}

std::string bounds_text(const Bounds& b) {
  return fmt::format("[{:g}, {:g}]", b.min, b.max);
}

enum class Parse { kOk, kNotANumber, kNonFinite, kOverflow };

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Decimal number as YAML writes it ("0.5", "-2", "+1e-3", ".5"); locale-independent.
/// Hexadecimal, octal and digit separators are refused; so are YAML's `.nan`/`.inf` and the
/// C spellings `nan`/`inf`/`infinity`, reported as non-finite.
Parse parse_double(std::string_view text, double& out) {
  std::string_view body = text;
  const bool negative = !body.empty() && body.front() == '-';
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  const std::string word = lower(body);
  if (word == "nan" || word == ".nan" || word == "inf" || word == ".inf" || word == "infinity" ||
      word == ".infinity" || word.starts_with("nan(")) {
    return Parse::kNonFinite;
  }
  if (body.empty() ||
      !(std::isdigit(static_cast<unsigned char>(body.front())) != 0 || body.front() == '.')) {
    return Parse::kNotANumber;
  }
  double value = 0;
  const char* end = body.data() + body.size();
  const auto [ptr, ec] = std::from_chars(body.data(), end, value, std::chars_format::general);
  if (ptr != end) return Parse::kNotANumber;
  if (ec == std::errc::result_out_of_range) return Parse::kOverflow;
  if (ec != std::errc()) return Parse::kNotANumber;
  out = negative ? -value : value;
  return Parse::kOk;
}

/// Integer text: optional sign and decimal digits only.
bool is_integer_text(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t threshold = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = threshold + 1;
  std::vector<std::size_t> prev(word.size() + 1);
  std::vector<std::size_t> cur(word.size() + 1);
  for (const std::string& cand : candidates) {
    // Cheap exit: the length difference alone is a lower bound on the distance.
    const std::size_t len_diff =
        cand.size() > word.size() ? cand.size() - word.size() : word.size() - cand.size();
    if (len_diff >= best_distance) continue;
    for (std::size_t j = 0; j <= word.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= cand.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= word.size(); ++j) {
        const std::size_t subst = prev[j - 1] + (cand[i - 1] == word[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
      }
      std::swap(prev, cur);
    }
    const std::size_t distance = prev[word.size()];
    // A candidate that shares nothing with the word (every character changes) is no hint,
    // however short both are: "did you mean 'a'?" for 'c' would only confuse.
    if (distance >= std::max(word.size(), cand.size())) continue;
    if (distance < best_distance) {  // strict: the earlier candidate wins a tie
      best_distance = distance;
      best = cand;
    }
  }
  return best;
}

Reader::Reader(const Node& map, Diagnostics& diags)
    : pos_(map.pos()), path_(map.path()), diags_(&diags) {
  // An empty section (`housing:` with every line commented out) is null in YAML: read it as an
  // empty mapping, so required keys are reported missing and optional ones keep defaults.
  if (map.is_map() || map.is_null()) {
    node_ = &map;
  } else {
    diags_->add(pos_, path_,
                fmt::format("expected a mapping, got {}", Node::kind_name(map.kind())));
    silent_ = true;
  }
}

Reader::Reader(SourcePos parent_pos, std::string path, Diagnostics& diags)
    : pos_(std::move(parent_pos)), path_(std::move(path)), diags_(&diags) {}

const Node* Reader::lookup(std::string_view key, bool required) {
  if (known_.find(key) == known_.end()) {
    known_.emplace(key);
    asked_.emplace_back(key);
  }
  if (silent_) return nullptr;
  const Node* child = node_ != nullptr ? node_->find(key) : nullptr;
  if (child == nullptr && required) {
    diags_->add(pos_, join_key_path(path_, key), "missing required key");
  }
  return child;
}

namespace {

/// Shared checks for a double-valued scalar; adds a diagnostic and returns false on failure.
bool to_double(const Node& node, Bounds bounds, Diagnostics& diags, double& out) {
  if (!node.is_scalar()) {
    diags.add(node.pos(), node.path(), fmt::format("expected a number, got {}", got(node)));
    return false;
  }
  double value = 0;
  const Parse parsed = parse_double(node.scalar(), value);
  if (!written_as_value(node, "a number", {"int", "float"}, parsed == Parse::kOk, diags)) {
    return false;
  }
  if (has_core_tag(node, "int") && !is_integer_text(node.scalar())) {
    diags.add(node.pos(), node.path(), fmt::format("expected an integer, got {}", got(node)));
    return false;
  }
  switch (parsed) {
    case Parse::kOk:
      break;
    case Parse::kNotANumber:
      diags.add(node.pos(), node.path(), fmt::format("expected a number, got {}", got(node)));
      return false;
    case Parse::kNonFinite:
      diags.add(node.pos(), node.path(),
                fmt::format("expected a finite number, got {}", got(node)));
      return false;
    case Parse::kOverflow:
      diags.add(node.pos(), node.path(),
                fmt::format("value {} cannot be represented as a double", shown(node)));
      return false;
  }
  if (!(value >= bounds.min && value <= bounds.max)) {
    diags.add(node.pos(), node.path(),
              fmt::format("value {} is out of range {}", shown(node), bounds_text(bounds)));
    return false;
  }
  out = value;
  return true;
}

bool to_int64(const Node& node, Bounds bounds, Diagnostics& diags, std::int64_t& out) {
  if (node.is_scalar() &&
      !written_as_value(node, "an integer", {"int"}, is_integer_text(node.scalar()), diags)) {
    return false;
  }
  if (!node.is_scalar() || !is_integer_text(node.scalar())) {
    diags.add(node.pos(), node.path(), fmt::format("expected an integer, got {}", got(node)));
    return false;
  }
  std::string_view text = node.scalar();
  if (text.front() == '+') text.remove_prefix(1);  // from_chars takes '-' but not '+'
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    diags.add(node.pos(), node.path(),
              fmt::format("value {} is out of range for a 64-bit integer", shown(node)));
    return false;
  }
  // Compared exactly: as a double, 2^53 + 1 would round to 2^53 and pass a bound of 2^53. A long
  // double holds every int64 and every double exactly on x86-64; elsewhere (where long double is
  // double) the comparison is as exact as the bounds, which are doubles.
  const auto as_long = static_cast<long double>(value);
  if (!(as_long >= static_cast<long double>(bounds.min) &&
        as_long <= static_cast<long double>(bounds.max))) {
    diags.add(node.pos(), node.path(),
              fmt::format("value {} is out of range {}", shown(node), bounds_text(bounds)));
    return false;
  }
  out = value;
  return true;
}

bool to_int(const Node& node, Bounds bounds, Diagnostics& diags, int& out) {
  std::int64_t value = 0;
  if (!to_int64(node, bounds, diags, value)) return false;
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    diags.add(node.pos(), node.path(),
              fmt::format("value {} is out of range for a 32-bit integer", shown(node)));
    return false;
  }
  out = static_cast<int>(value);
  return true;
}

bool to_bool(const Node& node, Diagnostics& diags, bool& out) {
  // Only YAML 1.2's true/false: YAML 1.1's yes/no/on/off are a classic source of surprises
  // (the "Norway problem"), so they are refused with a message that says what is accepted.
  if (node.is_scalar() &&
      !written_as_value(node, "true or false", {"bool"},
                        node.scalar() == "true" || node.scalar() == "false", diags)) {
    return false;
  }
  if (node.is_scalar() && node.scalar() == "true") {
    out = true;
    return true;
  }
  if (node.is_scalar() && node.scalar() == "false") {
    out = false;
    return true;
  }
  diags.add(node.pos(), node.path(), fmt::format("expected true or false, got {}", got(node)));
  return false;
}

bool to_string(const Node& node, Diagnostics& diags, std::string& out) {
  if (!node.is_scalar()) {
    diags.add(node.pos(), node.path(), fmt::format("expected a string, got {}", got(node)));
    return false;
  }
  if (!written_as_string(node, "a string", diags)) return false;
  out = node.scalar();
  return true;
}

bool to_year_month(const Node& node, Diagnostics& diags, YearMonth& out) {
  const auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
  };
  if (node.is_scalar() && !written_as_string(node, "a YYYY-MM month", diags)) return false;
  if (node.is_scalar()) {
    const std::string& s = node.scalar();
    if (s.size() == 7 && s[4] == '-' && digits(s.substr(0, 4)) && digits(s.substr(5, 2))) {
      const int year = std::stoi(s.substr(0, 4));
      const int month = std::stoi(s.substr(5, 2));
      if (month >= 1 && month <= 12) {
        out = YearMonth{year, month};
        return true;
      }
    }
  }
  diags.add(node.pos(), node.path(), fmt::format("expected a YYYY-MM month, got {}", got(node)));
  return false;
}

}  // namespace

void Reader::read(std::string_view key, double& out, Bounds bounds) {
  if (const Node* n = lookup(key, true)) to_double(*n, bounds, *diags_, out);
}

void Reader::read(std::string_view key, float& out, Bounds bounds) {
  const Node* n = lookup(key, true);
  if (n == nullptr) return;
  double value = 0;
  if (!to_double(*n, bounds, *diags_, value)) return;
  if (std::abs(value) > static_cast<double>(std::numeric_limits<float>::max())) {
    diags_->add(n->pos(), n->path(),
                fmt::format("value {} is out of range for a float", shown(*n)));
    return;
  }
  out = static_cast<float>(value);
}

void Reader::read(std::string_view key, std::int64_t& out, Bounds bounds) {
  if (const Node* n = lookup(key, true)) to_int64(*n, bounds, *diags_, out);
}

void Reader::read(std::string_view key, int& out, Bounds bounds) {
  if (const Node* n = lookup(key, true)) to_int(*n, bounds, *diags_, out);
}

void Reader::read(std::string_view key, bool& out) {
  if (const Node* n = lookup(key, true)) to_bool(*n, *diags_, out);
}

void Reader::read(std::string_view key, std::string& out) {
  if (const Node* n = lookup(key, true)) to_string(*n, *diags_, out);
}

void Reader::read(std::string_view key, YearMonth& out) {
  if (const Node* n = lookup(key, true)) to_year_month(*n, *diags_, out);
}

void Reader::read(std::string_view key, std::vector<double>& out, Bounds bounds,
                  std::optional<std::size_t> length) {
  const Node* n = lookup(key, true);
  if (n == nullptr) return;
  if (!n->is_sequence()) {
    diags_->add(n->pos(), n->path(), fmt::format("expected a list of numbers, got {}", got(*n)));
    return;
  }
  std::vector<double> values;
  values.reserve(n->items().size());
  bool ok = true;
  for (const Node& item : n->items()) {
    double value = 0;
    ok = to_double(item, bounds, *diags_, value) && ok;
    values.push_back(value);
  }
  if (length && values.size() != *length) {
    diags_->add(n->pos(), n->path(),
                fmt::format("expected a list of {} numbers, got {}", *length, values.size()));
    ok = false;
  }
  if (ok) out = std::move(values);
}

void Reader::read(std::string_view key, std::vector<std::string>& out) {
  const Node* n = lookup(key, true);
  if (n == nullptr) return;
  if (!n->is_sequence()) {
    diags_->add(n->pos(), n->path(), fmt::format("expected a list of strings, got {}", got(*n)));
    return;
  }
  std::vector<std::string> values;
  values.reserve(n->items().size());
  bool ok = true;
  for (const Node& item : n->items()) {
    std::string value;
    ok = to_string(item, *diags_, value) && ok;
    values.push_back(std::move(value));
  }
  if (ok) out = std::move(values);
}

void Reader::read_choice(std::string_view key, std::string& out,
                         const std::vector<std::string>& choices) {
  const Node* n = lookup(key, true);
  if (n == nullptr) return;
  std::string list;
  for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
  const std::string expected = fmt::format("one of {}", list);
  if (n->is_scalar() && !written_as_string(*n, expected, *diags_)) return;
  if (n->is_scalar() && std::find(choices.begin(), choices.end(), n->scalar()) != choices.end()) {
    out = n->scalar();
    return;
  }
  std::string message = fmt::format("expected {}, got {}", expected, got(*n));
  if (n->is_scalar()) {
    if (const std::string hint = did_you_mean(n->scalar(), choices); !hint.empty()) {
      message += fmt::format("; did you mean '{}'?", hint);
    }
  }
  diags_->add(n->pos(), n->path(), std::move(message));
}

bool Reader::has(std::string_view key) {
  return lookup(key, false) != nullptr;
}

void Reader::read_optional(std::string_view key, double& out, Bounds bounds) {
  if (const Node* n = lookup(key, false)) to_double(*n, bounds, *diags_, out);
}

void Reader::read_optional(std::string_view key, std::int64_t& out, Bounds bounds) {
  if (const Node* n = lookup(key, false)) to_int64(*n, bounds, *diags_, out);
}

void Reader::read_optional(std::string_view key, int& out, Bounds bounds) {
  if (const Node* n = lookup(key, false)) to_int(*n, bounds, *diags_, out);
}

void Reader::read_optional(std::string_view key, bool& out) {
  if (const Node* n = lookup(key, false)) to_bool(*n, *diags_, out);
}

void Reader::read_optional(std::string_view key, std::string& out) {
  if (const Node* n = lookup(key, false)) to_string(*n, *diags_, out);
}

Reader Reader::section(std::string_view key) {
  const bool was_silent = silent_;
  const Node* n = lookup(key, true);
  if (n != nullptr) return Reader(*n, *diags_);
  // Missing: the header promises a reader whose reads report "missing" at our position, so the
  // user learns every required key of the section at once. Under a silent reader (the parent
  // was not a mapping, already reported) the child stays silent too.
  Reader empty(pos_, join_key_path(path_, key), *diags_);
  empty.silent_ = was_silent;
  return empty;
}

const Node* Reader::raw(std::string_view key) {
  return lookup(key, false);
}

std::vector<std::string> Reader::keys() const {
  std::vector<std::string> out;
  if (silent_ || node_ == nullptr) return out;
  out.reserve(node_->entries().size());
  for (const auto& entry : node_->entries()) out.push_back(entry.first);
  return out;
}

void Reader::finish() {
  if (finished_ || silent_ || node_ == nullptr) return;
  finished_ = true;
  for (const auto& [key, value] : node_->entries()) {
    if (known_.find(key) != known_.end()) continue;
    const std::string hint = did_you_mean(key, asked_);
    diags_->add(value.pos(), join_key_path(path_, key),
                hint.empty() ? fmt::format("unknown key '{}'", key)
                             : fmt::format("unknown key '{}', did you mean '{}'?", key, hint));
  }
}

}  // namespace brocken::scenario
