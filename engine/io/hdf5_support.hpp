#pragma once
/// @file
/// @brief Internal helpers shared by the HDF5 writers (hdf5_writer.cpp, checkpoint.cpp): wrappers
/// for HDF5's constant macros, RAII handles, and error reporting that turns HDF5's error stack
/// into an exception naming the operation and the innermost reason. Not part of the engine's
/// interface: only .cpp files in engine/io include it.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <hdf5.h>

namespace brocken::io::h5 {

/// @brief Room HDF5 needs besides the file image: its metadata cache (below 1 MiB) and
/// bookkeeping.
inline constexpr std::size_t kHdf5WorkingBytes = 1U << 20U;

/// @brief Throws std::bad_alloc unless `bytes` can be allocated right now (a probe, freed at
/// once). HDF5 does not survive every failed allocation: under a tight address-space limit
/// H5Fcreate dereferenced the metadata cache it had failed to allocate (SIGSEGV in H5AC_create).
/// The writers probe for the image and HDF5's working memory before entering the library, so that
/// running out of memory stays a std::bad_alloc the callers handle (keeping the last checkpoint).
inline void ensure_headroom(std::size_t bytes) {
  // A volatile pointer: the compiler may not elide the allocation.
  void* volatile probe = std::malloc(bytes);  // NOLINT(cppcoreguidelines-no-malloc)
  if (probe == nullptr) throw std::bad_alloc();
  std::free(probe);  // NOLINT(cppcoreguidelines-no-malloc)
}

// HDF5's constant macros expand to C casts ((hid_t)0, (size_t)-1); keeping them in these wrappers
// confines the -Wold-style-cast suppression to one place.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
inline hid_t h5p_default() {
  return H5P_DEFAULT;
}
inline hid_t h5s_all() {
  return H5S_ALL;
}
inline hid_t h5e_default() {
  return H5E_DEFAULT;
}
inline hid_t h5t_native_double() {
  return H5T_NATIVE_DOUBLE;
}
inline hid_t h5t_native_int64() {
  return H5T_NATIVE_INT64;
}
inline hid_t h5t_c_s1() {
  return H5T_C_S1;
}
inline hid_t h5p_file_create() {
  return H5P_FILE_CREATE;
}
inline hid_t h5p_file_access() {
  return H5P_FILE_ACCESS;
}
inline hid_t h5p_group_create() {
  return H5P_GROUP_CREATE;
}
inline hid_t h5p_dataset_create() {
  return H5P_DATASET_CREATE;
}
inline std::size_t h5t_variable() {
  return H5T_VARIABLE;
}
inline unsigned h5f_acc_trunc() {
  return H5F_ACC_TRUNC;
}
#pragma GCC diagnostic pop

/// @brief An HDF5 or file system operation failed; the message names the operation and the
/// innermost reason. The callers turn it into an
/// error naming the file.
class Failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------
// Error reporting

/// @brief Collects the innermost (most specific) description on the HDF5 error stack.
inline herr_t innermost_error(unsigned n, const H5E_error2_t* err, void* client) {
  // H5E_WALK_UPWARD visits the place the error was detected first.
  if (n == 0 && err != nullptr && err->desc != nullptr) {
    *static_cast<std::string*>(client) = err->desc;
  }
  return 0;
}

/// @brief HDF5's reason for the last failure, shortened to the OS error text when the failure
/// came from a system call (HDF5's raw message carries timestamps, descriptors and buffer
/// addresses that mean nothing to a user).
inline std::string hdf5_error_detail() {
  std::string desc;
  if (H5Ewalk2(h5e_default(), H5E_WALK_UPWARD, innermost_error, &desc) < 0 || desc.empty()) {
    return "HDF5 error";
  }
  constexpr std::string_view kMarker = "error message = '";
  if (const auto at = desc.find(kMarker); at != std::string::npos) {
    const auto start = at + kMarker.size();
    if (const auto end = desc.find('\'', start); end != std::string::npos) {
      return desc.substr(start, end - start);
    }
  }
  return desc;
}

/// @brief True when a memory allocation failed anywhere on the HDF5 error stack (minor codes
/// H5E_CANTALLOC, H5E_NOSPACE): the failure is then out of memory, not a bad file.
inline herr_t find_allocation_failure(unsigned /*n*/, const H5E_error2_t* err, void* client) {
  if (err != nullptr && (err->min_num == H5E_CANTALLOC_g || err->min_num == H5E_NOSPACE_g)) {
    *static_cast<bool*>(client) = true;
  }
  return 0;
}

/// @brief Throws Failure naming `what` and HDF5's reason, or std::bad_alloc when the reason is
/// that memory ran out (so that callers report it as such: exit 5, never "damaged file").
[[noreturn]] inline void fail(const std::string& what) {
  bool out_of_memory = false;
  (void)H5Ewalk2(h5e_default(), H5E_WALK_UPWARD, find_allocation_failure, &out_of_memory);
  if (out_of_memory) throw std::bad_alloc();
  throw Failure(what + " failed: " + hdf5_error_detail());
}

inline void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

/// @brief Turns HDF5's automatic error printing off for the writer's lifetime (failures are
/// reported as OutputError instead) and restores the caller's setting afterwards.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    if (H5Eget_auto2(h5e_default(), &func_, &data_) >= 0) {
      saved_ = true;
      H5Eset_auto2(h5e_default(), nullptr, nullptr);
    }
  }
  ~QuietHdf5Errors() {
    if (saved_) H5Eset_auto2(h5e_default(), func_, data_);
  }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ = false;
};

// ---------------------------------------------------------------------------------------------
// RAII handles

/// @brief Owns one hid_t and closes it with the matching H5?close function. Move-only.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  [[nodiscard]] hid_t get() const noexcept { return id_; }

  /// @brief Closes now and reports failure (destructors cannot); the handle is released either
  /// way, since a failed close must not be retried on an object HDF5 may already have freed.
  void close(const std::string& what) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0 && closer_(id) < 0) fail(what);
  }

 private:
  void reset() noexcept {
    if (id_ >= 0) closer_(id_);
    id_ = H5I_INVALID_HID;
  }

  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

inline Handle checked(hid_t id, Handle::Closer closer, const std::string& what) {
  if (id < 0) fail(what);
  return Handle(id, closer);
}

inline Handle make_plist(hid_t cls, const std::string& what) {
  return checked(H5Pcreate(cls), H5Pclose, what);
}

/// @brief A UTF-8 string type: variable length, or fixed with `size` bytes (NULLPAD: no
/// terminator is stored, the length is the type size).
inline Handle string_type(std::size_t size) {
  Handle t = checked(H5Tcopy(h5t_c_s1()), H5Tclose, "H5Tcopy(H5T_C_S1)");
  check(H5Tset_size(t.get(), size), "H5Tset_size");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset(UTF-8)");
  if (size != h5t_variable()) check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), "H5Tset_strpad");
  return t;
}

inline Handle simple_space(const std::vector<hsize_t>& shape, const std::string& what) {
  if (shape.empty()) return checked(H5Screate(H5S_SCALAR), H5Sclose, what);
  return checked(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose,
                 what);
}

/// @brief Flushes an in-memory (core driver) file, copies out its image and closes it.
inline std::vector<unsigned char> flush_and_take_image(Handle& file) {
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush");
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  if (size < 0) fail("H5Fget_file_image (size)");
  std::vector<unsigned char> image(static_cast<std::size_t>(size));
  if (H5Fget_file_image(file.get(), image.data(), image.size()) != size) fail("H5Fget_file_image");
  file.close("H5Fclose");
  return image;
}

}  // namespace brocken::io::h5
