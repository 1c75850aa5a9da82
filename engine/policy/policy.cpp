#include "engine/policy/policy.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/policy/registry.hpp"

namespace brocken::policy {

bool Scope::contains(std::size_t region) const noexcept {
  return std::binary_search(regions.begin(), regions.end(), static_cast<std::uint32_t>(region));
}

namespace {

template <class T>
std::optional<std::uint32_t> index_of(const std::vector<T>& entries,
                                      std::string_view name) noexcept {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].decl.name == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

template <class T>
void report_unknown(const char* what, const std::vector<T>& entries, std::string_view name,
                    scenario::Diagnostics& diags, const scenario::SourcePos& where,
                    std::string_view key_path) {
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (const auto& e : entries) names.push_back(e.name);
  std::string msg = fmt::format("the model has no {} '{}'", what, name);
  const std::string hint = scenario::did_you_mean(name, names);
  if (!hint.empty()) msg += fmt::format(", did you mean '{}'?", hint);
  diags.add(where, std::string(key_path), std::move(msg));
}

template <class T>
std::vector<Declaration> declarations(const std::vector<T>& entries) {
  std::vector<Declaration> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(e.decl);
  return out;
}

[[noreturn]] void implausible(const std::string& entry, const std::string& what) {
  throw io::ArchiveError(fmt::format("entry '{}' {}", entry, what));
}

}  // namespace

void LeverBoard::set_regions(std::vector<RegionName> regions) {
  if (!levers_.empty() || !stocks_.empty() || !programmes_.empty() || !indicators_.empty()) {
    throw std::logic_error("LeverBoard::set_regions after a declaration");
  }
  regions_named_ = !regions.empty();
  if (regions.empty()) regions.push_back(RegionName{"all", ""});
  region_names_ = std::move(regions);
  everywhere_.regions.clear();
  for (std::size_t r = 0; r < region_names_.size(); ++r) {
    everywhere_.regions.push_back(static_cast<std::uint32_t>(r));
  }
  set_instances(instances_);
}

void LeverBoard::check_fresh(std::string_view name) const {
  if (find_lever(name) || find_stock(name) || find_programme(name) || find_indicator(name)) {
    throw std::logic_error("declared twice: " + std::string(name));
  }
}

LeverId LeverBoard::declare_lever(std::string name, std::string unit, double neutral,
                                  std::string description, Extent extent) {
  check_fresh(name);
  if (everywhere_.regions.empty()) set_regions({});
  const std::size_t n = extent == Extent::kState ? 1 : regions();
  levers_.push_back(Lever{
      Declaration{std::move(name), std::move(unit), std::move(description), neutral, extent, 0},
      std::vector<double>(n, neutral)});
  return LeverId{static_cast<std::uint32_t>(levers_.size() - 1)};
}

StockId LeverBoard::declare_stock(std::string name, std::string unit, std::string description) {
  check_fresh(name);
  if (everywhere_.regions.empty()) set_regions({});
  stocks_.push_back(Stock{Declaration{std::move(name), std::move(unit), std::move(description), 0.0,
                                      Extent::kRegional, 0},
                          std::vector<double>(regions(), 0.0),
                          std::vector<double>(regions(), 0.0)});
  return StockId{static_cast<std::uint32_t>(stocks_.size() - 1)};
}

ProgrammeId LeverBoard::declare_programme(std::string name, std::string unit, double months,
                                          std::string description) {
  check_fresh(name);
  if (everywhere_.regions.empty()) set_regions({});
  programmes_.push_back(
      Programme{Declaration{std::move(name), std::move(unit), std::move(description), 0.0,
                            Extent::kRegional, months},
                std::vector<std::vector<Funding>>(regions()), std::vector<double>(regions(), 0.0)});
  return ProgrammeId{static_cast<std::uint32_t>(programmes_.size() - 1)};
}

IndicatorId LeverBoard::declare_indicator(std::string name, std::string unit,
                                          std::string description) {
  check_fresh(name);
  if (everywhere_.regions.empty()) set_regions({});
  indicators_.push_back(Indicator{Declaration{std::move(name), std::move(unit),
                                              std::move(description), 0.0, Extent::kRegional, 0},
                                  std::vector<double>(regions(), 0.0), 0.0});
  return IndicatorId{static_cast<std::uint32_t>(indicators_.size() - 1)};
}

std::optional<LeverId> LeverBoard::find_lever(std::string_view name) const noexcept {
  if (auto i = index_of(levers_, name)) return LeverId{*i};
  return std::nullopt;
}
std::optional<StockId> LeverBoard::find_stock(std::string_view name) const noexcept {
  if (auto i = index_of(stocks_, name)) return StockId{*i};
  return std::nullopt;
}
std::optional<ProgrammeId> LeverBoard::find_programme(std::string_view name) const noexcept {
  if (auto i = index_of(programmes_, name)) return ProgrammeId{*i};
  return std::nullopt;
}
std::optional<IndicatorId> LeverBoard::find_indicator(std::string_view name) const noexcept {
  if (auto i = index_of(indicators_, name)) return IndicatorId{*i};
  return std::nullopt;
}

double LeverBoard::places(ProgrammeId id, std::size_t region) const noexcept {
  double sum = 0;
  for (const Funding& f : programmes_[id.index].funding[region]) sum += f.places;
  return sum;
}

bool LeverBoard::funded(ProgrammeId id) const noexcept {
  const auto& funding = programmes_[id.index].funding;
  return std::any_of(funding.begin(), funding.end(), [](const auto& f) { return !f.empty(); });
}

void LeverBoard::report_participants(ProgrammeId id, std::size_t region, double persons) {
  Programme& p = programmes_[id.index];
  p.participants[region] = persons;
  const double total = places(id, region);
  if (!(total > 0)) return;  // nobody funds the region this month: nothing is charged
  const double charged = std::min(persons, total);
  for (const Funding& f : p.funding[region]) {
    charge(Cost::kPerParticipant, charged * (f.places / total) * f.eur_per_month, region,
           f.instance);
  }
}

void LeverBoard::publish(IndicatorId id, std::span<const double> per_region) {
  Indicator& ind = indicators_[id.index];
  if (per_region.size() != ind.regional.size()) {
    throw std::logic_error("LeverBoard::publish: one value per region expected");
  }
  ind.total = 0;
  for (std::size_t r = 0; r < per_region.size(); ++r) {
    ind.regional[r] = per_region[r];
    ind.total += per_region[r];
  }
}

void LeverBoard::publish_total(IndicatorId id, double total) {
  Indicator& ind = indicators_[id.index];
  std::fill(ind.regional.begin(), ind.regional.end(), 0.0);
  ind.total = total;
}

void LeverBoard::multiply(LeverId id, double factor) noexcept {
  auto& v = levers_[id.index].value;
  if (v.size() == 1) {
    v[0] *= factor;  // state-wide (bind refused a scoped instance)
    return;
  }
  for (const std::uint32_t r : scope().regions) v[r] *= factor;
}
void LeverBoard::add(LeverId id, double delta) noexcept {
  auto& v = levers_[id.index].value;
  if (v.size() == 1) {
    v[0] += delta;
    return;
  }
  for (const std::uint32_t r : scope().regions) v[r] += delta;
}
void LeverBoard::multiply(LeverId id, double factor, std::size_t region) noexcept {
  auto& v = levers_[id.index].value;
  if (in_scope(region)) v[v.size() == 1 ? 0 : region] *= factor;
}
void LeverBoard::add(LeverId id, double delta, std::size_t region) noexcept {
  auto& v = levers_[id.index].value;
  if (in_scope(region)) v[v.size() == 1 ? 0 : region] += delta;
}

void LeverBoard::add_stock(StockId id, double amount, const StockTerms& terms, std::size_t region) {
  if (!in_scope(region) || amount == 0.0) return;
  if (terms.lag_months < 0 || terms.lifetime_months < 0) {
    throw std::logic_error("LeverBoard::add_stock: negative lag or lifetime");
  }
  entries_.push_back(
      StockEntry{id.index, static_cast<std::uint32_t>(region), static_cast<std::uint32_t>(acting_),
                 tick_, terms.lag_months, terms.lifetime_months,
                 static_cast<std::uint8_t>(terms.linear && terms.lag_months > 0), amount});
}

void LeverBoard::fund_places(ProgrammeId id, double places, double eur_per_participant_month,
                             std::size_t region) {
  if (!in_scope(region) || !(places > 0)) return;
  programmes_[id.index].funding[region].push_back(
      Funding{static_cast<std::uint32_t>(acting_), places, eur_per_participant_month});
}

void LeverBoard::spend(Cost category, double eur, std::size_t region) {
  if (in_scope(region)) charge(category, eur, region, acting_);
}

double LeverBoard::indicator_in_scope(IndicatorId id) const noexcept {
  const Indicator& ind = indicators_[id.index];
  if (scope().all_regions) return ind.total;
  double sum = 0;
  for (const std::uint32_t r : scope().regions) sum += ind.regional[r];
  return sum;
}

void LeverBoard::set_instances(std::size_t n) {
  instances_ = n;
  spending_.assign(n * regions() * kCostCategories, 0.0);
}

void LeverBoard::begin_month(std::int32_t tick) {
  tick_ = tick;
  reset_levers();
  for (Programme& p : programmes_) {
    for (auto& f : p.funding) f.clear();
    std::fill(p.participants.begin(), p.participants.end(), 0.0);
  }
  std::fill(spending_.begin(), spending_.end(), 0.0);
}

void LeverBoard::begin_policy(std::size_t instance, const Scope& scope) noexcept {
  acting_ = instance;
  scope_ = &scope;
}
void LeverBoard::end_policy() noexcept {
  scope_ = nullptr;
}

void LeverBoard::settle_stocks(std::int32_t tick) {
  for (Stock& s : stocks_) {
    s.previous = s.effective;
    std::fill(s.effective.begin(), s.effective.end(), 0.0);
  }
  std::erase_if(entries_, [tick](const StockEntry& e) {
    return e.lifetime > 0 && tick - e.added_tick >= e.lag + e.lifetime;
  });
  for (const StockEntry& e : entries_) {
    const std::int32_t age = tick - e.added_tick;
    double share = 0.0;
    if (age >= e.lag) {
      share = 1.0;
    } else if (e.linear != 0) {
      share = static_cast<double>(age) / e.lag;
    }
    stocks_[e.stock].effective[e.region] += share * e.amount;
  }
}

void LeverBoard::reset_levers() noexcept {
  for (auto& l : levers_) std::fill(l.value.begin(), l.value.end(), l.decl.neutral);
}

void LeverBoard::save(io::ArchiveWriter& ar, const std::string& prefix) const {
  std::vector<double> v;
  for (const auto& l : levers_) v.insert(v.end(), l.value.begin(), l.value.end());
  ar.put<double>(prefix + "/levers", v);
  v.clear();
  for (const auto& i : indicators_) v.insert(v.end(), i.regional.begin(), i.regional.end());
  ar.put<double>(prefix + "/indicators", v);
  v.clear();
  for (const auto& i : indicators_) v.push_back(i.total);
  ar.put<double>(prefix + "/indicator_totals", v);
  // Stocks: the entries (what policies added) and last month's effective values.
  v.clear();
  for (const auto& s : stocks_) v.insert(v.end(), s.effective.begin(), s.effective.end());
  ar.put<double>(prefix + "/stock_effective", v);
  std::vector<std::int64_t> ints;
  std::vector<double> amounts;
  for (const StockEntry& e : entries_) {
    ints.insert(ints.end(),
                {e.stock, e.region, e.instance, e.added_tick, e.lag, e.lifetime, e.linear});
    amounts.push_back(e.amount);
  }
  ar.put<std::int64_t>(prefix + "/stock_entries", ints);
  ar.put<double>(prefix + "/stock_amounts", amounts);
  v.clear();
  for (const auto& p : programmes_) v.insert(v.end(), p.participants.begin(), p.participants.end());
  ar.put<double>(prefix + "/participants", v);
  ar.put<double>(prefix + "/spending", spending_);
}

void LeverBoard::restore(const io::ArchiveReader& ar, const std::string& prefix) {
  std::size_t n_levers = 0;
  std::size_t n_regional = 0;
  std::size_t n_stock = 0;
  std::size_t n_part = 0;
  for (const auto& l : levers_) n_levers += l.value.size();
  for (const auto& i : indicators_) n_regional += i.regional.size();
  for (const auto& s : stocks_) n_stock += s.effective.size();
  for (const auto& p : programmes_) n_part += p.participants.size();
  // Finite is checked by the archive reader; no value of a run comes near 1e15.
  auto read = [&](const char* name, std::size_t n) {
    auto v = ar.get<double>(prefix + "/" + name, n);
    for (const double x : v) {
      if (!(std::abs(x) <= 1e15)) {
        implausible(prefix + "/" + name, fmt::format("holds {}, which no run can produce", x));
      }
    }
    return v;
  };
  const auto levers = read("levers", n_levers);
  const auto regional = read("indicators", n_regional);
  const auto totals = read("indicator_totals", indicators_.size());
  const auto effective = read("stock_effective", n_stock);
  const auto participants = read("participants", n_part);
  const auto spending = read("spending", spending_.size());
  const auto amounts = ar.get<double>(prefix + "/stock_amounts");
  const auto ints = ar.get<std::int64_t>(prefix + "/stock_entries", amounts.size() * 7);
  std::vector<StockEntry> entries;
  for (std::size_t k = 0; k < amounts.size(); ++k) {
    const std::int64_t* e = ints.data() + k * 7;
    const bool ok = e[0] >= 0 && static_cast<std::size_t>(e[0]) < stocks_.size() && e[1] >= 0 &&
                    static_cast<std::size_t>(e[1]) < regions() && e[2] >= 0 &&
                    static_cast<std::size_t>(e[2]) < std::max<std::size_t>(instances_, 1) &&
                    e[3] >= 0 && e[3] <= INT16_MAX && e[4] >= 0 && e[4] <= 1200 && e[5] >= 0 &&
                    e[5] <= 12000 && (e[6] == 0 || e[6] == 1) && std::abs(amounts[k]) <= 1e15;
    if (!ok) implausible(prefix + "/stock_entries", fmt::format("entry {} is implausible", k));
    entries.push_back(StockEntry{static_cast<std::uint32_t>(e[0]), static_cast<std::uint32_t>(e[1]),
                                 static_cast<std::uint32_t>(e[2]), static_cast<std::int32_t>(e[3]),
                                 static_cast<std::int32_t>(e[4]), static_cast<std::int32_t>(e[5]),
                                 static_cast<std::uint8_t>(e[6]), amounts[k]});
  }
  std::size_t at = 0;
  for (auto& l : levers_) {
    for (double& x : l.value) x = levers[at++];
  }
  at = 0;
  for (std::size_t i = 0; i < indicators_.size(); ++i) {
    for (double& x : indicators_[i].regional) x = regional[at++];
    indicators_[i].total = totals[i];
  }
  at = 0;
  for (auto& s : stocks_) {
    for (double& x : s.effective) x = effective[at++];
    s.previous = s.effective;
  }
  at = 0;
  for (auto& p : programmes_) {
    for (double& x : p.participants) x = participants[at++];
  }
  spending_ = spending;
  entries_ = std::move(entries);
}

std::vector<Declaration> LeverBoard::lever_declarations() const {
  return declarations(levers_);
}
std::vector<Declaration> LeverBoard::stock_declarations() const {
  return declarations(stocks_);
}
std::vector<Declaration> LeverBoard::programme_declarations() const {
  return declarations(programmes_);
}
std::vector<Declaration> LeverBoard::indicator_declarations() const {
  return declarations(indicators_);
}

LeverId require_lever(const LeverBoard& board, std::string_view name, scenario::Diagnostics& diags,
                      const scenario::SourcePos& where, std::string_view key_path) {
  if (auto id = board.find_lever(name)) {
    const auto decls = board.lever_declarations();
    if (decls[id->index].extent == Extent::kState && !board.scope().all_regions) {
      diags.add(where, std::string(key_path),
                fmt::format("lever '{}' is state-wide: an instance limited to some districts "
                            "cannot move it (remove `districts:`)",
                            name));
    }
    return *id;
  }
  report_unknown("lever", board.lever_declarations(), name, diags, where, key_path);
  return LeverId{};
}

namespace {
/// The id found, or a diagnostic and an invalid id.
template <class Id>
Id found_or_report(std::optional<Id> id, const char* what, const std::vector<Declaration>& decls,
                   std::string_view name, scenario::Diagnostics& diags,
                   const scenario::SourcePos& where, std::string_view key_path) {
  if (id) return *id;
  report_unknown(what, decls, name, diags, where, key_path);
  return Id{};
}
}  // namespace

StockId require_stock(const LeverBoard& board, std::string_view name, scenario::Diagnostics& diags,
                      const scenario::SourcePos& where, std::string_view key_path) {
  return found_or_report(board.find_stock(name), "stock lever", board.stock_declarations(), name,
                         diags, where, key_path);
}

ProgrammeId require_programme(const LeverBoard& board, std::string_view name,
                              scenario::Diagnostics& diags, const scenario::SourcePos& where,
                              std::string_view key_path) {
  return found_or_report(board.find_programme(name), "programme", board.programme_declarations(),
                         name, diags, where, key_path);
}

IndicatorId require_indicator(const LeverBoard& board, std::string_view name,
                              scenario::Diagnostics& diags, const scenario::SourcePos& where,
                              std::string_view key_path) {
  return found_or_report(board.find_indicator(name), "indicator", board.indicator_declarations(),
                         name, diags, where, key_path);
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
