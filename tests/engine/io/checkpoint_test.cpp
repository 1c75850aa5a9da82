// Tests of engine/io/archive.hpp and engine/io/checkpoint.hpp: the in-memory archive, the HDF5
// checkpoint file (round trip of every element type, atomic replacement), and the refusal of
// files that are missing, foreign, damaged, truncated or written by another build.
#include "engine/io/checkpoint.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/io/archive.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "engine/io/journal.hpp"
#include "engine/io/path_lock.hpp"

namespace {

namespace fs = std::filesystem;
using brocken::io::ArchiveError;
using brocken::io::CheckpointError;
using brocken::io::CheckpointStamp;
using brocken::io::MemoryArchive;

/// A raw struct without padding (padding bytes would be indeterminate, and so would the hash).
struct Pair {
  std::int16_t a;
  std::uint8_t b;
  std::uint8_t c;
};
static_assert(sizeof(Pair) == 4);

class CheckpointFile : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           fmt::format("brocken-checkpoint-test-{}-{}", ::getpid(), counter++);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::vector<unsigned char> bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write_bytes(const fs::path& p, const std::vector<unsigned char>& b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
  /// An archive with one entry of every type, including empty ones and text with odd bytes.
  static MemoryArchive sample() {
    MemoryArchive ar;
    ar.put<std::uint8_t>("t/u8", std::vector<std::uint8_t>{0, 1, 255});
    ar.put<std::int8_t>("t/i8", std::vector<std::int8_t>{-128, 0, 127});
    ar.put<std::uint16_t>("t/u16", std::vector<std::uint16_t>{0, 65535});
    ar.put<std::int16_t>("t/i16", std::vector<std::int16_t>{-32768, 32767});
    ar.put<std::uint32_t>("t/u32", std::vector<std::uint32_t>{0, 4294967295U});
    ar.put<std::int32_t>("t/i32", std::vector<std::int32_t>{-7, 1 << 30});
    ar.put<std::uint64_t>("t/u64", std::vector<std::uint64_t>{~0ULL, 42});
    ar.put<std::int64_t>("t/i64", std::vector<std::int64_t>{INT64_MIN, INT64_MAX});
    ar.put<float>("t/f32", std::vector<float>{0.1F, -0.0F, std::numeric_limits<float>::max()});
    ar.put<double>("t/f64", std::vector<double>{0.1, 1e-310, -3.5});
    ar.put<double>("t/empty", std::vector<double>{});
    ar.put<Pair>("t/pairs", std::vector<Pair>{{-1, 2, 0}, {3, 4, 5}});
    ar.put_text("meta/text", "line 1\nline 2: äöü ß \t 'quoted'");
    ar.put_text("meta/empty_text", "");
    ar.put_scalar<std::int32_t>("deep/a/b/c/tick", 17);
    return ar;
  }

  fs::path dir_;
};

TEST(Archive, PutAndGetEveryTypeWithChecks) {
  MemoryArchive ar;
  ar.put<std::int16_t>("x/ages", std::vector<std::int16_t>{1, 2, 3});
  ar.put_scalar<double>("x/scale", 0.25);
  ar.put_text("x/name", "hello");
  EXPECT_EQ(ar.get<std::int16_t>("x/ages"), (std::vector<std::int16_t>{1, 2, 3}));
  EXPECT_EQ(ar.get_scalar<double>("x/scale"), 0.25);
  EXPECT_EQ(ar.get_text("x/name"), "hello");
  EXPECT_TRUE(ar.contains("x/ages"));
  EXPECT_FALSE(ar.contains("x/nothing"));
  // Missing, another type, another length: ArchiveError naming the entry.
  EXPECT_THROW((void)ar.get<double>("x/nothing"), ArchiveError);
  try {
    (void)ar.get<std::int32_t>("x/ages");
    FAIL();
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("x/ages"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)ar.get<std::int16_t>("x/ages", 4), ArchiveError);
  EXPECT_THROW((void)ar.get_text("x/ages"), ArchiveError);
  // A name is written once; names are checked.
  EXPECT_THROW(ar.put_scalar<double>("x/scale", 1.0), std::logic_error);
  for (const char* bad : {"", "/a", "a/", "a//b", "a b", ".hidden", "a/../b"}) {
    EXPECT_THROW(ar.put_scalar<int>(bad, 1), std::invalid_argument) << bad;
  }
}

TEST_F(CheckpointFile, RoundTripKeepsEveryEntryBitForBit) {
  const MemoryArchive ar = sample();
  const fs::path p = dir_ / "a.ckpt.h5";
  brocken::io::write_checkpoint(ar, p);
  const MemoryArchive back = brocken::io::read_checkpoint(p);
  ASSERT_EQ(back.entries().size(), ar.entries().size());
  for (const auto& [name, e] : ar.entries()) {
    const auto* r = back.find(name);
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(r->type, e.view.type) << name;
    EXPECT_EQ(r->elem_bytes, e.view.elem_bytes) << name;
    EXPECT_EQ(r->count, e.view.count) << name;
    EXPECT_EQ(back.entries().at(name).bytes, e.bytes) << name;
  }
  EXPECT_EQ(brocken::io::archive_hash(back), brocken::io::archive_hash(ar));
  EXPECT_EQ(back.get_text("meta/text"), "line 1\nline 2: äöü ß \t 'quoted'");
  EXPECT_EQ(back.get_scalar<std::int32_t>("deep/a/b/c/tick"), 17);
  // Equal archives give equal files (no timestamps).
  const fs::path q = dir_ / "b.ckpt.h5";
  brocken::io::write_checkpoint(sample(), q);
  EXPECT_EQ(bytes_of(p), bytes_of(q));
}

TEST_F(CheckpointFile, ReplacesAtomicallyAndLeavesNoTemporaryFile) {
  const fs::path p = dir_ / "c.ckpt.h5";
  MemoryArchive first;
  first.put_scalar<int>("n", 1);
  brocken::io::write_checkpoint(first, p);
  MemoryArchive second;
  second.put_scalar<int>("n", 2);
  brocken::io::write_checkpoint(second, p);
  EXPECT_EQ(brocken::io::read_checkpoint(p).get_scalar<int>("n"), 2);
  std::vector<std::string> names;
  for (const auto& f : fs::directory_iterator(dir_)) names.push_back(f.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"c.ckpt.h5"});
  // A directory that does not exist: OutputError, nothing written.
  EXPECT_THROW(brocken::io::write_checkpoint(second, dir_ / "no" / "x.h5"),
               brocken::io::OutputError);
  // An entry that is also a group cannot be stored.
  MemoryArchive clash;
  clash.put_scalar<int>("a", 1);
  clash.put_scalar<int>("a/b", 2);
  EXPECT_THROW(brocken::io::write_checkpoint(clash, dir_ / "clash.h5"), std::invalid_argument);
  EXPECT_FALSE(fs::exists(dir_ / "clash.h5"));
}

/// read_checkpoint fails with a CheckpointError whose message names the file and contains
/// `needle`.
void expect_refused(const fs::path& p, const std::string& needle,
                    const CheckpointStamp& stamp = brocken::io::this_build()) {
  try {
    (void)brocken::io::read_checkpoint(p, stamp);
    ADD_FAILURE() << "accepted " << p;
  } catch (const CheckpointError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << msg;
  }
}

TEST_F(CheckpointFile, RefusesMissingForeignAndOtherBuilds) {
  expect_refused(dir_ / "missing.h5", "no such file");
  write_bytes(dir_ / "text.h5", {'h', 'e', 'l', 'l', 'o'});
  expect_refused(dir_ / "text.h5", "not a brocken checkpoint");
  write_bytes(dir_ / "empty.h5", {});
  expect_refused(dir_ / "empty.h5", "not a brocken checkpoint");
  expect_refused(dir_, "not a regular file");
  // An HDF5 output file is not a checkpoint.
  brocken::io::Dataset ds;
  ds.dims.push_back({"x", {1.0, 2.0}, {}, {}});
  brocken::io::write_hdf5(ds, dir_ / "output.h5", false);
  expect_refused(dir_ / "output.h5", "not a brocken checkpoint");
  // Another version or commit.
  brocken::io::write_checkpoint(sample(), dir_ / "old.h5", CheckpointStamp{"0.0.9", "abc1234"});
  expect_refused(dir_ / "old.h5", "was written by brocken 0.0.9 (commit abc1234)");
  brocken::io::write_checkpoint(sample(), dir_ / "other.h5",
                                CheckpointStamp{brocken::io::this_build().engine_version, "x"});
  expect_refused(dir_ / "other.h5", "(commit x)");
  EXPECT_NO_THROW((void)brocken::io::read_checkpoint(
      dir_ / "other.h5", CheckpointStamp{brocken::io::this_build().engine_version, "x"}));
}

TEST_F(CheckpointFile, RefusesEveryTruncationAndDamagedBytesWithoutCrashing) {
  const fs::path good = dir_ / "good.h5";
  brocken::io::write_checkpoint(sample(), good);
  const auto bytes = bytes_of(good);
  ASSERT_GT(bytes.size(), 1000U);
  // Truncations at many lengths.
  const fs::path bad = dir_ / "bad.h5";
  for (std::size_t len = 0; len < bytes.size();
       len += std::max<std::size_t>(1, bytes.size() / 97)) {
    write_bytes(bad, std::vector<unsigned char>(bytes.begin(),
                                                bytes.begin() + static_cast<std::ptrdiff_t>(len)));
    EXPECT_THROW((void)brocken::io::read_checkpoint(bad), CheckpointError) << "length " << len;
  }
  // One flipped byte at many places: either refused, or (in bytes HDF5 never reads, such as
  // padding) accepted with exactly the original content.
  int refused = 0;
  for (std::size_t at = 0; at < bytes.size(); at += 7) {
    auto damaged = bytes;
    damaged[at] ^= 0x5A;
    write_bytes(bad, damaged);
    try {
      const MemoryArchive back = brocken::io::read_checkpoint(bad);
      EXPECT_EQ(brocken::io::archive_hash(back), brocken::io::archive_hash(sample())) << at;
    } catch (const CheckpointError&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  // Damaged raw data, which HDF5 does not checksum, is caught by the content hash.
  MemoryArchive big;
  big.put<double>("data", std::vector<double>(1000, 1.5));
  brocken::io::write_checkpoint(big, good);
  auto raw = bytes_of(good);
  const unsigned char pattern[] = {0, 0, 0, 0, 0, 0, 0xF8, 0x3F};  // 1.5 little endian
  auto it = std::search(raw.begin(), raw.end(), std::begin(pattern), std::end(pattern));
  ASSERT_NE(it, raw.end());
  it[500 * 8 + 6] ^= 0x01;
  write_bytes(bad, raw);
  expect_refused(bad, "does not match its checksum");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Hardening (issue 9): nothing in a checkpoint is trusted.

TEST_F(CheckpointFile, RefusesNonFiniteValuesNamingTheEntry) {
  for (const double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    MemoryArchive ar = sample();
    ar.put<double>("x/series", std::vector<double>{1.0, bad, 3.0});
    const fs::path p = dir_ / "nan.h5";
    brocken::io::write_checkpoint(ar, p);
    try {
      (void)brocken::io::read_checkpoint(p);
      FAIL() << "accepted " << bad;
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find("entry 'x/series' holds"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("not a finite number"), std::string::npos);
    }
  }
}

TEST_F(CheckpointFile, PeekReadsTheTrailerAndOwnerOnly) {
  const fs::path p = dir_ / "a.ckpt.h5";
  const std::string owner = brocken::io::owner_tag(dir_ / "out.h5");
  ASSERT_EQ(owner.size(), 16U);
  EXPECT_EQ(owner, brocken::io::owner_tag(dir_ / "x" / ".." / "out.h5"));
  EXPECT_NE(owner, brocken::io::owner_tag(dir_ / "other.h5"));
  brocken::io::write_checkpoint(sample(), p, brocken::io::this_build(), owner);
  const auto info = brocken::io::peek_checkpoint(p);
  EXPECT_EQ(info.owner, owner);
  EXPECT_EQ(info.file_bytes, fs::file_size(p));
  EXPECT_EQ(info.body_bytes + 128, info.file_bytes);
  // A file padded to a larger size keeps no valid trailer at its end: refused by the trailer
  // alone, whatever its size.
  fs::resize_file(p, info.file_bytes + (1U << 20U));
  EXPECT_THROW((void)brocken::io::peek_checkpoint(p), CheckpointError);
  // A FIFO is refused without waiting for a writer.
  const fs::path fifo = dir_ / "fifo.h5";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW((void)brocken::io::peek_checkpoint(fifo), CheckpointError);
  EXPECT_THROW((void)brocken::io::read_checkpoint(fifo), CheckpointError);
}

TEST_F(CheckpointFile, EveryTrailerByteIsChecked) {
  const fs::path good = dir_ / "good.h5";
  brocken::io::write_checkpoint(sample(), good);
  const auto bytes = bytes_of(good);
  for (std::size_t back = 1; back <= 128; ++back) {
    auto b = bytes;
    b[b.size() - back] ^= 0x01U;
    const fs::path p = dir_ / "flip.h5";
    write_bytes(p, b);
    EXPECT_THROW((void)brocken::io::read_checkpoint(p), CheckpointError) << back;
  }
}

TEST(SerializedArchive, RoundTripsAndRefusesDamage) {
  MemoryArchive ar;
  ar.put<double>("s/a", std::vector<double>{1.5, -2.0});
  ar.put<std::uint64_t>("s/b", std::vector<std::uint64_t>{7});
  ar.put_text("t", "text");
  const auto bytes = brocken::io::serialize_archive(ar);
  const MemoryArchive back = brocken::io::deserialize_archive(bytes);
  EXPECT_EQ(brocken::io::archive_hash(back), brocken::io::archive_hash(ar));
  EXPECT_EQ(back.get_text("t"), "text");
  // Every truncation is refused, never read past the end.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(
        (void)brocken::io::deserialize_archive(std::span<const unsigned char>(bytes.data(), n)),
        ArchiveError)
        << n;
  }
  MemoryArchive nan;
  nan.put<double>("v", std::vector<double>{std::numeric_limits<double>::quiet_NaN()});
  EXPECT_THROW((void)brocken::io::deserialize_archive(brocken::io::serialize_archive(nan)),
               ArchiveError);
}

TEST_F(CheckpointFile, JournalAppendsAndReadsBackOnlyTheValidPart) {
  const fs::path j = dir_ / "c.series";
  brocken::io::JournalWriter w(j, "0123456789abcdef", 0, 0);
  EXPECT_EQ(brocken::io::journal_owner(j), "0123456789abcdef");
  const std::vector<unsigned char> r1{1, 2, 3};
  const std::vector<unsigned char> r2(1000, 7);
  w.append(r1);
  const auto bytes1 = w.bytes();
  const auto hash1 = w.hash();
  w.append(r2);
  auto recs = brocken::io::read_journal(j, w.bytes(), w.hash(), 2);
  ASSERT_EQ(recs.size(), 2U);
  EXPECT_EQ(recs[0], r1);
  EXPECT_EQ(recs[1], r2);
  // A checkpoint that counted only the first record reads only it; the second is ignored.
  recs = brocken::io::read_journal(j, bytes1, hash1, 1);
  ASSERT_EQ(recs.size(), 1U);
  // Continuing from the first record cuts the second off.
  brocken::io::JournalWriter again(j, "0123456789abcdef", bytes1, hash1);
  again.append(r1);
  EXPECT_EQ(fs::file_size(j), again.bytes());
  EXPECT_EQ(brocken::io::read_journal(j, again.bytes(), again.hash(), 2)[1], r1);
  // Wrong counts, hashes and lengths are refused.
  EXPECT_THROW((void)brocken::io::read_journal(j, again.bytes(), again.hash(), 3),
               std::runtime_error);
  EXPECT_THROW((void)brocken::io::read_journal(j, again.bytes(), again.hash() ^ 1U, 2),
               std::runtime_error);
  EXPECT_THROW((void)brocken::io::read_journal(j, again.bytes() + 1, again.hash(), 2),
               std::runtime_error);
  EXPECT_EQ(brocken::io::journal_owner(dir_ / "none"), "");
}

TEST_F(CheckpointFile, PathLockIsExclusiveNamesTheHolderAndIsReleased) {
  const fs::path out = dir_ / "o.h5";
  {
    brocken::io::PathLock a(out, "pid 1 on test: first");
    EXPECT_TRUE(fs::exists(brocken::io::lock_path(out)));
    try {
      brocken::io::PathLock b(out, "second");
      FAIL() << "a second lock was granted";
    } catch (const brocken::io::LockError& e) {
      EXPECT_NE(std::string(e.what()).find("pid 1 on test: first"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(brocken::io::lock_path(out)));
  // A stale lock file (its holder died) is taken over.
  write_bytes(brocken::io::lock_path(out), {'x', '\n'});
  brocken::io::PathLock c(out, "third");
  EXPECT_TRUE(c.held());
}
