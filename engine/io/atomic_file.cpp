#include "engine/io/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <system_error>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace brocken::io {
namespace {

namespace fs = std::filesystem;

/// @brief A system call failed; the message names the call and the file.
class WriteFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

/// @brief Creates (or truncates) `tmp`, writes `bytes`, fsync()s and closes it. Sets `created`
/// once the file exists so that the caller removes it on failure.
void write_bytes(const fs::path& tmp, std::span<const unsigned char> bytes, bool& created) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) throw WriteFailure("creating '" + tmp.string() + "' failed: " + errno_text(errno));
  created = true;
  int err = 0;
  std::string what;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // write() returning 0 for a non-empty request does not happen on regular files; treat it
      // as "no space" rather than looping forever.
      err = n < 0 ? errno : ENOSPC;
      what = "writing";
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) {
    err = errno;
    what = "fsync of";
  }
  // close() can report delayed write errors (e.g. on NFS), so its result counts too.
  if (::close(fd) != 0 && err == 0) {
    err = errno;
    what = "closing";
  }
  if (err != 0) throw WriteFailure(what + " '" + tmp.string() + "' failed: " + errno_text(err));
}

/// @brief fsync()s a directory so that a rename in it is durable; file systems that cannot sync
/// directories (EINVAL) are accepted.
void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw WriteFailure("opening '" + dir.string() + "' for fsync failed: " + errno_text(errno));
  }
  const int err = ::fsync(fd) != 0 && errno != EINVAL ? errno : 0;
  ::close(fd);
  if (err != 0) throw WriteFailure("fsync of '" + dir.string() + "' failed: " + errno_text(err));
}

/// @brief Moves the finished temporary file into place. Without `replace` the rename refuses to
/// replace a file that appeared in the meantime (RENAME_NOREPLACE), falling back to a
/// check-then-rename on file systems without renameat2 support.
void publish(const fs::path& tmp, const fs::path& path, bool replace) {
  if (!replace) {
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return;
    const int err = errno;
    if (err == EEXIST) {
      throw OutputError("output file '" + path.string() +
                        "' appeared during the run; pass --force to overwrite");
    }
    if (err != EINVAL && err != ENOSYS && err != ENOTSUP) {
      throw WriteFailure("renaming '" + tmp.string() + "' failed: " + errno_text(err));
    }
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec))) {
      throw OutputError("output file '" + path.string() +
                        "' appeared during the run; pass --force to overwrite");
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    throw WriteFailure("renaming '" + tmp.string() + "' failed: " + errno_text(errno));
  }
}

}  // namespace

fs::path temporary_path(const fs::path& path) {
  return fs::path(path.string() + ".tmp-" + std::to_string(::getpid()));
}

fs::path parent_dir(const fs::path& path) {
  const fs::path parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

void probe_output_location(const fs::path& path) {
  const fs::path dir = parent_dir(path);
  const std::string name = path.filename().string();
  // The longest name derived from `path`: `<path>.series.tmp-<pid>` (pids have at most 7 digits
  // on Linux; 10 allows for any pid_t).
  const std::string longest = name + ".series.tmp-" + std::string(10, '0');
  errno = 0;
  const long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  const std::size_t limit = name_max > 0 ? static_cast<std::size_t>(name_max) : 255;
  if (longest.size() > limit) {
    throw OutputError("cannot write '" + path.string() + "': its name is too long (" +
                      std::to_string(name.size()) + " bytes; with the suffixes brocken adds for " +
                      "temporary, lock and series files it needs " +
                      std::to_string(longest.size()) + ", the file system allows " +
                      std::to_string(limit) + ")");
  }
  struct statfs fs_info {};
  if (::statfs(dir.c_str(), &fs_info) == 0) {
    const auto type = static_cast<unsigned long>(fs_info.f_type);  // NOLINT(google-runtime-int)
    const std::pair<unsigned long, const char*> pseudo[] = {       // NOLINT(google-runtime-int)
                                                            {PROC_SUPER_MAGIC, "proc"},
                                                            {SYSFS_MAGIC, "sysfs"},
                                                            {CGROUP_SUPER_MAGIC, "cgroup"},
                                                            {CGROUP2_SUPER_MAGIC, "cgroup2"},
                                                            {DEBUGFS_MAGIC, "debugfs"},
                                                            {TRACEFS_MAGIC, "tracefs"},
                                                            {SECURITYFS_MAGIC, "securityfs"},
                                                            {DEVPTS_SUPER_MAGIC, "devpts"},
                                                            {BPF_FS_MAGIC, "bpf"}};
    for (const auto& [magic, fs_name] : pseudo) {
      if (type == magic) {
        throw OutputError("cannot write '" + path.string() + "': directory '" + dir.string() +
                          "' is on the " + fs_name + " pseudo file system, not a place for files");
      }
    }
  }
  // The real test: create the temporary file (exclusively: never one that exists) and remove it.
  const fs::path tmp = temporary_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return;  // a stale temporary of this pid: the directory is writable
    throw OutputError("cannot write '" + path.string() + "': creating its temporary file '" +
                      tmp.string() + "' failed: " + errno_text(err));
  }
  ::close(fd);
  ::unlink(tmp.c_str());
}

void write_file_atomically(const fs::path& path, std::span<const unsigned char> bytes,
                           bool replace) {
  const fs::path tmp = temporary_path(path);
  bool created = false;
  const auto discard = [&] {
    // Only remove what this call created: a stale directory of the same name is left alone.
    if (created) {
      std::error_code ec;
      fs::remove(tmp, ec);
    }
  };
  try {
    write_bytes(tmp, bytes, created);
    publish(tmp, path, replace);
  } catch (const OutputError&) {
    discard();
    throw;
  } catch (const std::exception& e) {
    discard();
    throw OutputError("cannot write '" + path.string() + "': " + e.what());
  }
  // The rename is only durable once the directory entry is on disk. The new file is already in
  // place, so a failure here is reported but cannot restore the old file.
  try {
    fsync_directory(parent_dir(path));
  } catch (const std::exception& e) {
    throw OutputError("wrote '" + path.string() +
                      "' but could not sync its directory: " + e.what());
  }
}

}  // namespace brocken::io
