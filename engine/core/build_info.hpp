#pragma once
#include <string_view>

namespace brocken {
/// @brief Semantic version of the engine (from CMake's project version).
std::string_view engine_version() noexcept;
/// @brief Git commit the binary was built from ("-dirty" when tracked files had changes).
std::string_view git_commit() noexcept;
/// @brief CMake build type (Release, Debug, RelWithDebInfo).
std::string_view build_type() noexcept;
/// @brief Compiler id and version.
std::string_view compiler_id() noexcept;
}  // namespace brocken
