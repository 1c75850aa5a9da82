#include "engine/scenario/diagnostics.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace brocken::scenario {
namespace {

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
    out += key_path;
    out += ": ";
  }
  out += message;
  return out;
}

void Diagnostics::add(SourcePos pos, std::string key_path, std::string message) {
  items_.push_back(Diagnostic{std::move(pos), std::move(key_path), std::move(message)});
}

void Diagnostics::throw_if_any() const {
  if (items_.empty()) return;
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
  throw InputError(std::move(unique));
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_lines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace brocken::scenario
