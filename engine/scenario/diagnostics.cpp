#include "engine/scenario/diagnostics.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace brocken::scenario {
namespace {

/// Hostile input can produce millions of problems (a 100 MiB CSV file of bad numbers); the
/// first ones tell the user what is wrong, the rest would only flood the terminal and memory.
constexpr std::size_t kMaxDiagnostics = 1000;
/// Key paths and messages can quote user text (a 1 MiB key); a line stays readable.
constexpr std::size_t kMaxKeyPath = 200;
constexpr std::size_t kMaxMessage = 1000;
constexpr std::string_view kMorePrefix = "and ";
constexpr std::string_view kMoreSuffix = " more problems not shown";

/// `text` cut to at most `max` bytes at a UTF-8 character boundary, with "..." when cut.
std::string clip(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0U) == 0x80U) --cut;
  return text.substr(0, cut) + "...";
}

/// The count of a "and N more problems not shown" line (from a nested loader), or 0.
std::size_t more_count(const Diagnostic& d) {
  const std::string_view m = d.message;
  if (!d.pos.file.empty() || !d.key_path.empty() || !m.starts_with(kMorePrefix)) return 0;
  const std::size_t end = m.find(kMoreSuffix);
  if (end == std::string_view::npos) return 0;
  std::size_t n = 0;
  const char* first = m.data() + kMorePrefix.size();
  const char* last = m.data() + end;
  const auto [ptr, ec] = std::from_chars(first, last, n);
  return ec == std::errc() && ptr == last ? n : 0;
}

std::string join_lines(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.str();
  }
  return text;
}

}  // namespace

std::string Diagnostic::str() const {
  // Unknown parts of the position are left out rather than printed as 0, so that editors and
  // `grep` never jump to a line that does not exist.
  std::string out;
  if (!pos.file.empty()) {
    out = pos.file;
    if (pos.line > 0) {
      out += fmt::format(":{}", pos.line);
      if (pos.column > 0) out += fmt::format(":{}", pos.column);
    }
    out += ": ";
  }
  if (!key_path.empty()) {
    out += clip(key_path, kMaxKeyPath);
    out += ": ";
  }
  out += clip(message, kMaxMessage);
  return out;
}

void Diagnostics::add(SourcePos pos, std::string key_path, std::string message) {
  Diagnostic d{std::move(pos), std::move(key_path), std::move(message)};
  if (const std::size_t more = more_count(d); more > 0) {
    dropped_ += more;  // the summary line of a nested loader's InputError
    return;
  }
  if (items_.size() >= kMaxDiagnostics) {
    ++dropped_;
    return;
  }
  items_.push_back(std::move(d));
}

void Diagnostics::throw_if_any() const {
  if (items_.empty() && dropped_ == 0) return;
  std::vector<Diagnostic> sorted = items_;
  // Stable: problems at the same position keep the order in which they were found.
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) <
           std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
  // The same node can be reached twice (YAML aliases, a shared sub-reader); repeating an
  // identical line tells the user nothing.
  std::set<std::string> seen;
  std::vector<Diagnostic> unique;
  unique.reserve(sorted.size());
  for (Diagnostic& d : sorted) {
    if (seen.insert(d.str()).second) unique.push_back(std::move(d));
  }
  if (dropped_ > 0) {
    unique.push_back(Diagnostic{SourcePos{},
                                {},
                                fmt::format("{}{}{} (the first {} are listed)", kMorePrefix,
                                            dropped_, kMoreSuffix, items_.size())});
  }
  throw InputError(std::move(unique));
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_lines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

std::size_t InputError::problem_count() const noexcept {
  std::size_t n = 0;
  for (const Diagnostic& d : diagnostics_) {
    const std::size_t more = more_count(d);
    n += more > 0 ? more : 1;
  }
  return n;
}

}  // namespace brocken::scenario
