#pragma once
/// @file
/// @brief A model-agnostic description of a run's output: dimensions with coordinate values,
/// variables over some of those dimensions, and attributes. Writers (HDF5) turn it into a file;
/// they never see model types.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace brocken::io {

/// @brief Attribute value: text, integer or floating point.
using AttrValue = std::variant<std::string, std::int64_t, double>;
using Attributes = std::map<std::string, AttrValue>;

/// @brief A dimension and its coordinate variable (same name). Exactly one of the value vectors
/// is filled; its length is the dimension's size. Text coordinates are written as
/// variable-length UTF-8 strings.
struct Dimension {
  std::string name;
  std::vector<double> numeric;    ///< e.g. time in days since the start date
  std::vector<std::string> text;  ///< e.g. official district keys
  Attributes attrs;               ///< e.g. units="days since 2024-01-01", calendar="standard"
  [[nodiscard]] std::size_t size() const noexcept {
    return text.empty() ? numeric.size() : text.size();
  }
};

/// @brief A variable over named dimensions, row-major (last dimension fastest). Numeric
/// variables are float64; text variables (e.g. district_name) are variable-length UTF-8.
struct Variable {
  std::string name;
  std::string group;              ///< "" = file root; otherwise a group path like "policy"
  std::vector<std::string> dims;  ///< names of Dimensions, outermost first
  std::vector<double> values;     ///< numeric data (size = product of dim sizes)
  std::vector<std::string> text;  ///< or text data (only for 1-d text variables)
  Attributes attrs;               ///< units, long_name, ...
};

/// @brief Everything one output file holds.
struct Dataset {
  std::vector<Dimension> dims;
  std::vector<Variable> vars;
  Attributes attrs;  ///< root attributes (provenance)
};

}  // namespace brocken::io
