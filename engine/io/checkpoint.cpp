/// @file
/// @brief Checkpoint files (see checkpoint.hpp and docs/output-format.md).
///
/// Layout: every archive entry is a 1-d dataset at its own path (groups are created for the
/// '/'-separated parts), stored contiguously without filters, with one string attribute
/// `archive_type` (u8 ... f64, bytes, text). Text entries are u8 datasets of UTF-8 bytes; bytes
/// entries are u8 datasets with an int64 attribute `element_size`. The root carries the string
/// attributes `format` ("brocken-checkpoint"), `format_version`, `engine_version`, `git_commit`,
/// `entries` (count) and `content_hash`.
///
/// The file is built in memory (core driver, no backing store) with the newest library format,
/// so that all HDF5 metadata is checksummed, and written with write_file_atomically.
#include "engine/io/checkpoint.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/build_info.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/hdf5_support.hpp"
#include "engine/io/posix_file.hpp"

namespace brocken::io {
namespace {

namespace fs = std::filesystem;
using namespace h5;  // NOLINT(google-build-using-namespace): the shared HDF5 helpers
using posix::Fd;
using posix::read_at;

constexpr const char* kFormat = "brocken-checkpoint";
constexpr const char* kFormatVersion = "2";
constexpr std::size_t kMaxDepth = 32;
/// A trailer of kTrailer bytes after the HDF5 data, which HDF5 ignores (a file may be longer than
/// its end-of-address). It holds a text line with the length of the HDF5 data, a hash of it and
/// the owner tag, so that a truncated or damaged file is refused before HDF5 reads any of it
/// (HDF5 1.10 cannot always close a file whose metadata fails its checksum, and then complains
/// at exit), and a file of the wrong size before any of it is read.
constexpr std::size_t kTrailer = 128;
constexpr std::string_view kMagic = "BROCKEN CHECKPOINT 2 ";
constexpr unsigned char kHdf5Signature[] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n'};
constexpr unsigned kCreationOrder = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
constexpr std::size_t kMaxEntries = 1U << 20U;

/// File type of each element type (little endian on disk, as the output files).
hid_t file_type(ElemType t) {
  switch (t) {
    case ElemType::kI8:
      return H5T_STD_I8LE;
    case ElemType::kU16:
      return H5T_STD_U16LE;
    case ElemType::kI16:
      return H5T_STD_I16LE;
    case ElemType::kU32:
      return H5T_STD_U32LE;
    case ElemType::kI32:
      return H5T_STD_I32LE;
    case ElemType::kU64:
      return H5T_STD_U64LE;
    case ElemType::kI64:
      return H5T_STD_I64LE;
    case ElemType::kF32:
      return H5T_IEEE_F32LE;
    case ElemType::kF64:
      return H5T_IEEE_F64LE;
    default:
      return H5T_STD_U8LE;  // u8, bytes, text
  }
}

/// Memory type of each element type.
hid_t memory_type(ElemType t) {
  switch (t) {
    case ElemType::kI8:
      return H5T_NATIVE_INT8;
    case ElemType::kU16:
      return H5T_NATIVE_UINT16;
    case ElemType::kI16:
      return H5T_NATIVE_INT16;
    case ElemType::kU32:
      return H5T_NATIVE_UINT32;
    case ElemType::kI32:
      return H5T_NATIVE_INT32;
    case ElemType::kU64:
      return H5T_NATIVE_UINT64;
    case ElemType::kI64:
      return H5T_NATIVE_INT64;
    case ElemType::kF32:
      return H5T_NATIVE_FLOAT;
    case ElemType::kF64:
      return H5T_NATIVE_DOUBLE;
    default:
      return H5T_NATIVE_UINT8;
  }
}

const ElemType kAllTypes[] = {ElemType::kU8,  ElemType::kI8,  ElemType::kU16,   ElemType::kI16,
                              ElemType::kU32, ElemType::kI32, ElemType::kU64,   ElemType::kI64,
                              ElemType::kF32, ElemType::kF64, ElemType::kBytes, ElemType::kText};

struct Hasher {
  std::uint64_t h = 1469598103934665603ULL;
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= c[i];
      h *= 1099511628211ULL;
    }
  }
  void u64(std::uint64_t v) { bytes(&v, sizeof v); }
};

/// FNV-1a 64 of the first `length` bytes of the image, as 16 hex digits.
std::string image_hash(const std::vector<unsigned char>& image, std::size_t length,
                       const std::string& owner) {
  Hasher h;
  h.bytes(image.data(), length);
  h.bytes(owner.data(), owner.size());  // the owner tag is covered too
  return fmt::format("{:016x}", h.h);
}

// ---------------------------------------------------------------------------------------------
// Writing

void write_string_attr(hid_t obj, const char* name, const std::string& value) {
  const std::string what = fmt::format("writing attribute '{}'", name);
  // Fixed-length strings have no zero size: store at least one NUL byte.
  Handle type = string_type(std::max<std::size_t>(1, value.size()));
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, what + ": H5Screate");
  Handle attr =
      checked(H5Acreate2(obj, name, type.get(), space.get(), h5p_default(), h5p_default()),
              H5Aclose, what + ": H5Acreate2");
  std::string buf = value;
  buf.resize(std::max<std::size_t>(1, value.size()), '\0');
  check(H5Awrite(attr.get(), type.get(), buf.data()), what + ": H5Awrite");
  attr.close(what + ": H5Aclose");
}

void write_int_attr(hid_t obj, const char* name, std::int64_t value) {
  const std::string what = fmt::format("writing attribute '{}'", name);
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, what + ": H5Screate");
  Handle attr =
      checked(H5Acreate2(obj, name, h5t_native_int64(), space.get(), h5p_default(), h5p_default()),
              H5Aclose, what + ": H5Acreate2");
  check(H5Awrite(attr.get(), h5t_native_int64(), &value), what + ": H5Awrite");
  attr.close(what + ": H5Aclose");
}

hid_t ensure_group(hid_t root, const std::string& path, std::map<std::string, Handle>& groups) {
  hid_t parent = root;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    if (slash == std::string::npos) return parent;
    const std::string prefix = path.substr(0, slash);
    auto it = groups.find(prefix);
    if (it == groups.end()) {
      const std::string part = path.substr(start, slash - start);
      Handle gcpl = make_plist(h5p_group_create(), "H5Pcreate(group creation)");
      check(H5Pset_link_creation_order(gcpl.get(), kCreationOrder), "H5Pset_link_creation_order");
      check(H5Pset_attr_creation_order(gcpl.get(), kCreationOrder), "H5Pset_attr_creation_order");
      check(H5Pset_obj_track_times(gcpl.get(), false), "H5Pset_obj_track_times");
      Handle g = checked(H5Gcreate2(parent, part.c_str(), h5p_default(), gcpl.get(), h5p_default()),
                         H5Gclose, "creating group '" + prefix + "': H5Gcreate2");
      it = groups.emplace(prefix, std::move(g)).first;
    }
    parent = it->second.get();
    start = slash + 1;
  }
}

std::vector<unsigned char> build_image(const MemoryArchive& archive, const CheckpointStamp& stamp,
                                       const std::string& name, const std::string& owner) {
  // A name may not be both an entry and a group (a prefix of another entry).
  std::set<std::string, std::less<>> prefixes;
  for (const auto& [n, e] : archive.entries()) {
    for (std::size_t p = n.find('/'); p != std::string::npos; p = n.find('/', p + 1)) {
      prefixes.insert(n.substr(0, p));
    }
  }
  for (const auto& [n, e] : archive.entries()) {
    if (prefixes.contains(n)) {
      throw std::invalid_argument("checkpoint: entry '" + n + "' is also a group");
    }
  }

  const std::size_t increment =
      std::max<std::size_t>(1U << 20U, archive.byte_size() + archive.entries().size() * 1024);
  // Room for the image and HDF5's working memory before HDF5 is entered (hdf5_support.hpp).
  ensure_headroom(increment + kHdf5WorkingBytes);
  Handle fapl = make_plist(h5p_file_access(), "H5Pcreate(file access)");
  check(H5Pset_fapl_core(fapl.get(), increment, false), "H5Pset_fapl_core");
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree");
  // Tracked creation order makes every object header version 2, which HDF5 checksums, so
  // damaged metadata is detected on open. (H5F_LIBVER_LATEST would checksum the superblock too,
  // but HDF5 1.10 then produces file images with a wrong superblock checksum.)
  Handle fcpl = make_plist(h5p_file_create(), "H5Pcreate(file creation)");
  check(H5Pset_obj_track_times(fcpl.get(), false), "H5Pset_obj_track_times");
  check(H5Pset_link_creation_order(fcpl.get(), kCreationOrder), "H5Pset_link_creation_order");
  check(H5Pset_attr_creation_order(fcpl.get(), kCreationOrder), "H5Pset_attr_creation_order");
  Handle file = checked(H5Fcreate(name.c_str(), h5f_acc_trunc(), fcpl.get(), fapl.get()), H5Fclose,
                        "H5Fcreate");
  {
    Handle root = checked(H5Gopen2(file.get(), "/", h5p_default()), H5Gclose, "H5Gopen2('/')");
    write_string_attr(root.get(), "format", kFormat);
    write_string_attr(root.get(), "format_version", kFormatVersion);
    write_string_attr(root.get(), "engine_version", stamp.engine_version);
    write_string_attr(root.get(), "git_commit", stamp.git_commit);
    write_string_attr(root.get(), "entries", std::to_string(archive.entries().size()));
    write_string_attr(root.get(), "content_hash", archive_hash(archive));

    std::map<std::string, Handle> groups;
    for (const auto& [n, e] : archive.entries()) {
      const std::string what = "writing entry '" + n + "'";
      const hid_t loc = ensure_group(root.get(), n, groups);
      const std::string leaf = n.substr(n.rfind('/') == std::string::npos ? 0 : n.rfind('/') + 1);
      const ElemType t = e.view.type;
      const hsize_t count = t == ElemType::kBytes ? e.bytes.size() : e.view.count;
      Handle space = checked(H5Screate_simple(1, &count, nullptr), H5Sclose, what + ": H5Screate");
      Handle dcpl = make_plist(h5p_dataset_create(), what + ": H5Pcreate");
      check(H5Pset_obj_track_times(dcpl.get(), false), what + ": H5Pset_obj_track_times");
      check(H5Pset_attr_creation_order(dcpl.get(), kCreationOrder),
            what + ": H5Pset_attr_creation_order");
      Handle dset = checked(H5Dcreate2(loc, leaf.c_str(), file_type(t), space.get(), h5p_default(),
                                       dcpl.get(), h5p_default()),
                            H5Dclose, what + ": H5Dcreate2");
      if (count > 0) {
        check(H5Dwrite(dset.get(), memory_type(t), h5s_all(), h5s_all(), h5p_default(),
                       e.bytes.data()),
              what + ": H5Dwrite");
      }
      write_string_attr(dset.get(), "archive_type", std::string(elem_type_name(t)));
      if (t == ElemType::kBytes) {
        write_int_attr(dset.get(), "element_size", static_cast<std::int64_t>(e.view.elem_bytes));
      }
      dset.close(what + ": H5Dclose");
    }
    for (auto& [path, g] : groups) g.close("closing group '" + path + "'");
    root.close("closing the root group");
  }
  std::vector<unsigned char> image = flush_and_take_image(file);
  std::string trailer = fmt::format("{}length {} hash {} owner {}\n", kMagic, image.size(),
                                    image_hash(image, image.size(), owner), owner);
  trailer.resize(kTrailer, '\n');
  image.insert(image.end(), trailer.begin(), trailer.end());
  return image;
}

// ---------------------------------------------------------------------------------------------
// Reading

/// @brief The file is not a usable checkpoint; `detail` says why (without the file name).
class Bad : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The parsed trailer of an open checkpoint file.
struct Trailer {
  std::uint64_t file_bytes = 0;
  std::uint64_t length = 0;
  std::string hash;
  std::string owner;
};

/// Opens `path` for reading without waiting (a FIFO is refused, never waited on).
int open_checkpoint(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw Bad("no such file");
    throw Bad("cannot open it: " + std::error_code(err, std::generic_category()).message());
  }
  return fd;
}

/// Reads and checks the trailer (and the HDF5 signature) of an open file: nothing else is read.
Trailer read_trailer(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Bad("cannot determine its size");
  if (!S_ISREG(st.st_mode)) throw Bad("not a regular file");
  Trailer t;
  t.file_bytes = static_cast<std::uint64_t>(st.st_size);
  unsigned char sig[sizeof kHdf5Signature] = {};
  if (t.file_bytes < sizeof sig || !read_at(fd, sig, sizeof sig, 0) ||
      !std::equal(std::begin(kHdf5Signature), std::end(kHdf5Signature), sig)) {
    throw Bad("it is not a brocken checkpoint (not an HDF5 file)");
  }
  std::string trailer(kTrailer, '\0');
  if (t.file_bytes < kTrailer ||
      !read_at(fd, reinterpret_cast<unsigned char*>(trailer.data()), kTrailer,
               t.file_bytes - kTrailer) ||
      trailer.compare(0, kMagic.size(), kMagic) != 0) {
    throw Bad("it is truncated, damaged or not a brocken checkpoint (its trailer is missing)");
  }
  std::uint64_t length = 0;
  char hash[17] = {};
  char owner[17] = {};
  if (std::sscanf(trailer.c_str() + kMagic.size(),
                  "length %20lu hash %16[0-9a-f] owner %16[0-9a-f]", &length, hash, owner) != 3 ||
      std::strlen(hash) != 16 || std::strlen(owner) != 16) {
    throw Bad("its trailer is damaged");
  }
  // Exactly the line the writer makes, padding included: no byte of the trailer goes unchecked.
  std::string expected = fmt::format("{}length {} hash {} owner {}\n", kMagic, length, hash, owner);
  expected.resize(kTrailer, '\n');
  if (expected != trailer) throw Bad("its trailer is damaged");
  if (length > t.file_bytes || length + kTrailer != t.file_bytes) {
    throw Bad(fmt::format("it is truncated or damaged ({} bytes, its trailer says {})",
                          t.file_bytes, length + kTrailer));
  }
  t.length = length;
  t.hash = hash;
  t.owner = owner;
  return t;
}

/// @brief A scalar string attribute, or "" with `found` false when there is none.
std::string read_string_attr(hid_t obj, const char* name, bool& found) {
  found = false;
  const htri_t exists = H5Aexists(obj, name);
  if (exists < 0) fail(fmt::format("H5Aexists('{}')", name));
  if (exists == 0) return {};
  Handle attr = checked(H5Aopen(obj, name, h5p_default()), H5Aclose,
                        fmt::format("opening attribute '{}'", name));
  Handle ftype = checked(H5Aget_type(attr.get()), H5Tclose, "H5Aget_type");
  if (H5Tget_class(ftype.get()) != H5T_STRING || H5Tis_variable_str(ftype.get()) != 0) {
    throw Bad(fmt::format("attribute '{}' is not a fixed-length string", name));
  }
  const std::size_t size = H5Tget_size(ftype.get());
  if (size == 0 || size > (1U << 16U)) throw Bad(fmt::format("attribute '{}' is too long", name));
  Handle space = checked(H5Aget_space(attr.get()), H5Sclose, "H5Aget_space");
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw Bad(fmt::format("attribute '{}' is not a scalar", name));
  }
  Handle mtype = string_type(size);
  std::string buf(size, '\0');
  check(H5Aread(attr.get(), mtype.get(), buf.data()), fmt::format("reading attribute '{}'", name));
  found = true;
  return buf.substr(0, buf.find('\0'));
}

std::string require_string_attr(hid_t obj, const char* name) {
  bool found = false;
  std::string v = read_string_attr(obj, name, found);
  if (!found) throw Bad(fmt::format("it has no '{}' attribute", name));
  return v;
}

struct Reader {
  MemoryArchive* out;
  std::size_t image_size;
  hid_t lapl;  ///< link access: external-link traversal refused
  std::size_t entries = 0;

  void read_dataset(hid_t loc, const std::string& leaf, const std::string& path) {
    const std::string what = "entry '" + path + "'";
    Handle dset = checked(H5Dopen2(loc, leaf.c_str(), h5p_default()), H5Dclose, "opening " + what);
    // Only what write_checkpoint writes: contiguous or compact storage in this file, without
    // filters (no decompression bombs), external files or virtual mappings to other files.
    {
      Handle dcpl = checked(H5Dget_create_plist(dset.get()), H5Pclose, "H5Dget_create_plist");
      const H5D_layout_t layout = H5Pget_layout(dcpl.get());
      if (layout != H5D_CONTIGUOUS && layout != H5D_COMPACT) {
        throw Bad(what +
                  " is not stored contiguously in the file (chunked or virtual storage "
                  "is never written to a checkpoint)");
      }
      if (H5Pget_external_count(dcpl.get()) != 0) {
        throw Bad(what + " refers to external storage (another file)");
      }
      if (H5Pget_nfilters(dcpl.get()) != 0) throw Bad(what + " is filtered (compressed)");
    }
    bool found = false;
    const std::string tname = read_string_attr(dset.get(), "archive_type", found);
    if (!found) throw Bad(what + " has no archive_type attribute");
    ElemType type = ElemType::kU8;
    bool known = false;
    for (const ElemType t : kAllTypes) {
      if (elem_type_name(t) == tname) {
        type = t;
        known = true;
      }
    }
    if (!known) throw Bad(what + " has an unknown type '" + tname + "'");
    std::size_t elem_bytes = elem_size(type);
    if (type == ElemType::kBytes) {
      std::int64_t es = 0;
      if (H5Aexists(dset.get(), "element_size") <= 0) throw Bad(what + " has no element_size");
      Handle attr = checked(H5Aopen(dset.get(), "element_size", h5p_default()), H5Aclose,
                            "opening element_size of " + what);
      check(H5Aread(attr.get(), h5t_native_int64(), &es), "reading element_size of " + what);
      if (es <= 0 || es > (1 << 20)) throw Bad(what + " has an invalid element_size");
      elem_bytes = static_cast<std::size_t>(es);
    }
    Handle ftype = checked(H5Dget_type(dset.get()), H5Tclose, "H5Dget_type of " + what);
    const H5T_class_t cls = H5Tget_class(ftype.get());
    const bool is_float = type == ElemType::kF32 || type == ElemType::kF64;
    if ((is_float ? cls != H5T_FLOAT : cls != H5T_INTEGER) ||
        H5Tget_size(ftype.get()) != elem_size(type)) {
      throw Bad(what + " is stored with another type than its archive_type says");
    }
    Handle space = checked(H5Dget_space(dset.get()), H5Sclose, "H5Dget_space of " + what);
    if (H5Sget_simple_extent_ndims(space.get()) != 1) throw Bad(what + " is not 1-d");
    hsize_t n = 0;
    if (H5Sget_simple_extent_dims(space.get(), &n, nullptr) != 1) {
      throw Bad(what + ": cannot read its size");
    }
    // Uncompressed contiguous data: it cannot be larger than the file, and it must all be there.
    if (n > image_size || n * elem_size(type) > image_size) {
      throw Bad(what + " claims more data than the file holds");
    }
    const std::size_t bytes = static_cast<std::size_t>(n) * elem_size(type);
    if (bytes % elem_bytes != 0) throw Bad(what + " does not hold whole elements");
    if (bytes > 0 && H5Dget_storage_size(dset.get()) != bytes) {
      throw Bad(what + " is incomplete");
    }
    std::vector<unsigned char> buf(bytes);
    if (bytes > 0) {
      check(H5Dread(dset.get(), memory_type(type), h5s_all(), h5s_all(), h5p_default(), buf.data()),
            "reading " + what);
    }
    out->put_raw(path, type, elem_bytes, bytes / elem_bytes, buf.data());
    try {
      check_finite(path, *out->find(path));
    } catch (const ArchiveError& e) {
      throw Bad(e.what());
    }
  }

  void read_group(hid_t group, const std::string& prefix, std::size_t depth) {
    if (depth > kMaxDepth) throw Bad("groups are nested too deeply");
    H5G_info_t info{};
    check(H5Gget_info(group, &info), "H5Gget_info");
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t len =
          H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, h5p_default());
      if (len <= 0 || len > 4096) throw Bad("a link name cannot be read");
      std::string name(static_cast<std::size_t>(len) + 1, '\0');
      if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                             h5p_default()) != len) {
        throw Bad("a link name cannot be read");
      }
      name.resize(static_cast<std::size_t>(len));
      const std::string path = prefix.empty() ? name : prefix + "/" + name;
      try {
        check_archive_name(path);
      } catch (const std::invalid_argument&) {
        throw Bad("it holds an object with an invalid name '" + path + "'");
      }
      if (++entries > kMaxEntries) throw Bad("it holds too many objects");
      // Hard links only: a soft link could form a cycle, an external link opens another file
      // (a FIFO would hang the resume), a user-defined link runs who knows what.
      H5L_info_t linfo{};
      check(H5Lget_info_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, &linfo, lapl),
            "H5Lget_info_by_idx");
      if (linfo.type != H5L_TYPE_HARD) {
        throw Bad("'" + path + "' is a " +
                  (linfo.type == H5L_TYPE_EXTERNAL ? std::string("link to another file")
                   : linfo.type == H5L_TYPE_SOFT   ? std::string("soft link")
                                                   : std::string("user-defined link")) +
                  ", which a checkpoint never holds");
      }
      Handle obj = checked(H5Oopen(group, name.c_str(), lapl), H5Oclose, "opening '" + path + "'");
      const H5I_type_t kind = H5Iget_type(obj.get());
      if (kind == H5I_GROUP) {
        read_group(obj.get(), path, depth + 1);
      } else if (kind == H5I_DATASET) {
        read_dataset(group, name, path);
      } else {
        throw Bad("'" + path + "' is neither a group nor a dataset");
      }
    }
  }
};

/// External links are never followed (besides being refused before traversal in read_group).
extern "C" herr_t refuse_external_link(const char* /*parent_file*/, const char* /*parent_group*/,
                                       const char* /*target_file*/, const char* /*target_object*/,
                                       unsigned* /*flags*/, hid_t /*fapl*/, void* /*data*/) {
  return -1;
}

MemoryArchive read_image(const std::vector<unsigned char>& image, std::size_t length,
                         const CheckpointStamp& expected, const fs::path& path) {
  Handle fapl = make_plist(h5p_file_access(), "H5Pcreate(file access)");
  check(H5Pset_fapl_core(fapl.get(), 1U << 20U, false), "H5Pset_fapl_core");
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree");
  check(H5Pset_file_image(fapl.get(), const_cast<unsigned char*>(image.data()), length),
        "H5Pset_file_image");
  // The name only labels the in-memory image; it must not exist on disk, where the core driver
  // would refuse to open an image under the name of an existing file.
  const hid_t fid = H5Fopen("/nonexistent/brocken-checkpoint-image", H5F_ACC_RDONLY, fapl.get());
  if (fid < 0) throw Bad("it is not a readable HDF5 file (" + hdf5_error_detail() + ")");
  Handle file(fid, H5Fclose);
  Handle root = checked(H5Gopen2(file.get(), "/", h5p_default()), H5Gclose, "H5Gopen2('/')");
  bool found = false;
  const std::string format = read_string_attr(root.get(), "format", found);
  if (!found || format != kFormat) throw Bad("it is not a brocken checkpoint");
  const std::string version = require_string_attr(root.get(), "format_version");
  if (version != kFormatVersion) {
    throw Bad(fmt::format("it has checkpoint format {}, this brocken reads format {}", version,
                          kFormatVersion));
  }
  const std::string engine = require_string_attr(root.get(), "engine_version");
  const std::string commit = require_string_attr(root.get(), "git_commit");
  if (engine != expected.engine_version || commit != expected.git_commit) {
    throw CheckpointError(fmt::format(
        "checkpoint '{}' was written by brocken {} (commit {}), but this is brocken {} (commit "
        "{}); a run can only be resumed by the binary that started it",
        path.string(), engine, commit, expected.engine_version, expected.git_commit));
  }
  const std::string entries = require_string_attr(root.get(), "entries");
  const std::string hash = require_string_attr(root.get(), "content_hash");

  MemoryArchive archive;
  Handle lapl = make_plist(H5P_CLS_LINK_ACCESS_ID_g, "H5Pcreate(link access)");
  check(H5Pset_elink_cb(lapl.get(), refuse_external_link, nullptr), "H5Pset_elink_cb");
  Reader reader{&archive, image.size(), lapl.get()};
  reader.read_group(root.get(), "", 0);
  root.close("closing the root group");
  file.close("H5Fclose");
  if (std::to_string(archive.entries().size()) != entries) {
    throw Bad(fmt::format("it holds {} entries, but its header says {}", archive.entries().size(),
                          entries));
  }
  if (archive_hash(archive) != hash) {
    throw Bad("its content does not match its checksum (the file is damaged)");
  }
  return archive;
}

}  // namespace

CheckpointStamp this_build() {
  return CheckpointStamp{std::string(engine_version()), std::string(git_commit())};
}

std::string archive_hash(const MemoryArchive& archive) {
  Hasher h;
  for (const auto& [name, e] : archive.entries()) {
    h.u64(name.size());
    h.bytes(name.data(), name.size());
    h.u64(static_cast<std::uint64_t>(e.view.type));
    h.u64(e.view.elem_bytes);
    h.u64(e.view.count);
    h.bytes(e.bytes.data(), e.bytes.size());
  }
  return fmt::format("{:016x}", h.h);
}

void write_checkpoint(const MemoryArchive& archive, const fs::path& path,
                      const CheckpointStamp& stamp, const std::string& owner) {
  if (owner.size() != 16 || owner.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw std::invalid_argument("checkpoint: the owner tag must be 16 hex digits");
  }
  std::vector<unsigned char> image;
  {
    QuietHdf5Errors quiet;
    try {
      image = build_image(archive, stamp, temporary_path(path).string(), owner);
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const std::bad_alloc&) {
      throw;  // out of memory, not a problem with the file
    } catch (const std::exception& e) {
      throw OutputError("cannot write checkpoint '" + path.string() + "': " + e.what());
    }
  }
  write_file_atomically(path, image, true);
}

std::string owner_tag(const fs::path& output) {
  const std::string p = fs::absolute(output).lexically_normal().string();
  Hasher h;
  h.bytes(p.data(), p.size());
  return fmt::format("{:016x}", h.h);
}

CheckpointInfo peek_checkpoint(const fs::path& path) {
  try {
    const Fd f(open_checkpoint(path));
    const Trailer t = read_trailer(f.fd);
    return CheckpointInfo{t.file_bytes, t.length, t.owner};
  } catch (const Bad& e) {
    throw CheckpointError(
        fmt::format("checkpoint '{}' cannot be used: {}", path.string(), e.what()));
  }
}

MemoryArchive read_checkpoint(const fs::path& path, const CheckpointStamp& expected) {
  try {
    const Fd f(open_checkpoint(path));
    const Trailer t = read_trailer(f.fd);
    // The trailer has been checked against the file's size; only now is the body read.
    std::vector<unsigned char> image(static_cast<std::size_t>(t.length));
    if (!read_at(f.fd, image.data(), image.size(), 0)) throw Bad("cannot read it");
    if (image_hash(image, image.size(), t.owner) != t.hash) {
      throw Bad("its content does not match its checksum (the file is damaged)");
    }
    QuietHdf5Errors quiet;
    return read_image(image, image.size(), expected, path);
  } catch (const CheckpointError&) {
    throw;
  } catch (const Bad& e) {
    throw CheckpointError(
        fmt::format("checkpoint '{}' cannot be used: {}", path.string(), e.what()));
  } catch (const Failure& e) {
    // HDF5 refused something while reading. The bytes match the trailer's checksum, so the
    // file is as some writer left it: not damaged on disk, but not what brocken writes either,
    // or HDF5 ran out of memory. Never call it damaged (that invites deleting a good file).
    throw CheckpointError(fmt::format(
        "checkpoint '{}' cannot be used: HDF5 could not read it ({}); its checksum is intact, so "
        "either it was not written by brocken or memory ran out while reading it",
        path.string(), e.what()));
  } catch (const std::bad_alloc&) {
    throw CheckpointError(
        fmt::format("checkpoint '{}' cannot be used: not enough memory to read it", path.string()));
  }
}

}  // namespace brocken::io
