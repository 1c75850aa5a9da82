#include "engine/io/output_table.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace brocken::io {
namespace {

bool valid_name(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front())) != 0) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

bool valid_group(std::string_view g) {
  if (g.empty()) return true;
  std::size_t from = 0;
  while (true) {
    const std::size_t slash = g.find('/', from);
    if (!valid_name(g.substr(from, slash - from))) return false;
    if (slash == std::string_view::npos) return true;
    from = slash + 1;
  }
}

std::string entry(std::string_view prefix, std::string_view part, const OutputSpec& spec) {
  return fmt::format("{}/{}/{}", prefix, part, OutputTable::path(spec));
}

}  // namespace

OutputId OutputTable::declare(OutputSpec spec) {
  if (!valid_name(spec.name) || !valid_group(spec.group)) {
    throw std::logic_error(
        fmt::format("output '{}' in group '{}': not a valid variable name", spec.name, spec.group));
  }
  if (find(path(spec))) {
    throw std::logic_error(fmt::format("output '{}' is declared twice", path(spec)));
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& d : spec.dims) {
    if (d == "time" || d == "replication" || !seen.insert(d).second) {
      throw std::logic_error(
          fmt::format("output '{}': dimension '{}' is implicit or listed twice", path(spec), d));
    }
  }
  specs_.push_back(std::move(spec));
  return specs_.size() - 1;
}

std::string OutputTable::path(const OutputSpec& spec) {
  return spec.group.empty() ? spec.name : spec.group + "/" + spec.name;
}

std::optional<OutputId> OutputTable::find(std::string_view name) const {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (path(specs_[i]) == name) return i;
  }
  return std::nullopt;
}

OutputId OutputTable::id(std::string_view name) const {
  if (const auto i = find(name)) return *i;
  throw std::out_of_range(fmt::format("no output '{}'", name));
}

std::size_t OutputTable::per_month(OutputId id, const DimensionSizes& sizes) const {
  std::size_t n = 1;
  for (const auto& d : specs_.at(id).dims) {
    const auto it = sizes.find(d);
    if (it == sizes.end()) {
      throw std::out_of_range(
          fmt::format("output '{}': dimension '{}' has no size", path(specs_[id]), d));
    }
    n *= it->second;
  }
  return n;
}

std::size_t OutputTable::per_month(const DimensionSizes& sizes) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < specs_.size(); ++i) n += per_month(i, sizes);
  return n;
}

std::size_t OutputTable::start_values(const DimensionSizes& sizes) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].measure == Measure::kStock) n += per_month(i, sizes);
  }
  return n;
}

std::size_t Series::months(const OutputTable& table, const DimensionSizes& sizes) const {
  for (std::size_t i = 0; i < monthly.size() && i < table.size(); ++i) {
    const std::size_t per = table.per_month(i, sizes);
    if (per > 0) return monthly[i].size() / per;
  }
  return 0;
}

Series make_series(const OutputTable& table) {
  Series s;
  s.monthly.assign(table.size(), {});
  s.start.assign(table.size(), {});
  return s;
}

void save_series(const OutputTable& table, const Series& series, ArchiveWriter& ar,
                 std::string_view prefix) {
  static const std::vector<double> kNone;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& spec = table[i];
    ar.put<double>(entry(prefix, "values", spec),
                   i < series.monthly.size() ? series.monthly[i] : kNone);
    ar.put<double>(entry(prefix, "start", spec), i < series.start.size() ? series.start[i] : kNone);
  }
}

Series restore_series(const OutputTable& table, const DimensionSizes& sizes,
                      const ArchiveReader& ar, std::string_view prefix, std::size_t months,
                      double max_abs) {
  Series s = make_series(table);
  const auto plausible = [&](const std::string& name, const std::vector<double>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!(std::abs(v[i]) <= max_abs)) {
        throw ArchiveError(fmt::format("entry '{}' holds {} at index {}, which no run can produce",
                                       name, v[i], i));
      }
    }
  };
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& spec = table[i];
    const std::size_t per = table.per_month(i, sizes);
    const std::string values = entry(prefix, "values", spec);
    s.monthly[i] = ar.get<double>(values, months * per);
    plausible(values, s.monthly[i]);
    const std::string start = entry(prefix, "start", spec);
    s.start[i] = ar.get<double>(start);
    const std::size_t want = spec.measure == Measure::kStock ? per : 0;
    if (s.start[i].size() != want && !s.start[i].empty()) {
      throw ArchiveError(
          fmt::format("entry '{}' holds {} values, expected {}", start, s.start[i].size(), want));
    }
    plausible(start, s.start[i]);
  }
  return s;
}

void add_series_variables(Dataset& ds, const OutputTable& table, const DimensionSizes& sizes,
                          const std::vector<const Series*>& runs,
                          const std::vector<std::string>& lead) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& spec = table[i];
    const std::size_t per = table.per_month(i, sizes);
    if (per == 0) continue;
    std::vector<std::string> dims = lead;
    dims.emplace_back("time");
    dims.insert(dims.end(), spec.dims.begin(), spec.dims.end());
    const char* method = spec.measure == Measure::kStock  ? "time: point"
                         : spec.measure == Measure::kFlow ? "time: sum"
                                                          : "time: mean";
    Attributes attrs{{"units", spec.units},
                     {"long_name", spec.long_name},
                     {"cell_methods", std::string(method)}};
    Variable v{spec.name, spec.group, std::move(dims), {}, {}, attrs};
    bool all_start = spec.measure == Measure::kStock;
    for (const Series* r : runs) {
      v.values.insert(v.values.end(), r->monthly.at(i).begin(), r->monthly.at(i).end());
      all_start = all_start && r->start.at(i).size() == per;
    }
    ds.vars.push_back(std::move(v));
    if (!all_start) continue;
    std::vector<std::string> start_dims = lead;
    start_dims.insert(start_dims.end(), spec.dims.begin(), spec.dims.end());
    attrs["long_name"] = spec.long_name + ", at the start (the end of the month before the first)";
    attrs.erase("cell_methods");
    Variable st{spec.name,
                spec.group.empty() ? "start" : "start/" + spec.group,
                std::move(start_dims),
                {},
                {},
                std::move(attrs)};
    for (const Series* r : runs)
      st.values.insert(st.values.end(), r->start[i].begin(), r->start[i].end());
    ds.vars.push_back(std::move(st));
  }
}

}  // namespace brocken::io
