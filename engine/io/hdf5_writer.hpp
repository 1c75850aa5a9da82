#pragma once
/// @file
/// @brief Atomic HDF5 output readable by h5py, xarray (engine="h5netcdf") and ncdump.
#include <filesystem>
#include <stdexcept>
#include <string>

#include "engine/io/atomic_file.hpp"
#include "engine/io/dataset.hpp"

namespace brocken::io {

/// @brief Checks before a run starts that `path` may be written: its directory exists and is
/// writable, and the file does not exist unless `force`. Throws OutputError with a message that
/// names the path (and suggests --force when the file exists).
void check_output_target(const std::filesystem::path& path, bool force);

/// @brief Writes `data` to `path` atomically: into `<path>.tmp-<pid>` in the same directory,
/// flushed and closed, then renamed over `path`. On any failure the temporary file is removed,
/// an existing `path` is untouched, and OutputError is thrown. Dimensions become netCDF-4-style
/// dimension scales (H5DSset_scale) attached to every variable that uses them; numeric
/// variables with a "time" dimension are chunked along time and deflate-compressed.
void write_hdf5(const Dataset& data, const std::filesystem::path& path, bool force);

}  // namespace brocken::io
