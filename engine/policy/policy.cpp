#include "engine/policy/policy.hpp"

#include <cmath>

#include <fmt/format.h>

#include "engine/policy/registry.hpp"

namespace brocken::policy {

LeverId LeverBoard::declare_lever(std::string name, double neutral, std::string description) {
  if (find_lever(name)) throw std::logic_error("duplicate lever " + name);
  levers_.push_back(Entry{std::move(name), std::move(description), neutral, neutral});
  return LeverId{static_cast<std::uint32_t>(levers_.size() - 1)};
}

IndicatorId LeverBoard::declare_indicator(std::string name, std::string description) {
  if (find_indicator(name)) throw std::logic_error("duplicate indicator " + name);
  indicators_.push_back(Entry{std::move(name), std::move(description), 0.0, 0.0});
  return IndicatorId{static_cast<std::uint32_t>(indicators_.size() - 1)};
}

namespace {
std::optional<std::uint32_t> index_of(const std::vector<LeverBoard::Entry>& entries,
                                      std::string_view name) noexcept {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].name == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

void report_unknown(const char* what, const std::vector<LeverBoard::Entry>& entries,
                    std::string_view name, scenario::Diagnostics& diags,
                    const scenario::SourcePos& where, std::string_view key_path) {
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (const auto& e : entries) names.push_back(e.name);
  std::string msg = fmt::format("the model has no {} '{}'", what, name);
  const std::string hint = scenario::did_you_mean(name, names);
  if (!hint.empty()) msg += fmt::format(", did you mean '{}'?", hint);
  diags.add(where, std::string(key_path), std::move(msg));
}
}  // namespace

std::optional<LeverId> LeverBoard::find_lever(std::string_view name) const noexcept {
  if (auto i = index_of(levers_, name)) return LeverId{*i};
  return std::nullopt;
}
std::optional<IndicatorId> LeverBoard::find_indicator(std::string_view name) const noexcept {
  if (auto i = index_of(indicators_, name)) return IndicatorId{*i};
  return std::nullopt;
}

void LeverBoard::save(io::ArchiveWriter& ar, const std::string& prefix) const {
  std::vector<double> v;
  v.reserve(levers_.size());
  for (const auto& l : levers_) v.push_back(l.value);
  ar.put<double>(prefix + "/levers", v);
  v.clear();
  for (const auto& i : indicators_) v.push_back(i.value);
  ar.put<double>(prefix + "/indicators", v);
}

void LeverBoard::restore(const io::ArchiveReader& ar, const std::string& prefix) {
  const auto levers = ar.get<double>(prefix + "/levers", levers_.size());
  const auto indicators = ar.get<double>(prefix + "/indicators", indicators_.size());
  // Finite is checked by the archive reader; no lever or indicator comes near 1e15.
  for (const auto* v : {&levers, &indicators}) {
    for (const double x : *v) {
      if (!(std::abs(x) <= 1e15)) {
        throw io::ArchiveError(fmt::format("entry '{}/{}' holds {}, which no run can produce",
                                           prefix, v == &levers ? "levers" : "indicators", x));
      }
    }
  }
  for (std::size_t i = 0; i < levers.size(); ++i) levers_[i].value = levers[i];
  for (std::size_t i = 0; i < indicators.size(); ++i) indicators_[i].value = indicators[i];
}

void LeverBoard::reset_levers() noexcept {
  for (auto& l : levers_) l.value = l.neutral;
}

LeverId require_lever(const LeverBoard& board, std::string_view name, scenario::Diagnostics& diags,
                      const scenario::SourcePos& where, std::string_view key_path) {
  if (auto id = board.find_lever(name)) return *id;
  report_unknown("lever", board.levers(), name, diags, where, key_path);
  return LeverId{};
}

IndicatorId require_indicator(const LeverBoard& board, std::string_view name,
                              scenario::Diagnostics& diags, const scenario::SourcePos& where,
                              std::string_view key_path) {
  if (auto id = board.find_indicator(name)) return *id;
  report_unknown("indicator", board.indicators(), name, diags, where, key_path);
  return IndicatorId{};
}

void Registry::add(std::string name, Factory factory) {
  if (!factories_.emplace(name, std::move(factory)).second) {
    throw std::logic_error("policy registered twice: " + name);
  }
}

std::unique_ptr<Policy> Registry::create(const std::string& name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second();
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) out.push_back(name);
  return out;
}

}  // namespace brocken::policy
