#include "models/migration/region.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/io/csv.hpp"

namespace brocken::migration {
namespace {

using io::CsvTable;
using scenario::Diagnostics;

constexpr std::size_t kNpos = static_cast<std::size_t>(-1);

/// Reads a file, turning a read error into diagnostics (so that all files are checked).
bool read_table(const std::filesystem::path& path, CsvTable& out, Diagnostics& diags) {
  try {
    out = CsvTable::read(path);
    return true;
  } catch (const scenario::InputError& e) {
    for (const auto& d : e.diagnostics()) diags.add(d.pos, d.key_path, d.message);
    return false;
  }
}

void load_districts(const std::filesystem::path& dir, RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(dir / "districts.csv", t, diags)) return;
  const auto c_ags = t.column("ags", diags);
  const auto c_name = t.column("name", diags);
  const auto c_pop = t.column("population_2022_12_31", diags);
  const auto c_pop23 = t.column("population_2023_12_31", diags);
  if (c_ags == kNpos || c_name == kNpos || c_pop == kNpos || c_pop23 == kNpos) return;
  if (t.rows() == 0 || t.rows() > 255) {
    // At the header: with no rows there is no row position to point at.
    diags.add(t.header_pos(), "", fmt::format("expected 1 to 255 districts, got {}", t.rows()));
    return;
  }
  for (std::size_t i = 0; i < t.rows(); ++i) {
    District d;
    d.ags = t.cell(i, c_ags);
    d.name = t.cell(i, c_name);
    d.population_base = t.number(i, c_pop, diags, 1, 1e9);
    // Blank = not published (README rule (b) fills it); anything else must be a number.
    d.population_2023 = t.cell(i, c_pop23).empty() ? std::numeric_limits<double>::quiet_NaN()
                                                   : t.number(i, c_pop23, diags, 1, 1e9);
    for (const auto& other : r.districts) {
      if (other.ags == d.ags) diags.add(t.pos(i, c_ags), "ags", "duplicate district key " + d.ags);
    }
    r.districts.push_back(std::move(d));
  }
}

/// Finds the district row of `ags` or reports it.
District* district_of(RegionData& r, const CsvTable& t, std::size_t row, std::size_t col,
                      Diagnostics& diags) {
  for (auto& d : r.districts) {
    if (d.ags == t.cell(row, col)) return &d;
  }
  diags.add(t.pos(row, col), "ags", "district '" + t.cell(row, col) + "' is not in districts.csv");
  return nullptr;
}

/// Checks that a per-district file has every district exactly once.
void check_complete(const RegionData& r, const CsvTable& t, std::size_t c_ags, Diagnostics& diags) {
  for (const auto& d : r.districts) {
    int seen = 0;
    for (std::size_t i = 0; i < t.rows(); ++i) seen += t.cell(i, c_ags) == d.ags ? 1 : 0;
    if (seen != 1) {
      diags.add(scenario::SourcePos{t.file(), 1, 1}, "ags",
                fmt::format("district {} appears {} times (expected once)", d.ags, seen));
    }
  }
}

void load_structure(const std::filesystem::path& dir, RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(dir / "district_structure.csv", t, diags)) return;
  const auto c_ags = t.column("ags", diags);
  const auto c_foreign = t.column("share_foreigners_pct", diags);
  const auto c_vac = t.column("housing_vacancy_pct", diags);
  const auto c_unemp = t.column("unemployment_rate_pct", diags);
  const auto c_rent = t.column("net_cold_rent_eur_m2", diags);
  const auto c_internal = t.column("internal_migration_balance_per_10k", diags);
  const std::array<std::size_t, 3> c_ages{t.column("share_under_18_pct", diags),
                                          t.column("share_18_65_pct", diags),
                                          t.column("share_65plus_pct", diags)};
  if (c_ags == kNpos || c_foreign == kNpos || c_vac == kNpos || c_unemp == kNpos ||
      c_internal == kNpos || c_rent == kNpos) {
    return;
  }
  for (const auto c : c_ages) {
    if (c == kNpos) return;
  }
  for (std::size_t i = 0; i < t.rows(); ++i) {
    District* d = district_of(r, t, i, c_ags, diags);
    if (d == nullptr) continue;
    d->foreign_share = t.number(i, c_foreign, diags, 0, 100) / 100.0;
    d->housing_vacancy = t.number(i, c_vac, diags, 0, 100) / 100.0;
    d->unemployment_rate = t.number(i, c_unemp, diags, 0, 100) / 100.0;
    d->rent = t.number(i, c_rent, diags, 0, 100);
    d->internal_migration_balance = t.number(i, c_internal, diags, -10000, 10000);
    double sum = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      d->broad_age_shares[k] = t.number(i, c_ages[k], diags, 0, 100) / 100.0;
      sum += d->broad_age_shares[k];
    }
    // The shares are printed rounded; they must still describe the whole population.
    if (std::abs(sum - 1.0) > 0.005) {
      diags.add(t.pos(i, c_ages[0]), "share_under_18_pct",
                fmt::format("the three age shares sum to {:.2f} %, expected 100 %", sum * 100));
    }
  }
  check_complete(r, t, c_ags, diags);
}

void load_labour(const std::filesystem::path& dir, RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(dir / "labour_districts.csv", t, diags)) return;
  const auto c_ags = t.column("ags", diags);
  const auto c_emp = t.column("employees_svb", diags);
  const auto c_unemp = t.column("unemployed", diags);
  const auto c_vac = t.column("vacancies", diags);
  if (c_ags == kNpos || c_emp == kNpos || c_unemp == kNpos || c_vac == kNpos) return;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    District* d = district_of(r, t, i, c_ags, diags);
    if (d == nullptr) continue;
    d->employees_svb = t.number(i, c_emp, diags, 0, 1e9);
    d->unemployed = t.number(i, c_unemp, diags, 0, 1e9);
    d->vacancies = t.number(i, c_vac, diags, 0, 1e9);
  }
  check_complete(r, t, c_ags, diags);
}

void load_labour_cells(const std::filesystem::path& dir, RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(dir / "labour_cells.csv", t, diags)) return;
  const auto c_ags = t.column("ags", diags);
  const auto c_group = t.column("group", diags);
  const auto c_year = t.column("year", diags);
  const std::array<std::size_t, 5> c_values{
      t.column("employees_svb", diags), t.column("employees_svb_foreign", diags),
      t.column("unemployed", diags), t.column("unemployed_foreign", diags),
      t.column("vacancies", diags)};
  if (c_ags == kNpos || c_group == kNpos || c_year == kNpos) return;
  for (const auto c : c_values) {
    if (c == kNpos) return;
  }
  // Groups in the order they first appear; at most 32 (a uint8 person column holds them).
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const std::string& g = t.cell(i, c_group);
    if (std::find(r.occupation_groups.begin(), r.occupation_groups.end(), g) ==
        r.occupation_groups.end()) {
      if (g.empty()) {
        diags.add(t.pos(i, c_group), "group", "empty occupation group");
        continue;
      }
      r.occupation_groups.push_back(g);
    }
  }
  if (r.occupation_groups.empty() || r.occupation_groups.size() > 32) {
    diags.add(
        t.header_pos(), "group",
        fmt::format("expected 1 to 32 occupation groups, got {}", r.occupation_groups.size()));
    return;
  }
  const std::size_t ng = r.occupation_groups.size();
  std::map<int, std::vector<int>> seen;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const auto year = static_cast<int>(t.number(i, c_year, diags, 1900, 2200));
    const District* d = district_of(r, t, i, c_ags, diags);
    if (d == nullptr) continue;
    const auto di = static_cast<std::size_t>(d - r.districts.data());
    const auto gi = static_cast<std::size_t>(
        std::find(r.occupation_groups.begin(), r.occupation_groups.end(), t.cell(i, c_group)) -
        r.occupation_groups.begin());
    if (gi >= ng) continue;
    auto& cells = r.labour_cells[year];
    auto& count = seen[year];
    cells.resize(r.districts.size() * ng);
    count.resize(r.districts.size() * ng, 0);
    LabourCell& c = cells[di * ng + gi];
    ++count[di * ng + gi];
    c.employees = t.number(i, c_values[0], diags, 0, 1e9);
    c.employees_foreign = t.number(i, c_values[1], diags, 0, 1e9);
    c.unemployed = t.number(i, c_values[2], diags, 0, 1e9);
    c.unemployed_foreign = t.number(i, c_values[3], diags, 0, 1e9);
    c.vacancies = t.number(i, c_values[4], diags, 0, 1e9);
    if (c.employees_foreign > c.employees) {
      diags.add(t.pos(i, c_values[1]), "employees_svb_foreign", "more than employees_svb");
    }
    if (c.unemployed_foreign > c.unemployed) {
      diags.add(t.pos(i, c_values[3]), "unemployed_foreign", "more than unemployed");
    }
  }
  for (const auto& [year, count] : seen) {
    for (std::size_t k = 0; k < count.size(); ++k) {
      if (count[k] != 1) {
        diags.add(
            t.header_pos(), "group",
            fmt::format("year {}: district {} x group '{}' appears {} times (expected once)", year,
                        r.districts[k / ng].ags, r.occupation_groups[k % ng], count[k]));
      }
    }
  }
}

/// Oldest age an age-group column may name: the single-age tables stop at 150 too.
constexpr int kMaxGroupAge = 150;

/// Parses a whole decimal number in [0, kMaxGroupAge] at the start of `s`, advancing `s`.
bool take_age(std::string_view& s, int& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr == s.data() || out < 0 || out > kMaxGroupAge) return false;
  s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
  return true;
}

/// Parses an age-group column name: "age_A_B" (A to B years) or "age_Aplus" (A and over), with
/// ages in [0, 150] (bounded, so that `last + 1` cannot overflow and no age table explodes).
bool parse_age_group(const std::string& name, AgeGroup& g) {
  std::string_view s = name;
  if (!s.starts_with("age_")) return false;
  s.remove_prefix(4);
  int a = 0;
  if (!take_age(s, a)) return false;
  if (s == "plus") {
    g = AgeGroup{a, a, true};
    return true;
  }
  int b = 0;
  if (!s.starts_with('_')) return false;
  s.remove_prefix(1);
  if (!take_age(s, b) || !s.empty() || b < a) return false;
  g = AgeGroup{a, b, false};
  return true;
}

/// District age shapes: columns ags, then age_A_B ... age_Aplus covering 0.. without gaps.
void load_age_shapes(const std::filesystem::path& dir, RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(dir / "district_age_groups_2019.csv", t, diags)) return;
  const auto c_ags = t.column("ags", diags);
  if (c_ags == kNpos) return;
  std::vector<std::size_t> cols;
  for (std::size_t c = 0; c < t.header().size(); ++c) {
    AgeGroup g;
    if (!parse_age_group(t.header()[c], g)) {
      if (t.header()[c].starts_with("age_")) {
        diags.add(t.header_pos(), t.header()[c],
                  fmt::format("expected an age group column age_A_B or age_Aplus with ages 0 to "
                              "{}, A <= B",
                              kMaxGroupAge));
        return;
      }
      continue;
    }
    const int expected = r.shape_groups.empty() ? 0 : r.shape_groups.back().last + 1;
    if (g.first != expected || (!r.shape_groups.empty() && r.shape_groups.back().open)) {
      diags.add(t.header_pos(), t.header()[c],
                fmt::format("age groups must follow each other from 0 without gaps; expected one "
                            "starting at {}",
                            expected));
      return;
    }
    r.shape_groups.push_back(g);
    cols.push_back(c);
  }
  if (r.shape_groups.empty() || !r.shape_groups.back().open) {
    diags.add(t.header_pos(), "age_*",
              "expected age group columns age_A_B ending with an open group age_Aplus");
    return;
  }
  r.shape_counts.assign(r.districts.size(), std::vector<double>(cols.size(), 0.0));
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const auto it = std::find_if(r.districts.begin(), r.districts.end(),
                                 [&](const District& d) { return d.ags == t.cell(i, c_ags); });
    if (it == r.districts.end()) {
      diags.add(t.pos(i, c_ags), "ags",
                "district '" + t.cell(i, c_ags) + "' is not in districts.csv");
      continue;
    }
    auto& row = r.shape_counts[static_cast<std::size_t>(it - r.districts.begin())];
    for (std::size_t k = 0; k < cols.size(); ++k) row[k] = t.number(i, cols[k], diags, 0, 1e9);
  }
  check_complete(r, t, c_ags, diags);
}

/// Reads a table indexed by consecutive single ages starting at `first_age`.
template <std::size_t N>
void load_by_age(const std::filesystem::path& path, const std::array<const char*, N>& cols,
                 int first_age, double max_value, std::vector<std::array<double, N>>& out,
                 Diagnostics& diags) {
  CsvTable t;
  if (!read_table(path, t, diags)) return;
  const auto c_age = t.column("age", diags);
  std::array<std::size_t, N> c{};
  bool ok = c_age != kNpos;
  for (std::size_t k = 0; k < N; ++k) {
    c[k] = t.column(cols[k], diags);
    ok = ok && c[k] != kNpos;
  }
  if (!ok) return;
  if (t.rows() == 0) diags.add(scenario::SourcePos{t.file(), 1, 1}, "", "no rows");
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const auto age = t.integer(i, c_age, diags, 0, 150);
    if (age != first_age + static_cast<std::int64_t>(i)) {
      diags.add(t.pos(i, c_age), "age",
                fmt::format("expected consecutive ages from {}, got {}", first_age, age));
    }
    std::array<double, N> row{};
    for (std::size_t k = 0; k < N; ++k) row[k] = t.number(i, c[k], diags, 0, max_value);
    out.push_back(row);
  }
}

/// Germany's age-specific fertility, one column births_per_1000_women_<year> per calendar year,
/// consecutive ages from fertility_min_age.
void load_asfr(const std::filesystem::path& path, RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(path, t, diags)) return;
  const auto c_age = t.column("age", diags);
  if (c_age == kNpos) return;
  constexpr std::string_view kPrefix = "births_per_1000_women_";
  std::vector<std::pair<int, std::size_t>> years;
  for (std::size_t k = 0; k < t.header().size(); ++k) {
    const std::string& name = t.header()[k];
    if (name.rfind(kPrefix, 0) != 0) continue;
    const std::string year = name.substr(kPrefix.size());
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos) {
      diags.add(t.header_pos(), name, "expected a column births_per_1000_women_<year>");
      continue;
    }
    years.emplace_back(std::stoi(year), k);
  }
  if (years.empty()) {
    diags.add(t.header_pos(), "", "no column births_per_1000_women_<year>");
    return;
  }
  if (t.rows() == 0) diags.add(scenario::SourcePos{t.file(), 1, 1}, "", "no rows");
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const auto age = t.integer(i, c_age, diags, 0, 150);
    if (age != r.fertility_min_age + static_cast<std::int64_t>(i)) {
      diags.add(t.pos(i, c_age), "age",
                fmt::format("expected consecutive ages from {}, got {}", r.fertility_min_age, age));
    }
    for (const auto& [year, col] : years) {
      r.asfr_germany_by_year[year].push_back(t.number(i, col, diags, 0, 1000.0) / 1000.0);
    }
  }
}

void load_life_expectancy(const std::filesystem::path& dir, const std::string& period,
                          RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(dir / "life_expectancy.csv", t, diags)) return;
  const auto c_period = t.column("period", diags);
  const auto c_sex = t.column("sex", diags);
  const auto c_state = t.column("e0_state", diags);
  const auto c_de = t.column("e0_germany", diags);
  if (c_period == kNpos || c_sex == kNpos || c_state == kNpos || c_de == kNpos) return;
  std::array<bool, 2> found{false, false};
  for (std::size_t i = 0; i < t.rows(); ++i) {
    if (t.cell(i, c_period) != period) continue;
    const std::string& sex = t.cell(i, c_sex);
    const std::size_t s = sex == "male" ? 0 : sex == "female" ? 1 : 2;
    if (s == 2) {
      diags.add(t.pos(i, c_sex), "sex", "expected male or female, got \"" + sex + "\"");
      continue;
    }
    r.e0_state[s] = t.number(i, c_state, diags, 20, 120);
    r.e0_germany[s] = t.number(i, c_de, diags, 20, 120);
    found[s] = true;
  }
  if (!found[0] || !found[1]) {
    diags.add(scenario::SourcePos{t.file(), 1, 1}, "period",
              "no male and female rows for period '" + period + "'");
  }
}

/// Plausible ranges of the figures the model reads (setup.cpp, synth.cpp); every row of these
/// indicators is checked, so that a typo cannot reach a division or a probability.
struct FigureRange {
  std::string_view indicator;
  double min;
  double max;
};
constexpr std::array<FigureRange, 14> kFigureRanges{{
    {"tfr", 0.1, 10.0},
    {"live_births", 1.0, 1e8},
    {"deaths", 1.0, 1e8},
    {"persons_in_employment", 1.0, 1e9},
    {"dwellings_in_residential_buildings", 1.0, 1e9},
    {"vacant_dwellings", 0.0, 1e9},
    {"foreign_population_eu_listed", 0.0, 1e9},
    {"foreign_population_third_country_listed", 0.0, 1e9},
    {"unemployed_share_helper_level", 0.0, 100.0},
    {"unemployed_share_skilled_level", 0.0, 100.0},
    {"employed_share_without_vocational_qualification", 0.0, 100.0},
    {"employed_share_academic", 0.0, 100.0},
    {"population15plus_share_without_vocational_qualification", 0.0, 100.0},
    {"population15plus_share_academic", 0.0, 100.0},
}};

void load_figures(const std::filesystem::path& dir, RegionData& r, Diagnostics& diags) {
  CsvTable t;
  if (!read_table(dir / "state_figures.csv", t, diags)) return;
  const auto c_ind = t.column("indicator", diags);
  const auto c_period = t.column("reference_period", diags);
  const auto c_value = t.column("value", diags);
  const auto c_unit = t.column("unit", diags);
  const auto c_source = t.column("source", diags);
  if (c_ind == kNpos || c_period == kNpos || c_value == kNpos || c_unit == kNpos ||
      c_source == kNpos) {
    return;
  }
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const auto* const range =
        std::find_if(kFigureRanges.begin(), kFigureRanges.end(),
                     [&](const FigureRange& fr) { return fr.indicator == t.cell(i, c_ind); });
    Figure f{range != kFigureRanges.end() ? t.number(i, c_value, diags, range->min, range->max)
                                          : t.number(i, c_value, diags),
             t.cell(i, c_unit), t.cell(i, c_source)};
    auto& slot = r.figures[t.cell(i, c_ind)];
    if (!slot.emplace(t.cell(i, c_period), std::move(f)).second) {
      diags.add(t.pos(i, c_period), "reference_period",
                "duplicate figure " + t.cell(i, c_ind) + " for " + t.cell(i, c_period));
    }
  }
}

[[noreturn]] void missing_figure(const RegionData& r, const std::string& what) {
  throw scenario::InputError(
      {scenario::Diagnostic{scenario::SourcePos{(r.dir / "state_figures.csv").string(), 0, 0},
                            "indicator", "missing figure " + what}});
}

}  // namespace

double RegionData::figure(const std::string& indicator, const std::string& period) const {
  auto it = figures.find(indicator);
  if (it != figures.end()) {
    auto jt = it->second.find(period);
    if (jt != it->second.end()) return jt->second.value;
  }
  missing_figure(*this, "'" + indicator + "' for period '" + period + "'");
}

double RegionData::latest(const std::string& indicator) const {
  auto it = figures.find(indicator);
  if (it == figures.end() || it->second.empty()) missing_figure(*this, "'" + indicator + "'");
  return it->second.rbegin()->second.value;
}

std::size_t RegionData::occupation_group(const std::string& name, std::string_view key_path) const {
  const auto it = std::find(occupation_groups.begin(), occupation_groups.end(), name);
  if (it == occupation_groups.end()) {
    throw std::invalid_argument(
        fmt::format("{}: unknown occupation group '{}' (labour_cells.csv has: {})", key_path, name,
                    fmt::join(occupation_groups, ", ")));
  }
  return static_cast<std::size_t>(it - occupation_groups.begin());
}

const std::vector<LabourCell>& RegionData::labour_year(int year) const {
  const auto it = labour_cells.find(year);
  if (it == labour_cells.end()) {
    Diagnostics diags;
    diags.add(scenario::SourcePos{(dir / "labour_cells.csv").string(), 0, 0}, "year",
              fmt::format("no labour-market cells for {}", year));
    diags.throw_if_any();
  }
  return it->second;
}

RegionData load_region(const std::filesystem::path& dir, const std::string& life_table_period) {
  Diagnostics diags;
  RegionData r;
  r.dir = dir;
  if (!std::filesystem::is_directory(dir)) {
    diags.add(scenario::SourcePos{dir.string(), 0, 0}, "data", "data directory does not exist");
    diags.throw_if_any();
  }
  load_districts(dir, r, diags);
  load_structure(dir, r, diags);
  load_labour(dir, r, diags);
  load_labour_cells(dir, r, diags);
  if (!r.districts.empty()) load_age_shapes(dir, r, diags);
  const std::size_t problems_before = diags.size();
  load_by_age<2>(dir / "population_age_sex.csv", {"male", "female"}, 0, 1e8, r.population_age_sex,
                 diags);
  if (diags.size() == problems_before && !r.population_age_sex.empty() &&
      !(r.population_age_sex[0][0] + r.population_age_sex[0][1] > 0)) {
    // The sex ratio at birth is taken from age 0.
    diags.add(scenario::SourcePos{(dir / "population_age_sex.csv").string(), 0, 0}, "age",
              "age 0 has no persons (the sex ratio at birth is taken from it)");
  }
  load_by_age<2>(dir / "mortality_germany.csv", {"qx_male", "qx_female"}, 0, 1.0, r.qx_germany,
                 diags);
  load_asfr(dir / "fertility_germany.csv", r, diags);
  load_life_expectancy(dir, life_table_period, r, diags);
  load_figures(dir, r, diags);
  diags.throw_if_any();
  return r;
}

const std::vector<double>& RegionData::asfr_germany(int year) const {
  const auto it = asfr_germany_by_year.find(year);
  if (it == asfr_germany_by_year.end()) {
    throw std::invalid_argument(
        fmt::format("fertility_germany.csv has no column births_per_1000_women_{} (years {} to {})",
                    year, asfr_germany_by_year.empty() ? 0 : asfr_germany_by_year.begin()->first,
                    asfr_germany_by_year.empty() ? 0 : asfr_germany_by_year.rbegin()->first));
  }
  return it->second;
}

}  // namespace brocken::migration
