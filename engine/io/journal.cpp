#include "engine/io/journal.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/io/atomic_file.hpp"
#include "engine/io/posix_file.hpp"

namespace brocken::io {
namespace {

namespace fs = std::filesystem;
using posix::errno_text;
using posix::Fd;
using posix::read_at;

constexpr std::string_view kJournalMagic = "BROCKEN JOURNAL 1 owner ";
constexpr std::string_view kRecordMagic = "REC1";
constexpr std::uint64_t kRecordHead = 4 + 8 + 8;

void put_u64(unsigned char* p, std::uint64_t v) {
  for (std::size_t i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

void write_all(int fd, const unsigned char* p, std::size_t n, std::uint64_t at,
               const fs::path& path) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t w = ::pwrite(fd, p + done, n - done, static_cast<off_t>(at + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int err = w < 0 ? errno : ENOSPC;
      throw OutputError(fmt::format("writing '{}' failed: {}", path.string(), errno_text(err)));
    }
    done += static_cast<std::size_t>(w);
  }
}

std::string header_line(const std::string& owner) {
  std::string h = std::string(kJournalMagic) + owner + "\n";
  h.resize(kJournalHeader, '\n');
  return h;
}

}  // namespace

std::uint64_t fnv1a(std::span<const unsigned char> bytes, std::uint64_t h) noexcept {
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string journal_owner(const fs::path& path) {
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW));
  if (f.fd < 0) return {};
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) return {};
  unsigned char buf[kJournalHeader];
  if (!read_at(f.fd, buf, sizeof buf, 0)) return {};
  const std::string_view h(reinterpret_cast<const char*>(buf), sizeof buf);
  if (h.substr(0, kJournalMagic.size()) != kJournalMagic) return {};
  std::string owner(h.substr(kJournalMagic.size(), 16));
  for (const char c : owner) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  }
  return owner;
}

JournalWriter::JournalWriter(fs::path path, std::string owner, std::uint64_t valid_bytes,
                             std::uint64_t valid_hash)
    : path_(std::move(path)), owner_(std::move(owner)) {
  if (valid_bytes == 0) {
    // A new journal: written whole (header only) and atomically, like every other file.
    const std::string h = header_line(owner_);
    const auto* p = reinterpret_cast<const unsigned char*>(h.data());
    write_file_atomically(path_, std::span<const unsigned char>(p, h.size()), true);
    bytes_ = kJournalHeader;
    hash_ = fnv1a(std::span<const unsigned char>(p, h.size()));
    return;
  }
  bytes_ = valid_bytes;
  hash_ = valid_hash;
}

void JournalWriter::append(std::span<const unsigned char> payload) {
  Fd f(::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (f.fd < 0) {
    throw OutputError(
        fmt::format("cannot open '{}' to append: {}", path_.string(), errno_text(errno)));
  }
  // Cut off whatever follows the valid part (a record of a replication whose checkpoint was
  // never written), then append.
  if (::ftruncate(f.fd, static_cast<off_t>(bytes_)) != 0) {
    throw OutputError(fmt::format("truncating '{}' failed: {}", path_.string(), errno_text(errno)));
  }
  unsigned char head[kRecordHead];
  std::memcpy(head, kRecordMagic.data(), 4);
  put_u64(head + 4, payload.size());
  put_u64(head + 12, fnv1a(payload));
  try {
    write_all(f.fd, head, sizeof head, bytes_, path_);
    write_all(f.fd, payload.data(), payload.size(), bytes_ + kRecordHead, path_);
    if (::fsync(f.fd) != 0) {
      throw OutputError(fmt::format("fsync of '{}' failed: {}", path_.string(), errno_text(errno)));
    }
  } catch (const OutputError&) {
    // Leave the valid part as it was (best effort: the next append truncates again anyway).
    (void)::ftruncate(f.fd, static_cast<off_t>(bytes_));
    throw;
  }
  if (::close(f.release()) != 0) {
    throw OutputError(fmt::format("closing '{}' failed: {}", path_.string(), errno_text(errno)));
  }
  hash_ = fnv1a(std::span<const unsigned char>(head, sizeof head), hash_);
  hash_ = fnv1a(payload, hash_);
  bytes_ += kRecordHead + payload.size();
}

std::vector<std::vector<unsigned char>> read_journal(const fs::path& path,
                                                     std::uint64_t valid_bytes,
                                                     std::uint64_t valid_hash,
                                                     std::uint64_t records) {
  const auto bad = [&](const std::string& why) {
    return std::runtime_error(fmt::format("its series journal '{}' {}", path.string(), why));
  };
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (f.fd < 0) throw bad("cannot be opened: " + errno_text(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) throw bad("is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) < valid_bytes || valid_bytes < kJournalHeader) {
    throw bad(
        fmt::format("is truncated ({} bytes, the checkpoint counts {})", st.st_size, valid_bytes));
  }
  unsigned char header[kJournalHeader];
  if (!read_at(f.fd, header, sizeof header, 0)) throw bad("cannot be read");
  if (std::string_view(reinterpret_cast<const char*>(header), kJournalMagic.size()) !=
      kJournalMagic) {
    throw bad("is not a brocken series journal");
  }
  std::uint64_t h = fnv1a(std::span<const unsigned char>(header, sizeof header));
  std::vector<std::vector<unsigned char>> out;
  std::uint64_t at = kJournalHeader;
  while (at < valid_bytes) {
    if (out.size() >= records) throw bad("holds more records than the checkpoint counts");
    unsigned char head[kRecordHead];
    if (valid_bytes - at < kRecordHead || !read_at(f.fd, head, sizeof head, at)) {
      throw bad("ends inside a record");
    }
    if (std::memcmp(head, kRecordMagic.data(), 4) != 0) throw bad("has a damaged record header");
    const std::uint64_t len = get_u64(head + 4);
    if (len > valid_bytes - at - kRecordHead) throw bad("has a record longer than the file");
    std::vector<unsigned char> payload(static_cast<std::size_t>(len));
    if (!read_at(f.fd, payload.data(), payload.size(), at + kRecordHead)) {
      throw bad("cannot be read");
    }
    if (fnv1a(payload) != get_u64(head + 12)) throw bad("has a damaged record");
    h = fnv1a(std::span<const unsigned char>(head, sizeof head), h);
    h = fnv1a(payload, h);
    at += kRecordHead + len;
    out.push_back(std::move(payload));
  }
  if (out.size() != records) {
    throw bad(fmt::format("holds {} records, the checkpoint counts {}", out.size(), records));
  }
  if (h != valid_hash) throw bad("does not match the checksum the checkpoint holds");
  return out;
}

}  // namespace brocken::io
