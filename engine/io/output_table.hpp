#pragma once
/// @file
/// @brief A model's monthly outputs, declared once: name, group, dimensions, units, long name and
/// whether the variable is a stock (a state at the month's end) or a flow (a sum over the month).
/// From this one table the engine derives the series a run keeps in memory, what a checkpoint
/// stores, how much memory the series need, and the variables of the output Dataset (with CF
/// `cell_methods`: `time: point` for stocks, `time: sum` for flows). A model supplies the values;
/// the table knows nothing of what they mean.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/archive.hpp"
#include "engine/io/dataset.hpp"

namespace brocken::io {

/// @brief How a variable relates to time.
enum class Measure : std::uint8_t {
  kStock,  ///< the state at the end of the month (CF cell_methods "time: point")
  kFlow,   ///< a sum over the month (CF cell_methods "time: sum")
  kMean,   ///< a mean over the month's events, e.g. a duration (CF cell_methods "time: mean")
};

/// @brief One output variable. Its values per month are row-major over `dims` (last fastest).
struct OutputSpec {
  std::string name;               ///< variable name, unique within its group
  std::string group;              ///< "" = file root, otherwise e.g. "labour"
  std::vector<std::string> dims;  ///< dimensions besides time (and replication), outermost first
  std::string units;              ///< CF units, e.g. "persons", "days", "EUR"
  std::string long_name;          ///< what the variable is, in the official statistics' terms
  Measure measure = Measure::kStock;
};

/// @brief Index of an output in its table.
using OutputId = std::size_t;

/// @brief Sizes of the dimensions an output table uses, by name (e.g. district: 14).
using DimensionSizes = std::map<std::string, std::size_t, std::less<>>;

/// @brief The outputs of a model, in declaration (= file) order.
class OutputTable {
 public:
  /// @brief Adds an output; throws std::logic_error when (group, name) is taken, the name is not
  /// a valid variable name, or a dimension is listed twice.
  OutputId declare(OutputSpec spec);
  [[nodiscard]] const std::vector<OutputSpec>& specs() const noexcept { return specs_; }
  [[nodiscard]] std::size_t size() const noexcept { return specs_.size(); }
  [[nodiscard]] const OutputSpec& operator[](OutputId id) const { return specs_.at(id); }
  /// @brief The output called `name` ("group/name" for one in a group), if any.
  [[nodiscard]] std::optional<OutputId> find(std::string_view name) const;
  /// @brief Like find(), but throws std::out_of_range naming the output.
  [[nodiscard]] OutputId id(std::string_view name) const;
  /// @brief "group/name", or "name" at the root.
  [[nodiscard]] static std::string path(const OutputSpec& spec);

  /// @brief Values of `id` in one month: the product of its dimensions' sizes (1 for none).
  /// Throws std::out_of_range when a dimension has no size in `sizes`.
  [[nodiscard]] std::size_t per_month(OutputId id, const DimensionSizes& sizes) const;
  /// @brief Values of all outputs in one month.
  [[nodiscard]] std::size_t per_month(const DimensionSizes& sizes) const;
  /// @brief Values of the stocks at the start (before the first month).
  [[nodiscard]] std::size_t start_values(const DimensionSizes& sizes) const;

 private:
  std::vector<OutputSpec> specs_;
};

/// @brief What one replication recorded, per output of its table.
struct Series {
  /// [output][time][dims...], one month appended after another.
  std::vector<std::vector<double>> monthly;
  /// [output][dims...]: the state at the start (before the first month) for stocks; empty for
  /// flows, and empty for every output until the start was recorded.
  std::vector<std::vector<double>> start;

  /// @brief The monthly values of output `id`.
  [[nodiscard]] const std::vector<double>& operator[](OutputId id) const { return monthly.at(id); }
  /// @brief Months recorded so far (0 when nothing is).
  [[nodiscard]] std::size_t months(const OutputTable& table, const DimensionSizes& sizes) const;
  friend bool operator==(const Series&, const Series&) = default;
};

/// @brief An empty Series for `table` (one empty vector per output).
Series make_series(const OutputTable& table);

/// @brief Checkpoints: stores every output's values under `prefix`/values/<group/name> and the
/// start state under `prefix`/start/<group/name>.
void save_series(const OutputTable& table, const Series& series, ArchiveWriter& ar,
                 std::string_view prefix);

/// @brief Reads back what save_series() stored for `months` months. Throws ArchiveError when an
/// entry is missing, has another length than the table and `sizes` give, or holds a value whose
/// magnitude exceeds `max_abs` (no run produces it).
Series restore_series(const OutputTable& table, const DimensionSizes& sizes,
                      const ArchiveReader& ar, std::string_view prefix, std::size_t months,
                      double max_abs);

/// @brief Adds every output as a Variable over (`lead`..., time, dims...) with units, long_name
/// and cell_methods, concatenating the replications in `runs` along the lead dimension; and, in
/// the group "start" (or "start/<group>"), every stock's state at the start over (`lead`...,
/// dims...), when the runs recorded it. Outputs with a dimension of size 0 are left out.
void add_series_variables(Dataset& ds, const OutputTable& table, const DimensionSizes& sizes,
                          const std::vector<const Series*>& runs,
                          const std::vector<std::string>& lead);

}  // namespace brocken::io
