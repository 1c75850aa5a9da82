/// @file
/// @brief Atomic HDF5 output (see hdf5_writer.hpp), written with the HDF5 C API so that the file is
/// a valid netCDF-4 file for xarray (engine="h5netcdf"), h5py and ncdump.
///
/// File layout conventions (checked by tests/engine/io/read_back.py):
/// - Every Dimension is a 1-d dataset at the root named after the dimension and made a dimension
///   scale with H5DSset_scale(dset, name), i.e. a netCDF coordinate variable. Numeric coordinates
///   are float64 (H5T_IEEE_F64LE; integral values such as years are exact up to 2^53), text
///   coordinates are variable-length UTF-8 strings. Coordinates are stored contiguously.
/// - Every Variable is a dataset in its group ("" = root, "a/b" = nested groups created on
///   demand). Each of its dimensions has the root scale attached (H5DSattach_scale), also for
///   variables in subgroups, which netCDF-4 allows: the dimension is found in an ancestor group.
///   Numeric variables are float64, 1-d text variables variable-length UTF-8 strings.
/// - Numeric variables whose first dimension is "time", and any numeric variable with at least
///   one dimension and 1024 elements, are chunked and compressed (shuffle + deflate level 4). The
///   chunk is min(n_time, 120) x every other dimension in full (all of the first dimension when it
///   is not time); while a chunk exceeds 4 MiB it is shrunk from the outermost dimension inwards,
///   so HDF5's 4 GiB chunk limit can never be hit. Empty variables are stored contiguously.
/// - Attributes: non-empty strings are scalar fixed-length UTF-8 strings (NULLPAD), which netCDF
///   reads as NC_CHAR text exactly like the attributes it writes itself (ncdump shows `:units =
///   "..."`); empty strings are scalar variable-length strings because HDF5 has no zero-length
///   fixed string type. Integers are scalar H5T_NATIVE_INT64 (NC_INT64), floating point scalar
///   H5T_NATIVE_DOUBLE. Attributes larger than the 64 kB object header limit (e.g. the resolved
///   scenario YAML) work because creation order tracking makes every object header version 2, and
///   HDF5 then moves attributes to dense storage when they outgrow it (tested with 100 kB and
///   1 MB; without creation order HDF5 fails with "object header message is too large").
/// - Link and attribute creation order are tracked and indexed (as netCDF-4 does): ncdump and
///   xarray list variables in Dataset::vars order and attributes in Attributes (key) order.
///   Object modification times are not stored, so equal Datasets give byte-identical files.
/// - Restrictions checked up front (std::invalid_argument): names non-empty, without '/' or NUL;
///   all text valid UTF-8 without NUL (h5py refuses to decode anything else); a variable uses a
///   dimension at most once; a root variable may not take a dimension's name; attribute names
///   used by dimension scales or netCDF (CLASS, NAME, REFERENCE_LIST, DIMENSION_LIST,
///   _Netcdf4Dimid, _Netcdf4Coordinates, _NCProperties) are reserved. ncdump shows a
///   dimension of size 0 as "UNLIMITED ; // (0 currently)"; xarray reads it as size 0.
///
/// Atomicity: the file is assembled in memory (HDF5 core driver without backing store), then
/// written with POSIX I/O to `<path>.tmp-<pid>` in the target directory, fsync'ed, closed, renamed
/// over `path` (with RENAME_NOREPLACE unless --force, so a file that appeared during the run is
/// not clobbered), and the directory is fsync'ed. Any failure removes the temporary file and
/// leaves an existing `path` untouched.
/// Why in memory: with the sec2 driver a full disk makes H5Fclose fail, and HDF5 1.10.8 then
/// keeps a half-destroyed file ID that crashes the process at exit (H5F__close_cb from
/// H5_term_library; reproduced with RLIMIT_FSIZE). Building in memory means HDF5 never sees an
/// I/O error and our own write()/fsync()/close() report ENOSPC/EFBIG/EIO precisely. The cost is
/// holding the (compressed) file image twice next to the Dataset during the write.
///
/// The serial HDF5 library is not thread-safe: call write_hdf5 from one thread at a time.
#include "engine/io/hdf5_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include "engine/io/hdf5_support.hpp"
#include "engine/io/utf8.hpp"

namespace brocken::io {
namespace {

namespace fs = std::filesystem;
using namespace h5;  // NOLINT(google-build-using-namespace): the shared HDF5 helpers

constexpr std::size_t kTimeChunk = 120;                // ten years of months
constexpr std::size_t kMaxChunkBytes = 4U << 20U;      // 4 MiB
constexpr std::size_t kChunkThresholdElements = 1024;  // chunk+compress at least this many
constexpr unsigned kDeflateLevel = 4;
constexpr std::size_t kCoreIncrement = 4U << 20U;  // in-memory file grows by 4 MiB
constexpr unsigned kCreationOrder = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

// ---------------------------------------------------------------------------------------------
// Validation (programming errors → std::invalid_argument)

constexpr std::string_view kReservedAttrs[] = {"CLASS",          "NAME",
                                               "REFERENCE_LIST", "DIMENSION_LIST",
                                               "_Netcdf4Dimid",  "_Netcdf4Coordinates",
                                               "_NCProperties"};

[[noreturn]] void invalid(const std::string& msg) {
  throw std::invalid_argument("write_hdf5: " + msg);
}

void check_text(const std::string& s, const std::string& where) {
  if (s.find('\0') != std::string::npos) invalid(where + " contains a NUL byte");
  if (find_invalid_utf8(s) != std::string_view::npos) invalid(where + " is not valid UTF-8");
}

void check_name(const std::string& name, const std::string& kind) {
  if (name.empty()) invalid(kind + " has an empty name");
  if (name.find('/') != std::string::npos) invalid(kind + " '" + name + "' contains '/'");
  if (name == "." || name == "..") invalid(kind + " may not be named '" + name + "'");
  check_text(name, kind + " name '" + name + "'");
}

void check_attrs(const Attributes& attrs, const std::string& owner) {
  for (const auto& [name, value] : attrs) {
    if (name.empty()) invalid(owner + " has an attribute with an empty name");
    check_text(name, "attribute name on " + owner);
    if (std::find(std::begin(kReservedAttrs), std::end(kReservedAttrs), name) !=
        std::end(kReservedAttrs)) {
      invalid(fmt::format("attribute '{}' on {} is reserved for dimension scales", name, owner));
    }
    if (const auto* s = std::get_if<std::string>(&value)) {
      check_text(*s, fmt::format("attribute '{}' on {}", name, owner));
    }
  }
}

std::vector<std::string> split_group(const std::string& group) {
  std::vector<std::string> parts;
  if (group.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = group.find('/', start);
    parts.push_back(group.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

std::string var_label(const Variable& v) {
  return "variable '" + (v.group.empty() ? v.name : v.group + "/" + v.name) + "'";
}

void validate(const Dataset& data) {
  std::map<std::string, std::size_t> dim_size;
  for (const auto& d : data.dims) {
    check_name(d.name, "dimension");
    if (!dim_size.emplace(d.name, d.size()).second) invalid("duplicate dimension '" + d.name + "'");
    if (!d.numeric.empty() && !d.text.empty()) {
      invalid("dimension '" + d.name + "' has both numeric and text coordinates");
    }
    for (const auto& t : d.text) check_text(t, "a coordinate of dimension '" + d.name + "'");
    check_attrs(d.attrs, "dimension '" + d.name + "'");
  }
  check_attrs(data.attrs, "the root group");

  // Every group path and its prefixes: a variable may not share its full path with a group.
  std::set<std::string> groups;
  for (const auto& v : data.vars) {
    std::string prefix;
    for (const auto& part : split_group(v.group)) {
      check_name(part, var_label(v) + ": group");
      prefix += prefix.empty() ? part : "/" + part;
      groups.insert(prefix);
    }
    // Dimensions are datasets at the root, so a top-level group cannot share a dimension's name.
    if (const auto parts = split_group(v.group);
        !parts.empty() && dim_size.contains(parts.front())) {
      invalid(var_label(v) + ": group '" + parts.front() + "' has the name of a dimension");
    }
  }
  std::set<std::string> seen;
  for (const auto& v : data.vars) {
    check_name(v.name, "variable");
    const std::string label = var_label(v);
    const std::string full = v.group.empty() ? v.name : v.group + "/" + v.name;
    if (!seen.insert(full).second) invalid("duplicate " + label);
    if (groups.contains(full)) invalid(label + " has the same path as a group");
    if (v.group.empty() && dim_size.contains(v.name)) {
      invalid(label + " has the name of a dimension (coordinates come from Dataset::dims)");
    }
    std::size_t expected = 1;
    std::string shape;
    std::set<std::string> used;
    for (const auto& dim : v.dims) {
      const auto it = dim_size.find(dim);
      if (it == dim_size.end()) invalid(fmt::format("{} uses unknown dimension '{}'", label, dim));
      if (!used.insert(dim).second) {
        invalid(fmt::format("{} uses dimension '{}' twice", label, dim));
      }
      if (it->second != 0 && expected > std::numeric_limits<std::size_t>::max() / it->second) {
        invalid(label + " is too large");
      }
      expected *= it->second;
      shape += fmt::format("{}{}={}", shape.empty() ? "" : " x ", dim, it->second);
    }
    if (!v.text.empty()) {
      if (v.dims.size() != 1) invalid(label + ": text variables must have exactly one dimension");
      if (!v.values.empty()) invalid(label + " has both numeric and text values");
      if (v.text.size() != expected) {
        invalid(fmt::format("{} has {} text values, expected {} ({})", label, v.text.size(),
                            expected, shape));
      }
      for (const auto& t : v.text) check_text(t, "a value of " + label);
    } else if (v.values.size() != expected) {
      invalid(fmt::format("{} has {} values, expected {} ({})", label, v.values.size(), expected,
                          shape.empty() ? "scalar" : shape));
    }
    check_attrs(v.attrs, label);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

void write_attr(hid_t obj, const std::string& name, const AttrValue& value,
                const std::string& owner) {
  const std::string what = "writing attribute '" + name + "' on " + owner;
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, what + ": H5Screate");
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (s->empty()) {
      Handle type = string_type(h5t_variable());
      Handle attr = checked(
          H5Acreate2(obj, name.c_str(), type.get(), space.get(), h5p_default(), h5p_default()),
          H5Aclose, what + ": H5Acreate2");
      const char* ptr = s->c_str();
      check(H5Awrite(attr.get(), type.get(), &ptr), what + ": H5Awrite");
      attr.close(what + ": H5Aclose");
    } else {
      Handle type = string_type(s->size());
      Handle attr = checked(
          H5Acreate2(obj, name.c_str(), type.get(), space.get(), h5p_default(), h5p_default()),
          H5Aclose, what + ": H5Acreate2");
      check(H5Awrite(attr.get(), type.get(), s->data()), what + ": H5Awrite");
      attr.close(what + ": H5Aclose");
    }
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    Handle attr = checked(H5Acreate2(obj, name.c_str(), h5t_native_int64(), space.get(),
                                     h5p_default(), h5p_default()),
                          H5Aclose, what + ": H5Acreate2");
    check(H5Awrite(attr.get(), h5t_native_int64(), i), what + ": H5Awrite");
    attr.close(what + ": H5Aclose");
  } else {
    const double d = std::get<double>(value);
    Handle attr = checked(H5Acreate2(obj, name.c_str(), h5t_native_double(), space.get(),
                                     h5p_default(), h5p_default()),
                          H5Aclose, what + ": H5Acreate2");
    check(H5Awrite(attr.get(), h5t_native_double(), &d), what + ": H5Awrite");
    attr.close(what + ": H5Aclose");
  }
}

void write_attrs(hid_t obj, const Attributes& attrs, const std::string& owner) {
  for (const auto& [name, value] : attrs) write_attr(obj, name, value, owner);
}

/// @brief Chunk shape per the layout conventions above, or empty for contiguous storage.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& shape, bool time_first) {
  hsize_t n = 1;
  for (const auto s : shape) n *= s;
  if (shape.empty() || n == 0) return {};
  if (!time_first && n < kChunkThresholdElements) return {};
  std::vector<hsize_t> chunk = shape;
  if (time_first) chunk[0] = std::min<hsize_t>(shape[0], kTimeChunk);
  const hsize_t max_elems = kMaxChunkBytes / sizeof(double);
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    hsize_t inner = 1;
    for (std::size_t k = i + 1; k < chunk.size(); ++k) inner *= chunk[k];
    if (chunk[i] * inner <= max_elems) break;
    chunk[i] = std::max<hsize_t>(1, max_elems / inner);
  }
  return chunk;
}

/// @brief Dataset creation properties shared by all datasets: no timestamps (reproducible
/// bytes) and tracked attribute creation order (netCDF-4 convention).
Handle dataset_plist(const std::string& what) {
  Handle dcpl = make_plist(h5p_dataset_create(), what + ": H5Pcreate");
  check(H5Pset_obj_track_times(dcpl.get(), false), what + ": H5Pset_obj_track_times");
  check(H5Pset_attr_creation_order(dcpl.get(), kCreationOrder),
        what + ": H5Pset_attr_creation_order");
  return dcpl;
}

Handle write_text_dataset(hid_t loc, const std::string& name, const std::vector<std::string>& text,
                          const std::vector<hsize_t>& shape, const std::string& what) {
  Handle type = string_type(h5t_variable());
  Handle space = simple_space(shape, what + ": H5Screate");
  Handle dcpl = dataset_plist(what);
  Handle dset = checked(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), h5p_default(),
                                   dcpl.get(), h5p_default()),
                        H5Dclose, what + ": H5Dcreate2");
  if (!text.empty()) {
    std::vector<const char*> ptrs;
    ptrs.reserve(text.size());
    for (const auto& t : text) ptrs.push_back(t.c_str());
    check(H5Dwrite(dset.get(), type.get(), h5s_all(), h5s_all(), h5p_default(), ptrs.data()),
          what + ": H5Dwrite");
  }
  return dset;
}

Handle write_numeric_dataset(hid_t loc, const std::string& name, const std::vector<double>& values,
                             const std::vector<hsize_t>& shape, bool chunk_it, bool time_first,
                             const std::string& what) {
  Handle space = simple_space(shape, what + ": H5Screate");
  Handle dcpl = dataset_plist(what);
  if (chunk_it) {
    const auto chunk = chunk_shape(shape, time_first);
    if (!chunk.empty()) {
      check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()),
            what + ": H5Pset_chunk");
      check(H5Pset_shuffle(dcpl.get()), what + ": H5Pset_shuffle");
      check(H5Pset_deflate(dcpl.get(), kDeflateLevel), what + ": H5Pset_deflate");
    }
  }
  // Stored as little-endian IEEE float64 regardless of the host (what numpy calls '<f8').
  Handle dset = checked(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space.get(), h5p_default(),
                                   dcpl.get(), h5p_default()),
                        H5Dclose, what + ": H5Dcreate2");
  if (!values.empty()) {
    check(H5Dwrite(dset.get(), h5t_native_double(), h5s_all(), h5s_all(), h5p_default(),
                   values.data()),
          what + ": H5Dwrite");
    // Compress the cached chunks now: a failure here keeps its cause on the error stack (an
    // allocation failure of the filter is reported as out of memory), whereas the same failure
    // inside H5Dclose reaches the caller only as "can't close dataset" (HDF5 1.10).
    check(H5Dflush(dset.get()), what + ": H5Dflush");
  }
  return dset;
}

Handle group_plist(const std::string& what) {
  Handle gcpl = make_plist(h5p_group_create(), what + ": H5Pcreate");
  check(H5Pset_link_creation_order(gcpl.get(), kCreationOrder),
        what + ": H5Pset_link_creation_order");
  check(H5Pset_attr_creation_order(gcpl.get(), kCreationOrder),
        what + ": H5Pset_attr_creation_order");
  check(H5Pset_obj_track_times(gcpl.get(), false), what + ": H5Pset_obj_track_times");
  return gcpl;
}

/// @brief Opens (creating on first use) the group at `path` below the root; cached in `groups`.
hid_t open_group(hid_t root, const std::string& path, std::map<std::string, Handle>& groups) {
  if (path.empty()) return root;
  if (const auto it = groups.find(path); it != groups.end()) return it->second.get();
  hid_t parent = root;
  std::string prefix;
  for (const auto& part : split_group(path)) {
    prefix += prefix.empty() ? part : "/" + part;
    auto it = groups.find(prefix);
    if (it == groups.end()) {
      const std::string what = "creating group '" + prefix + "'";
      Handle gcpl = group_plist(what);
      Handle g = checked(H5Gcreate2(parent, part.c_str(), h5p_default(), gcpl.get(), h5p_default()),
                         H5Gclose, what + ": H5Gcreate2");
      it = groups.emplace(prefix, std::move(g)).first;
    }
    parent = it->second.get();
  }
  return parent;
}

void write_contents(hid_t file, const Dataset& data) {
  Handle root = checked(H5Gopen2(file, "/", h5p_default()), H5Gclose, "H5Gopen2('/')");
  write_attrs(root.get(), data.attrs, "the root group");

  std::map<std::string, Handle> scales;
  std::map<std::string, std::size_t> sizes;
  for (const auto& d : data.dims) {
    const std::string what = "writing dimension '" + d.name + "'";
    const std::vector<hsize_t> shape{d.size()};
    Handle dset = d.text.empty() ? write_numeric_dataset(root.get(), d.name, d.numeric, shape,
                                                         false, false, what)
                                 : write_text_dataset(root.get(), d.name, d.text, shape, what);
    check(H5DSset_scale(dset.get(), d.name.c_str()), what + ": H5DSset_scale");
    write_attrs(dset.get(), d.attrs, "dimension '" + d.name + "'");
    sizes.emplace(d.name, d.size());
    scales.emplace(d.name, std::move(dset));
  }

  std::map<std::string, Handle> groups;
  for (const auto& v : data.vars) {
    const std::string label = var_label(v);
    const std::string what = "writing " + label;
    const hid_t loc = open_group(root.get(), v.group, groups);
    std::vector<hsize_t> shape;
    for (const auto& dim : v.dims) shape.push_back(sizes.at(dim));
    const bool time_first = !v.dims.empty() && v.dims.front() == "time";
    Handle dset = v.text.empty()
                      ? write_numeric_dataset(loc, v.name, v.values, shape, true, time_first, what)
                      : write_text_dataset(loc, v.name, v.text, shape, what);
    for (std::size_t k = 0; k < v.dims.size(); ++k) {
      check(H5DSattach_scale(dset.get(), scales.at(v.dims[k]).get(), static_cast<unsigned>(k)),
            what + ": H5DSattach_scale('" + v.dims[k] + "')");
    }
    write_attrs(dset.get(), v.attrs, label);
    dset.close(what + ": H5Dclose");
  }
  for (auto& [path, g] : groups) g.close("closing group '" + path + "': H5Gclose");
  for (auto& [name, s] : scales) s.close("closing dimension '" + name + "': H5Dclose");
  root.close("closing the root group: H5Gclose");
}

/// @brief Builds the whole file in memory (HDF5 core driver, no backing store) and returns its
/// bytes. `name` only appears in HDF5's bookkeeping; nothing touches the disk here.
std::vector<unsigned char> build_image(const Dataset& data, const std::string& name) {
  // Room for the image (the core driver grows it by kCoreIncrement) and HDF5's working memory,
  // before HDF5 is entered (hdf5_support.hpp).
  std::size_t bytes = 0;
  for (const auto& v : data.vars) {
    bytes += v.values.size() * sizeof(double);
    for (const auto& t : v.text) bytes += t.size() + 16;
  }
  ensure_headroom(bytes + kCoreIncrement + kHdf5WorkingBytes);
  Handle fcpl = make_plist(h5p_file_create(), "H5Pcreate(file creation)");
  check(H5Pset_link_creation_order(fcpl.get(), kCreationOrder), "H5Pset_link_creation_order");
  check(H5Pset_attr_creation_order(fcpl.get(), kCreationOrder), "H5Pset_attr_creation_order");
  check(H5Pset_obj_track_times(fcpl.get(), false), "H5Pset_obj_track_times");
  Handle fapl = make_plist(h5p_file_access(), "H5Pcreate(file access)");
  check(H5Pset_fapl_core(fapl.get(), kCoreIncrement, false), "H5Pset_fapl_core");
  // STRONG: closing the file closes anything still open in it, so nothing outlives a failure.
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree");

  Handle file = checked(H5Fcreate(name.c_str(), h5f_acc_trunc(), fcpl.get(), fapl.get()), H5Fclose,
                        "H5Fcreate");
  write_contents(file.get(), data);
  return flush_and_take_image(file);
}

std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

}  // namespace

void check_output_target(const fs::path& path, bool force) {
  const std::string shown = path.string();
  if (path.empty() || !path.has_filename()) {
    throw OutputError("cannot write '" + shown + "': the path does not name a file");
  }
  const fs::path dir = parent_dir(path);
  std::error_code ec;
  const auto dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status)) {
    throw OutputError("cannot write '" + shown + "': directory '" + dir.string() +
                      "' does not exist");
  }
  if (!fs::is_directory(dir_status)) {
    throw OutputError("cannot write '" + shown + "': '" + dir.string() + "' is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw OutputError("cannot write '" + shown + "': directory '" + dir.string() +
                      "' is not writable (" + errno_text(errno) + ")");
  }
  const auto status = fs::status(path, ec);
  if (fs::is_directory(status)) {
    throw OutputError("cannot write '" + shown + "': it is a directory");
  }
  // symlink_status: a dangling symlink is still something --force would replace.
  const auto link_status = fs::symlink_status(path, ec);
  if (!force && fs::exists(link_status)) {
    throw OutputError("output file '" + shown + "' exists; pass --force to overwrite");
  }
  // --force replaces a file (or a symbolic link), never a device, FIFO or socket: `-o /dev/null
  // --force` as root would otherwise replace /dev/null with a regular file.
  if (fs::exists(link_status) && !fs::is_regular_file(link_status) &&
      !fs::is_symlink(link_status)) {
    throw OutputError("cannot write '" + shown +
                      "': it exists and is not a regular file (a device, FIFO or socket); "
                      "brocken only ever replaces regular files");
  }
  probe_output_location(path);
}

void write_hdf5(const Dataset& data, const fs::path& path, bool force) {
  validate(data);
  check_output_target(path, force);

  std::vector<unsigned char> image;
  {
    QuietHdf5Errors quiet;
    try {
      // Build first, then write: nothing is on disk if HDF5 fails, and the disk is only touched
      // by our own POSIX calls (write_file_atomically), whose errors (ENOSPC, EFBIG, EIO) are
      // reported precisely.
      image = build_image(data, temporary_path(path).string());
    } catch (const std::bad_alloc&) {
      throw;  // out of memory, not a problem with the file
    } catch (const std::exception& e) {
      throw OutputError("cannot write '" + path.string() + "': " + e.what());
    }
  }
  write_file_atomically(path, image, force);
}

}  // namespace brocken::io
