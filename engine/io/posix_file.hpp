#pragma once
/// @file
/// @brief Small POSIX helpers shared by the file writers and readers of engine/io: a file
/// descriptor closed on scope exit, a pread() that reads all it is asked for, errno as text.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include <sys/types.h>
#include <unistd.h>

namespace brocken::io::posix {

/// @brief The text of an errno value.
inline std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

/// @brief A file descriptor, closed on scope exit (release() hands it over).
struct Fd {
  int fd = -1;
  explicit Fd(int f) noexcept : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() noexcept {
    const int f = fd;
    fd = -1;
    return f;
  }
};

/// @brief Reads exactly `n` bytes at offset `at`; false at end of file or on an error.
inline bool read_at(int fd, unsigned char* p, std::size_t n, std::uint64_t at) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, p + done, n - done, static_cast<off_t>(at + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<std::size_t>(r);
  }
  return true;
}

}  // namespace brocken::io::posix
