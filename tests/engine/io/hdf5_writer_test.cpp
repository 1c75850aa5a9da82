/// @file
/// @brief Tests for engine/io/hdf5_writer: the file read back through the HDF5 C API, overwrite
/// rules, atomicity (no temporary file left, an existing file untouched on failure, including a
/// simulated full disk in a forked child) and Dataset validation.
#include "engine/io/hdf5_writer.hpp"

#include <array>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/io/dataset.hpp"

namespace brocken::io {
namespace {

namespace fs = std::filesystem;

// HDF5's constant macros are C casts; see the same wrappers in hdf5_writer.cpp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
hid_t h5p_default() {
  return H5P_DEFAULT;
}
hid_t h5s_all() {
  return H5S_ALL;
}
hid_t h5e_default() {
  return H5E_DEFAULT;
}
hid_t native_double() {
  return H5T_NATIVE_DOUBLE;
}
hid_t native_int64() {
  return H5T_NATIVE_INT64;
}
#pragma GCC diagnostic pop

/// @brief Closes an hid_t at scope exit.
class Id {
 public:
  Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id_ >= 0) closer_(id_);
  }
  [[nodiscard]] hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

/// @brief A fresh directory per test, removed afterwards.
class Hdf5WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("brocken_io_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }

  /// @brief Names of files in the test directory containing ".tmp-" (must always be none).
  [[nodiscard]] std::vector<std::string> temp_files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const auto name = e.path().filename().string();
      if (name.find(".tmp-") != std::string::npos) out.push_back(name);
    }
    return out;
  }

  fs::path dir_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

Dimension numeric_dim(std::string name, std::vector<double> values) {
  Dimension d;
  d.name = std::move(name);
  d.numeric = std::move(values);
  return d;
}

Dimension text_dim(std::string name, std::vector<std::string> values) {
  Dimension d;
  d.name = std::move(name);
  d.text = std::move(values);
  return d;
}

Variable make_var(std::string name, std::vector<std::string> dims, std::vector<double> values = {},
                  std::string group = {}) {
  Variable v;
  v.name = std::move(name);
  v.group = std::move(group);
  v.dims = std::move(dims);
  v.values = std::move(values);
  return v;
}

Dataset sample(std::size_t n_time = 4) {
  Dataset d;
  Dimension time = numeric_dim("time", {});
  for (std::size_t t = 0; t < n_time; ++t) time.numeric.push_back(31.0 * static_cast<double>(t));
  time.attrs["units"] = std::string("days since 2024-01-01");
  time.attrs["calendar"] = std::string("standard");
  Dimension district = text_dim("district", {"15001", "15002", "15003"});
  d.dims = {time, district};

  Variable names = make_var("district_name", {"district"});
  names.text = {"Dessau-Roßlau", "Halle (Saale)", "Magdeburg"};
  Variable pop = make_var("population", {"time", "district"});
  for (std::size_t i = 0; i < n_time * 3; ++i) pop.values.push_back(static_cast<double>(i) + 0.5);
  pop.attrs["units"] = std::string("persons");
  pop.attrs["history"] = std::string(70'000, 'h');  // beyond the 64 kB object header limit
  Variable spending = make_var("spending", {"time"}, {}, "policy");
  for (std::size_t t = 0; t < n_time; ++t)
    spending.values.push_back(100.0 * static_cast<double>(t));
  Variable total = make_var("total", {}, {42.0}, "policy/summary");  // scalar
  d.vars = {names, pop, spending, total};

  d.attrs["title"] = std::string("test");
  d.attrs["scenario_yaml"] = std::string(100'000, 'y');
  d.attrs["empty"] = std::string();
  d.attrs["seed"] = std::int64_t{-1234567890123};
  d.attrs["scale"] = 0.125;
  return d;
}

// ---- read-back helpers (HDF5 C API) ---------------------------------------------------------

std::vector<double> read_doubles(hid_t file, const char* name) {
  Id dset(H5Dopen2(file, name, h5p_default()), H5Dclose);
  EXPECT_GE(dset.get(), 0) << name;
  Id space(H5Dget_space(dset.get()), H5Sclose);
  const auto n = H5Sget_simple_extent_npoints(space.get());
  std::vector<double> out(static_cast<std::size_t>(n));
  EXPECT_GE(H5Dread(dset.get(), native_double(), h5s_all(), h5s_all(), h5p_default(), out.data()),
            0);
  return out;
}

std::vector<std::string> read_strings(hid_t file, const char* name) {
  Id dset(H5Dopen2(file, name, h5p_default()), H5Dclose);
  Id type(H5Dget_type(dset.get()), H5Tclose);
  EXPECT_GT(H5Tis_variable_str(type.get()), 0);
  EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8);
  Id space(H5Dget_space(dset.get()), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<char*> ptrs(n, nullptr);
  EXPECT_GE(H5Dread(dset.get(), type.get(), h5s_all(), h5s_all(), h5p_default(), ptrs.data()), 0);
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p != nullptr ? p : "");
    H5free_memory(p);
  }
  return out;
}

/// @brief A string attribute, fixed- or variable-length; `fixed` reports which one it was.
std::string read_string_attr(hid_t obj, const char* name, bool* fixed = nullptr) {
  Id attr(H5Aopen(obj, name, h5p_default()), H5Aclose);
  EXPECT_GE(attr.get(), 0) << name;
  Id type(H5Aget_type(attr.get()), H5Tclose);
  EXPECT_EQ(H5Tget_class(type.get()), H5T_STRING) << name;
  EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8) << name;
  Id space(H5Aget_space(attr.get()), H5Sclose);
  EXPECT_EQ(H5Sget_simple_extent_type(space.get()), H5S_SCALAR) << name;
  if (H5Tis_variable_str(type.get()) > 0) {
    if (fixed != nullptr) *fixed = false;
    char* p = nullptr;
    EXPECT_GE(H5Aread(attr.get(), type.get(), &p), 0);
    std::string out = p != nullptr ? p : "";
    H5free_memory(p);
    return out;
  }
  if (fixed != nullptr) *fixed = true;
  std::string out(H5Tget_size(type.get()), '\0');
  EXPECT_GE(H5Aread(attr.get(), type.get(), out.data()), 0);
  return out;
}

template <typename T>
T read_scalar_attr(hid_t obj, const char* name, hid_t mem_type, H5T_class_t cls) {
  Id attr(H5Aopen(obj, name, h5p_default()), H5Aclose);
  Id type(H5Aget_type(attr.get()), H5Tclose);
  EXPECT_EQ(H5Tget_class(type.get()), cls);
  EXPECT_EQ(H5Tget_size(type.get()), sizeof(T));
  T value{};
  EXPECT_GE(H5Aread(attr.get(), mem_type, &value), 0);
  return value;
}

// ---- tests ----------------------------------------------------------------------------------

TEST_F(Hdf5WriterTest, RoundTripThroughTheCApi) {
  const auto path = dir_ / "out.h5";
  const Dataset data = sample();
  write_hdf5(data, path, false);
  EXPECT_TRUE(temp_files().empty());

  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, h5p_default()), H5Fclose);
  ASSERT_GE(file.get(), 0);
  EXPECT_EQ(read_doubles(file.get(), "time"), data.dims[0].numeric);
  EXPECT_EQ(read_strings(file.get(), "district"), data.dims[1].text);
  EXPECT_EQ(read_strings(file.get(), "district_name"), data.vars[0].text);
  EXPECT_EQ(read_doubles(file.get(), "population"), data.vars[1].values);
  EXPECT_EQ(read_doubles(file.get(), "policy/spending"), data.vars[2].values);
  EXPECT_EQ(read_doubles(file.get(), "policy/summary/total"), std::vector<double>{42.0});

  // Root attributes: text (including 100 kB and empty), int64, double.
  Id root(H5Gopen2(file.get(), "/", h5p_default()), H5Gclose);
  bool fixed = false;
  EXPECT_EQ(read_string_attr(root.get(), "title", &fixed), "test");
  EXPECT_TRUE(fixed);
  EXPECT_EQ(read_string_attr(root.get(), "scenario_yaml"), std::string(100'000, 'y'));
  EXPECT_EQ(read_string_attr(root.get(), "empty", &fixed), "");
  EXPECT_FALSE(fixed);
  EXPECT_EQ(read_scalar_attr<std::int64_t>(root.get(), "seed", native_int64(), H5T_INTEGER),
            -1234567890123);
  EXPECT_EQ(read_scalar_attr<double>(root.get(), "scale", native_double(), H5T_FLOAT), 0.125);

  // Dimension scales, attached to every variable that uses them (also in subgroups).
  Id time(H5Dopen2(file.get(), "time", h5p_default()), H5Dclose);
  Id district(H5Dopen2(file.get(), "district", h5p_default()), H5Dclose);
  EXPECT_GT(H5DSis_scale(time.get()), 0);
  EXPECT_GT(H5DSis_scale(district.get()), 0);
  EXPECT_EQ(read_string_attr(time.get(), "units"), "days since 2024-01-01");
  EXPECT_EQ(read_string_attr(time.get(), "calendar"), "standard");
  std::string scale_name(16, '\0');
  const auto len = H5DSget_scale_name(time.get(), scale_name.data(), scale_name.size());
  EXPECT_EQ(scale_name.substr(0, static_cast<std::size_t>(len)), "time");

  Id pop(H5Dopen2(file.get(), "population", h5p_default()), H5Dclose);
  EXPECT_GT(H5DSis_attached(pop.get(), time.get(), 0), 0);
  EXPECT_GT(H5DSis_attached(pop.get(), district.get(), 1), 0);
  EXPECT_EQ(read_string_attr(pop.get(), "units"), "persons");
  EXPECT_EQ(read_string_attr(pop.get(), "history"), std::string(70'000, 'h'));
  Id spending(H5Dopen2(file.get(), "policy/spending", h5p_default()), H5Dclose);
  EXPECT_GT(H5DSis_attached(spending.get(), time.get(), 0), 0);
  Id names(H5Dopen2(file.get(), "district_name", h5p_default()), H5Dclose);
  EXPECT_GT(H5DSis_attached(names.get(), district.get(), 0), 0);

  // Time series: chunked along time, shuffle + deflate 4.
  Id dcpl(H5Dget_create_plist(pop.get()), H5Pclose);
  ASSERT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED);
  std::array<hsize_t, 2> chunk{0, 0};
  ASSERT_EQ(H5Pget_chunk(dcpl.get(), 2, chunk.data()), 2);
  EXPECT_EQ(chunk[0], 4U);
  EXPECT_EQ(chunk[1], 3U);
  ASSERT_EQ(H5Pget_nfilters(dcpl.get()), 2);
  unsigned flags = 0;
  std::size_t nelmts = 1;
  unsigned level = 0;
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 0, &flags, &nelmts, &level, 0, nullptr, nullptr),
            H5Z_FILTER_SHUFFLE);
  nelmts = 1;
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 1, &flags, &nelmts, &level, 0, nullptr, nullptr),
            H5Z_FILTER_DEFLATE);
  EXPECT_EQ(level, 4U);
  // Coordinates stay contiguous.
  Id time_dcpl(H5Dget_create_plist(time.get()), H5Pclose);
  EXPECT_EQ(H5Pget_layout(time_dcpl.get()), H5D_CONTIGUOUS);
}

TEST_F(Hdf5WriterTest, ChunksAreCappedAndLargeNonTimeVariablesCompressed) {
  Dataset d;
  d.dims = {numeric_dim("time", std::vector<double>(200, 0.0)),
            numeric_dim("x", std::vector<double>(600, 0.0)),
            numeric_dim("y", std::vector<double>(1000, 0.0)),
            numeric_dim("small", std::vector<double>(10, 0.0))};
  d.vars.push_back(make_var("long_series", {"time", "small"}, std::vector<double>(2000, 1.0)));
  d.vars.push_back(make_var("big", {"x", "y"}, std::vector<double>(600'000, 2.0)));
  d.vars.push_back(make_var("tiny", {"small"}, std::vector<double>(10, 3.0)));
  const auto path = dir_ / "chunks.h5";
  write_hdf5(d, path, false);

  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, h5p_default()), H5Fclose);
  const auto chunk_of = [&](const char* name) {
    Id dset(H5Dopen2(file.get(), name, h5p_default()), H5Dclose);
    Id dcpl(H5Dget_create_plist(dset.get()), H5Pclose);
    std::vector<hsize_t> chunk(2, 0);
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return std::vector<hsize_t>{};
    chunk.resize(static_cast<std::size_t>(H5Pget_chunk(dcpl.get(), 2, chunk.data())));
    return chunk;
  };
  EXPECT_EQ(chunk_of("long_series"), (std::vector<hsize_t>{120, 10}));
  // 600 x 1000 doubles = 4.8 MB > 4 MiB: the outer dimension is cut to fit 4 MiB.
  EXPECT_EQ(chunk_of("big"), (std::vector<hsize_t>{524, 1000}));
  EXPECT_TRUE(chunk_of("tiny").empty());
  EXPECT_EQ(read_doubles(file.get(), "big"), std::vector<double>(600'000, 2.0));
}

TEST_F(Hdf5WriterTest, EmptyDimensionsAndScalarsAreWritten) {
  Dataset d;
  d.dims = {numeric_dim("time", {}), text_dim("k", {})};
  d.vars.push_back(make_var("series", {"time"}));
  d.vars.push_back(make_var("scalar", {}, {7.0}));
  const auto path = dir_ / "empty.h5";
  write_hdf5(d, path, false);
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, h5p_default()), H5Fclose);
  EXPECT_TRUE(read_doubles(file.get(), "series").empty());
  EXPECT_EQ(read_doubles(file.get(), "scalar"), std::vector<double>{7.0});
}

TEST_F(Hdf5WriterTest, EqualDatasetsGiveIdenticalBytes) {
  write_hdf5(sample(), dir_ / "a.h5", false);
  write_hdf5(sample(), dir_ / "b.h5", false);
  EXPECT_EQ(slurp(dir_ / "a.h5"), slurp(dir_ / "b.h5"));
}

TEST_F(Hdf5WriterTest, RefusesToOverwriteWithoutForce) {
  const auto path = dir_ / "out.h5";
  spit(path, "old contents");
  try {
    write_hdf5(sample(), path, false);
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exists; pass --force to overwrite"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(slurp(path), "old contents");
  EXPECT_TRUE(temp_files().empty());
  EXPECT_THROW(check_output_target(path, false), OutputError);
  EXPECT_NO_THROW(check_output_target(path, true));
}

TEST_F(Hdf5WriterTest, OverwritesWithForce) {
  const auto path = dir_ / "out.h5";
  spit(path, "old contents");
  write_hdf5(sample(), path, true);
  EXPECT_GT(H5Fis_hdf5(path.c_str()), 0);
  EXPECT_TRUE(temp_files().empty());
  // And over a previous HDF5 output.
  write_hdf5(sample(7), path, true);
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, h5p_default()), H5Fclose);
  EXPECT_EQ(read_doubles(file.get(), "time").size(), 7U);
}

TEST_F(Hdf5WriterTest, FailsIntoMissingDirectory) {
  const auto path = dir_ / "missing" / "out.h5";
  try {
    write_hdf5(sample(), path, false);
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
  EXPECT_THROW(check_output_target(path, true), OutputError);
}

TEST_F(Hdf5WriterTest, CheckOutputTargetRejectsDirectoriesAndReadOnlyDirectories) {
  fs::create_directory(dir_ / "sub");
  EXPECT_THROW(check_output_target(dir_ / "sub", true), OutputError);
  EXPECT_THROW(check_output_target(dir_ / "sub/", true), OutputError);
  EXPECT_THROW(write_hdf5(sample(), dir_ / "sub", true), OutputError);
  EXPECT_TRUE(fs::is_directory(dir_ / "sub"));
  EXPECT_NO_THROW(check_output_target(dir_ / "sub" / "new.h5", false));
  spit(dir_ / "plain", "x");
  EXPECT_THROW(check_output_target(dir_ / "plain" / "out.h5", true), OutputError);

  if (::geteuid() == 0) GTEST_SKIP() << "root can write to read-only directories";
  fs::permissions(dir_ / "sub", fs::perms::owner_read | fs::perms::owner_exec);
  try {
    check_output_target(dir_ / "sub" / "out.h5", true);
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("not writable"), std::string::npos) << e.what();
  }
}

TEST_F(Hdf5WriterTest, InvalidDatasetLeavesExistingFileUntouched) {
  const auto path = dir_ / "out.h5";
  write_hdf5(sample(), path, false);
  const std::string before = slurp(path);
  Dataset bad = sample();
  bad.vars[1].values.pop_back();
  try {
    write_hdf5(bad, path, true);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("population"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(path), before);
  EXPECT_TRUE(temp_files().empty());
}

TEST_F(Hdf5WriterTest, FailureNamesPathAndCauseAndKeepsForeignTempPath) {
  // A directory squatting on the temporary name makes creating it fail; it is not ours to remove.
  const auto path = dir_ / "out.h5";
  spit(path, "old contents");
  const auto squatter = fs::path(path.string() + ".tmp-" + std::to_string(::getpid()));
  fs::create_directory(squatter);
  H5E_auto2_t func_before = nullptr;
  void* data_before = nullptr;
  H5Eget_auto2(h5e_default(), &func_before, &data_before);
  try {
    write_hdf5(sample(), path, true);
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg, "cannot write '" + path.string() + "': creating '" + squatter.string() +
                       "' failed: Is a directory");
  }
  EXPECT_TRUE(fs::is_directory(squatter));
  EXPECT_EQ(slurp(path), "old contents");
  // The caller's HDF5 error printing is restored.
  H5E_auto2_t func_after = nullptr;
  void* data_after = nullptr;
  H5Eget_auto2(h5e_default(), &func_after, &data_after);
  EXPECT_EQ(func_after, func_before);
  EXPECT_EQ(data_after, data_before);
}

TEST_F(Hdf5WriterTest, FullDiskInChildLeavesOldFileAndNoTempFile) {
  const auto path = dir_ / "out.h5";
  write_hdf5(sample(), path, false);
  const std::string before = slurp(path);

  // ~1.6 MB of incompressible doubles against a 256 KiB file size limit.
  Dataset big = sample();
  Dimension cell = numeric_dim("cell", {});
  Variable noise = make_var("noise", {"cell"});
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 200'000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    cell.numeric.push_back(i);
    noise.values.push_back(static_cast<double>(state >> 11U) * 0x1.0p-53);
  }
  big.dims.push_back(std::move(cell));
  big.vars.push_back(std::move(noise));

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Only async-signal-safe exits from here: never return into gtest in the child.
    if (std::signal(SIGXFSZ, SIG_IGN) == SIG_ERR) ::_exit(21);
    constexpr rlim_t kMaxBytes = rlim_t{256} * 1024;
    const rlimit limit{kMaxBytes, kMaxBytes};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(20);
    try {
      write_hdf5(big, path, true);
      ::_exit(10);  // should have failed
    } catch (const OutputError& e) {
      const std::string msg = e.what();
      if (msg.find(path.string()) == std::string::npos) ::_exit(11);
      if (msg.find("File too large") == std::string::npos) ::_exit(12);
      const auto tmp = fs::path(path.string() + ".tmp-" + std::to_string(::getpid()));
      ::_exit(fs::exists(tmp) ? 13 : 0);
    } catch (...) {
      ::_exit(14);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "child status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "10: no error, 11: path not named, 12: cause not named, 13: temp file left, 14: other, "
         "20: setrlimit failed, 21: signal failed";
  EXPECT_EQ(slurp(path), before);
  EXPECT_TRUE(temp_files().empty());
}

TEST(Hdf5WriterValidation, RejectsMalformedDatasets) {
  const auto path = fs::temp_directory_path() / "brocken_io_never_written.h5";
  const auto expect_invalid = [&](const Dataset& d, const std::string& needle) {
    try {
      write_hdf5(d, path, true);
      ADD_FAILURE() << "expected std::invalid_argument mentioning " << needle;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(path));
  };
  {
    Dataset d = sample();
    d.dims.push_back(d.dims[0]);
    expect_invalid(d, "duplicate dimension 'time'");
  }
  {
    Dataset d = sample();
    d.vars[1].dims = {"time", "age"};
    expect_invalid(d, "unknown dimension 'age'");
  }
  {
    Dataset d = sample();
    d.vars[1].values.push_back(1.0);
    expect_invalid(d, "has 13 values, expected 12");
  }
  {
    Dataset d = sample();
    d.vars[1].name = "a/b";
    expect_invalid(d, "contains '/'");
  }
  {
    Dataset d = sample();
    d.vars[1].name.clear();
    expect_invalid(d, "empty name");
  }
  {
    Dataset d = sample();
    d.dims[0].name.clear();
    expect_invalid(d, "empty name");
  }
  {
    Dataset d = sample();
    d.vars[2].group = "policy//x";
    expect_invalid(d, "empty name");
  }
  {
    Dataset d = sample();
    d.vars[0].dims = {"time", "district"};
    expect_invalid(d, "exactly one dimension");
  }
  {
    Dataset d = sample();
    d.vars[0].text.pop_back();
    expect_invalid(d, "has 2 text values, expected 3");
  }
  {
    Dataset d = sample();
    d.vars.push_back(d.vars[1]);
    expect_invalid(d, "duplicate variable 'population'");
  }
  {
    Dataset d = sample();
    d.vars.push_back(make_var("time", {"time"}, {1, 2, 3, 4}));
    expect_invalid(d, "name of a dimension");
  }
  {
    Dataset d = sample();
    d.vars.push_back(make_var("policy", {}, {1}));
    expect_invalid(d, "same path as a group");
  }
  {
    // A root dimension is a dataset; a group of the same name cannot be created next to it.
    Dataset d = sample();
    d.vars[2].group = "district/sub";
    expect_invalid(d, "group 'district' has the name of a dimension");
  }
  {
    Dataset d = sample();
    d.dims[1].numeric = {1, 2, 3};
    expect_invalid(d, "both numeric and text");
  }
  {
    Dataset d = sample();
    d.vars[0].text[1] = "\xC3(";
    expect_invalid(d, "not valid UTF-8");
  }
  {
    Dataset d = sample();
    d.attrs["NAME"] = std::string("x");
    expect_invalid(d, "reserved");
  }
  {
    Dataset d = sample();
    d.vars[1].dims = {"district", "district"};
    d.vars[1].values.resize(9);
    expect_invalid(d, "twice");
  }
}

}  // namespace
}  // namespace brocken::io
