#include "engine/io/path_lock.hpp"

#include <array>
#include <cerrno>
#include <ctime>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/io/atomic_file.hpp"
#include "engine/io/posix_file.hpp"

namespace brocken::io {
namespace {

namespace fs = std::filesystem;
using posix::errno_text;

/// What the holder wrote into the lock file (its first line, at most 1000 bytes).
std::string read_holder(int fd) {
  std::array<char, 1001> buf{};
  ssize_t n = 0;
  do {
    n = ::pread(fd, buf.data(), buf.size() - 1, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return "another process (it has not written its name yet)";
  std::string s(buf.data(), static_cast<std::size_t>(n));
  s = s.substr(0, s.find('\n'));
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return s.empty() ? "another process" : s;
}

}  // namespace

fs::path lock_path(const fs::path& path) {
  return fs::path(path.string() + ".lock");
}

PathLock::PathLock(const fs::path& path, const std::string& holder) : file_(lock_path(path)) {
  // A holder that finishes removes its lock file; if it did so between our open() and flock(),
  // we hold a lock on a file that no longer has the name, so try again with the new file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd =
        ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0) {
      throw OutputError(
          fmt::format("cannot create the lock file '{}': {}", file_.string(), errno_text(errno)));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw OutputError(fmt::format("the lock file '{}' is not a regular file", file_.string()));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string who = err == EWOULDBLOCK ? read_holder(fd) : std::string();
      ::close(fd);
      if (err == EWOULDBLOCK) {
        throw LockError(fmt::format("'{}' is in use by {} (lock file '{}')", path.string(), who,
                                    file_.string()));
      }
      throw OutputError(fmt::format("cannot lock '{}': {}", file_.string(), errno_text(err)));
    }
    struct stat now {};
    if (::stat(file_.c_str(), &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
      ::close(fd);  // the name was removed or replaced meanwhile
      continue;
    }
    const std::string line = holder + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
      const int err = errno;
      ::unlink(file_.c_str());
      ::close(fd);
      throw OutputError(
          fmt::format("cannot write the lock file '{}': {}", file_.string(), errno_text(err)));
    }
    fd_ = fd;
    return;
  }
  throw LockError(fmt::format("'{}' is in use: its lock file '{}' keeps changing", path.string(),
                              file_.string()));
}

PathLock::PathLock(PathLock&& other) noexcept
    : file_(std::move(other.file_)), fd_(std::exchange(other.fd_, -1)) {}

PathLock& PathLock::operator=(PathLock&& other) noexcept {
  if (this != &other) {
    release();
    file_ = std::move(other.file_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

PathLock::~PathLock() {
  release();
}

void PathLock::release() noexcept {
  if (fd_ < 0) return;
  // Remove the name while still holding the lock: a process waiting on the old file sees that
  // the name is gone and starts again (see the constructor).
  ::unlink(file_.c_str());
  ::close(fd_);
  fd_ = -1;
}

std::string describe_this_process(const std::string& command) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string user = std::to_string(::getuid());
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_name != nullptr) {
    user = pw->pw_name;
  }
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> when{};
  const std::size_t len = std::strftime(when.data(), when.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string cmd = command.size() > 600 ? command.substr(0, 600) + "..." : command;
  return fmt::format("pid {} on {} (user {}), since {}: {}", ::getpid(), host.data(), user,
                     std::string_view(when.data(), len), cmd);
}

}  // namespace brocken::io
